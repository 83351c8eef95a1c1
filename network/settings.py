"""One env-driven settings module.

Every value comes from the environment with a default that works on a bare machine
(SQLite and a filesystem broker under var/). README lists every variable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules

SECRET_KEY = env_str("SECRET_KEY")
# makemigrations only reads models: a developer (or a pre-commit check) runs it bare.
WRITING_MIGRATIONS = sys.argv[1:2] == ["makemigrations"]
if not SECRET_KEY:
    if not (DEBUG or TESTING or WRITING_MIGRATIONS):
        sys.exit("SECRET_KEY is not set: set it in the environment (or DEBUG=1 for development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

# Hosts are checked by network.middleware.TenantMiddleware against Network slugs and
# Domain rows (unknown host -> 404), so custom domains work without a redeploy.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")

# <slug>.<PLATFORM_DOMAIN> reaches a network; the bare domain serves the platform pages.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost").lower()
# Used to build absolute links outside a request (emails sent by Celery).
PLATFORM_SCHEME = env_str("PLATFORM_SCHEME", "http" if DEBUG else "https")
PLATFORM_PORT = env_str("PLATFORM_PORT", "8000" if DEBUG else "")

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
    "django_tables2",
    "django_filters",
    "network",
    "advertisers",
    "publishers",
    "offers",
    "tracking",
    "payouts",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "network.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "network.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# The tenant urlconf; the platform host switches to network.urls_platform per request.
ROOT_URLCONF = "network.urls"
WSGI_APPLICATION = "network.wsgi.application"
ASGI_APPLICATION = "network.asgi.application"

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
                "network.context_processors.tenant",
            ],
            # {% load formats %}: money, numbers and dates for the active language (Babel).
            "libraries": {"formats": "lib.templatetags.formats"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # Off by default: a SELECT 1 before each request's first query is a round trip on
        # every click and postback; Django drops a broken connection after the request anyway.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", False),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if "sqlite" in DATABASES["default"]["ENGINE"]:
    # The embedded default for `make run`: the ledger account's NULLS NOT DISTINCT constraint
    # and the entries' covering index are PostgreSQL features, which CI and production use.
    SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "aff"),
        }
    }
else:
    # A real (per-process) cache, so allauth's rate limits work without Redis too.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "network.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email login, mandatory verification, MFA, rate limits (on by default).
ACCOUNT_ADAPTER = "network.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Affiliate portal] "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so that they are visible and reviewed.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Affiliate portal")

# Email: EMAIL_URL (smtp://user:pass@host:587/?tls=1, console:, locmem:) or SMTP settings.
EMAIL_URL = env_str("EMAIL_URL", "console:" if DEBUG else "smtp://localhost:25")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"no-reply@{PLATFORM_DOMAIN}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _email_settings(url: str) -> dict[str, object]:
    from urllib.parse import parse_qs, unquote, urlparse

    parsed = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parsed.scheme not in backends:
        sys.exit(f"EMAIL_URL scheme must be one of {', '.join(backends)}; got {url!r}.")
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": backends[parsed.scheme],
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or 25,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in ("1", "true"),
        "EMAIL_USE_SSL": query.get("ssl", ["0"])[0] in ("1", "true"),
        "EMAIL_TIMEOUT": 10,
    }


globals().update(_email_settings(EMAIL_URL))

# Celery: filesystem broker under var/ by default, Redis or RabbitMQ by CELERY_BROKER_URL.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Redis redelivers a late-acked task whose worker died after this many seconds: longer than
# the longest task, so that a running task is not delivered twice (the fault tests shorten it).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    os.makedirs(CELERY_BROKER_DIR / "queue", exist_ok=True)
    os.makedirs(CELERY_BROKER_DIR / "processed", exist_ok=True)
    os.makedirs(CELERY_BROKER_DIR / "control", exist_ok=True)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("vi", "Tiếng Việt")]
TIME_ZONE = "UTC"
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
os.makedirs(STATIC_ROOT, exist_ok=True)  # whitenoise warns on a missing directory
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Security: secure cookies and HSTS outside development.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

INVITATION_LIFETIME_DAYS = env_int("INVITATION_LIFETIME_DAYS", 7)
OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS")

# GeoIP (lib/geoip.py): a MaxMind-format .mmdb (GeoLite2/GeoIP2 Country or City), else the
# country header of a trusted proxy, e.g. HTTP_CF_IPCOUNTRY behind Cloudflare (empty: none).
GEOIP_PATH = env_str("GEOIP_PATH")
GEOIP_COUNTRY_HEADER = env_str("GEOIP_COUNTRY_HEADER")

# Fraud checks of new conversions (tracking/fraud.py).
FRAUD_MIN_SECONDS = env_int("FRAUD_MIN_SECONDS", 10)
FRAUD_MAX_CONVERSIONS_PER_IP = env_int("FRAUD_MAX_CONVERSIONS_PER_IP", 5)

# Tracking: which request header holds the visitor's IP behind a proxy (e.g.
# HTTP_X_FORWARDED_FOR); empty: REMOTE_ADDR. Only set it when a trusted proxy writes it.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")
CLICK_DRAIN_BATCH = env_int("CLICK_DRAIN_BATCH", 5000)
BENCH_CEILING = env_bool("BENCH_CEILING")  # adds /bench/redirect for make bench-clicks

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Money. The fault test sets a pause inside the payout run's transaction to kill the worker
# there; it is 0 everywhere else.
PAYOUT_RUN_PAUSE_SECONDS = env_int("PAYOUT_RUN_PAUSE_SECONDS", 0)
