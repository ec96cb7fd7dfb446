"""Production: every secret must come from the environment; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEY, SECRET_KEY, STORE_SANDBOXES, env

DEBUG = False

if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY is required in production (50 random characters).")

if not FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is required in production (a Fernet key).")
if STORE_SANDBOXES:
    raise ImproperlyConfigured("STORE_SANDBOXES must not be on in production.")
for _name in ("NUVEMSHOP_CLIENT_SECRET", "LOJA_INTEGRADA_APP_KEY"):
    if not env(_name, default=""):
        raise ImproperlyConfigured(f"{_name} is required in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
