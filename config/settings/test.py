"""The test suite: same settings as production code sees, with fast hashing and synchronous tasks.

DATABASE_URL picks SQLite (default) or PostgreSQL; the suite runs on both.
"""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIELD_ENCRYPTION_KEY = ["TEpAKaRv4WY-2HnXtu7uMqmh2Z0qrytP7i_YixhNF38="]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ponte-tests"}}
# Tasks run inline, in the caller's transaction-free context.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}

STORE_SANDBOXES = True
INSTALLED_APPS = list(dict.fromkeys([*INSTALLED_APPS, "sandboxes.loja_integrada", "sandboxes.nuvemshop"]))
PUBLIC_BASE_URL = "http://testserver"
NUVEMSHOP_APP_ID = "4321"
NUVEMSHOP_CLIENT_SECRET = "test-client-secret"
LOJA_INTEGRADA_APP_KEY = "test-application-key"
# Tests point the clients at the sandboxes on live_server; a real store address here would be
# refused by pytest-socket anyway.
STORE_HTTP_TIMEOUT = (2.0, 5.0)
# No collectstatic before tests: serve from the finders and don't warn about an empty STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
