"""One machine, for trying Ponte out: SQLite, the ORM task broker, the store sandboxes.

Every value here is a development default and is overridden by the environment when set.
"""

from config.content_security import content_security_policy

from .base import *  # noqa: F403
from .base import PUBLIC_BASE_URL, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-only-0f3c9a1e7b")
# Development-only key, committed on purpose: nothing encrypted with it is real.
FIELD_ENCRYPTION_KEY = env.list(
    "FIELD_ENCRYPTION_KEY", default=["dcw9qdA7isU-wVuK2OWjIaxeXJbxK8lXHt32zXDv-B8="]
)

STORE_SANDBOXES = env.bool("STORE_SANDBOXES", default=True)
if STORE_SANDBOXES:
    INSTALLED_APPS += ["sandboxes.loja_integrada", "sandboxes.nuvemshop"]  # noqa: F405
    INSTALLED_APPS = list(dict.fromkeys(INSTALLED_APPS))
    _sandbox = f"{PUBLIC_BASE_URL}/sandbox"
    NUVEMSHOP_APP_ID = env("NUVEMSHOP_APP_ID", default="9999")
    NUVEMSHOP_CLIENT_SECRET = env("NUVEMSHOP_CLIENT_SECRET", default="sandbox-client-secret")
    NUVEMSHOP_AUTHORIZE_URL = env(
        "NUVEMSHOP_AUTHORIZE_URL", default=f"{_sandbox}/nuvemshop/apps/{{app_id}}/authorize"
    )
    NUVEMSHOP_TOKEN_URL = env("NUVEMSHOP_TOKEN_URL", default=f"{_sandbox}/nuvemshop/apps/authorize/token")
    NUVEMSHOP_API_URL = env("NUVEMSHOP_API_URL", default=f"{_sandbox}/nuvemshop/v1").rstrip("/")
    LOJA_INTEGRADA_API_URL = env("LOJA_INTEGRADA_API_URL", default=f"{_sandbox}/loja-integrada/v1").rstrip(
        "/"
    )
    LOJA_INTEGRADA_APP_KEY = env("LOJA_INTEGRADA_APP_KEY", default="sandbox-application-key")
    CONTENT_SECURITY_POLICY = content_security_policy(store_authorize_url=NUVEMSHOP_AUTHORIZE_URL)
