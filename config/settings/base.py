"""Settings shared by every environment; everything that differs comes from the environment."""

from pathlib import Path

import environ

from config.content_security import content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(str(BASE_DIR / ".env"), overwrite=False)

# --- Core -----------------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The address the stores use to reach Ponte (webhooks, the install redirect).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_q",
    "csp",
    "solo",
    "encrypted_model_fields",
    "core",
    "customers",
    "catalog",
    "sales",
    "fiscal",
    "integrations",
    "integrations.loja_integrada",
    "integrations.nuvemshop",
    "audit",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer: IMMEDIATE makes every atomic() block take the write lock up front, so
    # concurrent transactions queue (for up to `timeout` seconds) instead of failing half-way.
    # WAL lets readers go on while a write is in progress.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Never ATOMIC_REQUESTS: bulk confirm runs one transaction per sale, not one per request.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, task queue ----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by the web server and the task worker on one machine (login rate limits, locks).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ponte_cache"}
    }

Q_CLUSTER = {
    "name": "ponte",
    "workers": env.int("Q_WORKERS", default=2),
    "recycle": 500,
    # A task runs at most `timeout` seconds; an unacknowledged one is re-delivered after `retry`.
    # timeout < retry, or a slow import would run twice at once.
    "timeout": env.int("Q_TIMEOUT", default=600),
    "retry": env.int("Q_RETRY", default=900),
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Tarefas",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Authentication -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "core.adapters.StaffAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key", "login": "30/m/ip"}
# Login limits are kept per client address. Behind proxies every request comes from the last
# proxy, so the client is read from X-Forwarded-For, counting this many proxies of ours from the
# right (entries further left are whatever the client sent, so never trusted). 0 = no proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ponte"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "admin:index"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language, time, money ------------------------------------------------------------------------
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)"), ("en", "English")]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# dd/mm/aaaa everywhere (Django's own pt_BR long date format spells the month out).
FORMAT_MODULE_PATH = ["config.formats"]
# Sales are booked in the company's currency; orders in another one fail with a reason.
COMPANY_CURRENCY = "BRL"

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Secrets at rest ------------------------------------------------------------------------------
# Fernet key(s); a list allows rotation (the first encrypts, all decrypt).
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])

# --- Stores ---------------------------------------------------------------------------------------
NUVEMSHOP_APP_ID = env("NUVEMSHOP_APP_ID", default="")
NUVEMSHOP_CLIENT_SECRET = env("NUVEMSHOP_CLIENT_SECRET", default="")
NUVEMSHOP_AUTHORIZE_URL = env(
    "NUVEMSHOP_AUTHORIZE_URL", default="https://www.nuvemshop.com.br/apps/{app_id}/authorize"
)
NUVEMSHOP_TOKEN_URL = env("NUVEMSHOP_TOKEN_URL", default="https://www.nuvemshop.com.br/apps/authorize/token")
NUVEMSHOP_API_URL = env("NUVEMSHOP_API_URL", default="https://api.nuvemshop.com.br/v1").rstrip("/")
# Nuvemshop answers 400 without a User-Agent naming the app and a contact.
NUVEMSHOP_USER_AGENT = env("NUVEMSHOP_USER_AGENT", default="Ponte (suporte@ponte.app.br)")

LOJA_INTEGRADA_API_URL = env("LOJA_INTEGRADA_API_URL", default="https://api.awsli.com.br/v1").rstrip("/")
LOJA_INTEGRADA_APP_KEY = env("LOJA_INTEGRADA_APP_KEY", default="")

# Seconds: (connect, read). Retries with backoff happen on top of these.
STORE_HTTP_TIMEOUT = (
    env.float("STORE_HTTP_CONNECT_TIMEOUT", default=5.0),
    env.float("STORE_HTTP_READ_TIMEOUT", default=30.0),
)
STORE_HTTP_RETRIES = env.int("STORE_HTTP_RETRIES", default=4)
# The client-side limiter keeps every worker under each store's published limit. Off only for
# benchmarks against the sandboxes.
STORE_RATE_LIMIT_ENABLED = env.bool("STORE_RATE_LIMIT_ENABLED", default=True)
# Polling safety net; webhooks (Nuvemshop) bring orders in at once.
IMPORT_SCHEDULE_MINUTES = env.int("IMPORT_SCHEDULE_MINUTES", default=5)
# "Confirmar vendas selecionadas": up to this many sales are confirmed during the click; more go
# to a worker while the clerk watches the progress page.
SALES_BULK_CONFIRM_INLINE_LIMIT = env.int("SALES_BULK_CONFIRM_INLINE_LIMIT", default=20)

# The fake stores served by this project (demo, tests). Never in production: see core.checks.
STORE_SANDBOXES = env.bool("STORE_SANDBOXES", default=False)
if STORE_SANDBOXES:
    INSTALLED_APPS += ["sandboxes.loja_integrada", "sandboxes.nuvemshop"]
    # The demo's Loja Integrada is this server's own sandbox, unless an address is given.
    if "LOJA_INTEGRADA_API_URL" not in env.ENVIRON:
        LOJA_INTEGRADA_API_URL = f"{PUBLIC_BASE_URL}/sandbox/loja-integrada/v1"

# --- Content-Security-Policy (django-csp) ---------------------------------------------------------
# On everywhere, so the browser tests catch a page that breaks it; see config/content_security.py.
CONTENT_SECURITY_POLICY = content_security_policy(store_authorize_url=NUVEMSHOP_AUTHORIZE_URL)

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
