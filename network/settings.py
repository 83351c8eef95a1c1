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
# Used to build absolute links outside a request (emails sent by Celery, tracking links,
# pixels, postback URLs). In development the port is the one `make run` serves on (PORT),
# unless PLATFORM_PORT says otherwise; in production links carry none (443 behind the proxy).
PLATFORM_SCHEME = env_str("PLATFORM_SCHEME", "http" if DEBUG else "https")
PLATFORM_PORT = env_str("PLATFORM_PORT", env_str("PORT", "8000") if DEBUG else "")

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
    "django_countries",  # its vi and fa catalogs: lib.countries names countries with them
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "network",
    "audit",
    "advertisers",
    "publishers",
    "offers",
    "commissions",
    "tracking",
    "payouts",
    "decisions",
    "invoices",
    "reports",
    "webhooks",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers /healthz (any host), resolves the host's network and enters its scope.
    "network.middleware.TenantMiddleware",
    # Answers the tracking endpoints on a lean route: the middleware below runs for portal
    # pages only.
    "tracking.middleware.TrackingMiddleware",
    "network.logs.RequestLogMiddleware",
    "network.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session signed in on another network's host (or the platform's) is anonymous here.
    "network.sessions.SessionBindingMiddleware",
    "network.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# The tenant urlconf; the platform host switches to network.urls_platform per request.
ROOT_URLCONF = "network.urls"
WSGI_APPLICATION = "tracking.wsgi.application"
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
                "notifications.context_processors.bell",
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
# The postback's hot statements run as prepared statements (lib/prepared.py); off behind a
# pooler in transaction mode that cannot keep them. Django switches psycopg's preparing off
# (prepare_threshold None); a threshold no statement reaches keeps it off for every other
# query while letting lib.prepared ask for it.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
if DB_PREPARED_STATEMENTS and "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SILENCED_SYSTEM_CHECKS: list[str] = []
if "sqlite" in DATABASES["default"]["ENGINE"]:
    # The embedded default for `make run`: the ledger account's NULLS NOT DISTINCT constraint
    # and the entries' covering index are PostgreSQL features, which CI and production use.
    SILENCED_SYSTEM_CHECKS += ["models.W040", "models.W047"]

REDIS_URL = env_str("REDIS_URL")
# Seconds: a Redis that is down or unreachable must cost a request little (then the circuit
# breaker in lib.resilience skips Redis for a while), and a hung one must not hold a worker.
REDIS_CONNECT_TIMEOUT = float(env_str("REDIS_CONNECT_TIMEOUT", "0.25"))
REDIS_SOCKET_TIMEOUT = float(env_str("REDIS_SOCKET_TIMEOUT", "1.0"))
if REDIS_URL:
    CACHES = {
        "default": {
            # A cache that degrades: Redis away -> a miss (the caller reads the database).
            "BACKEND": "lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "aff"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
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
# Seconds a sign-in or a re-authentication counts as recent: money controls and API keys ask
# for the password (or a code) again after it (network.step_up). allauth's default, stated.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so that they are visible and reviewed. The Django admin's
    # login goes through allauth's too (network/urls_platform.py), so these cover it.
    # Every login POST from one IP, whatever its outcome: past it allauth answers 429.
    "login": "30/m/ip",
    # Wrong passwords (and wrong two-factor codes, keyed by user): per IP, and per account,
    # the key being the email on whichever of our hosts (network.adapters). Past it the form
    # refuses even the right password.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Behind a proxy the client's address is the proxy's unless allauth reads X-Forwarded-For:
# one shared address would put every visitor in the same rate-limit bucket.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_PROXY") else 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Affiliate portal")
# One 30-second step of clock drift either way (a phone a little off, a code typed as its
# window ends); network/mfa.py keeps a used code refused for all three steps.
MFA_TOTP_TOLERANCE = 1

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
# A broker restart: the worker and beat reconnect for as long as it takes (Celery's default
# gives up after 100 attempts, and the process exits); short socket timeouts so a dead Redis
# is noticed. A task running when the connection drops is redelivered (late acks), so the
# worker cancels it rather than let it finish twice.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        "retry_on_timeout": True,
        "health_check_interval": 10,
    }
CELERY_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    os.makedirs(CELERY_BROKER_DIR / "queue", exist_ok=True)
    os.makedirs(CELERY_BROKER_DIR / "processed", exist_ok=True)
    os.makedirs(CELERY_BROKER_DIR / "control", exist_ok=True)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("vi", "Tiếng Việt"), ("fa", "فارسی")]
TIME_ZONE = "UTC"
USE_I18N = True
# locale/ is ours (makemessages writes it). locale_vendor/ holds the Vietnamese of the packages
# that ship none, django-allauth's: makemessages would mark their msgids obsolete in ours, and
# never writes there (locale_vendor/README.md). Earlier paths win, then the apps' own catalogs.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
os.makedirs(STATIC_ROOT, exist_ok=True)  # whitenoise warns on a missing directory
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files whitenoise serves at the site's root on every host: /favicon.ico, which browsers ask
# for on pages that name no icon (the error pages, a PDF, an API answer).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
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

# Security (README "Security"). SecurityMiddleware runs before TenantMiddleware, so its
# headers (HSTS over https, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy) are on every
# response, tracking's too. X-Frame-Options and the Content-Security-Policy come after
# TrackingMiddleware: on portal pages only, since an advertiser embeds the conversion pixel's
# iframe.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Host-only session cookies, on purpose: each network's host (and the platform's) has its
# own session, bound to it (network/sessions.py). A shared parent domain would hand one cookie
# to every network, and the binding would then sign the user out of one by signing in on
# another.
SESSION_COOKIE_DOMAIN = None
# No script reads the CSRF cookie: htmx sends the token from the page (hx-headers on <body>).
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# The header (META name) a TLS-terminating proxy sets to "https"; only behind such a proxy.
SECURE_PROXY_SSL_HEADER = (
    (env_str("PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO"), "https")
    if env_bool("BEHIND_PROXY")
    else None
)
# Portal pages move to https; tracking links and postbacks keep working over http (a
# redirect would lose a POSTed postback), and so does a load balancer's /healthz probe.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SECURE_REDIRECT_EXEMPT = [r"^aff_(c|lsr|goal|l|i)/?$", r"^healthz/?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Off by default: HSTS is sent on the networks' custom domains too, and `preload` there would
# let anyone put a customer's domain on the browsers' preload list. Turn it on for a
# deployment without custom domains; off, its deploy check (W021) is silenced on purpose.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# network.security: our own static files only; no inline script or style (README "Security").
# The dict has the shape of Django 6's SECURE_CSP, so an upgrade can drop our middleware.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

DJANGO_TABLES2_TEMPLATE = "tables/table.html"  # the frame, sticky parts, column chooser
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
# The conversion sweeper (tracking/follow_ups.py): on, each postback sweeps its network after
# commit in its own process (the tests' default); off (production), `sweep_conversions` does.
FOLLOW_UPS_INLINE = env_bool("FOLLOW_UPS_INLINE", False)
# How long the sweeper waits after a batch that was not full (a follow-up's added delay).
SWEEP_IDLE_SECONDS = float(env_str("SWEEP_IDLE_SECONDS", "0.2"))

# Tracking: which request header holds the visitor's IP behind a proxy (e.g.
# HTTP_X_FORWARDED_FOR); empty: REMOTE_ADDR. Only set it when a trusted proxy writes it.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")
CLICK_DRAIN_BATCH = env_int("CLICK_DRAIN_BATCH", 5000)

# One JSON object per line on stderr (network.logs) unless DEBUG; LOG_FORMAT=text|json.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    sys.exit(f"LOG_FORMAT must be json or text; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "network.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The REST API (network/api_*.py, each app's api.py). Rates: per API key and per client IP,
# counted in the shared cache; README's API section explains them.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "network.api_auth.ApiKeyAuthentication",
        "network.api_auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["network.api_policy.MemberOfNetwork"],
    # Per IP comes first, before the credentials: network.api_policy.IpThrottledFirst.
    "DEFAULT_THROTTLE_CLASSES": ["network.api_policy.PerKeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env_str("API_RATE_PER_KEY", "1200/min"),
        "api_ip": env_str("API_RATE_PER_IP", "3000/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "network.api_policy.CursorPage",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "network.api_policy.error_response",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Affiliate network API",
    "DESCRIPTION": (
        "The API of one network, on the network's own host. Authenticate with "
        "`Authorization: Api-Key <key>` (create keys under Account > API keys); the key acts "
        "with its owner's role in the network."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "network.api_docs.complete_docs",
    ],
    "ENUM_NAME_OVERRIDES": {
        # Several models have a "status" (and goals two terms types): one name per choice set.
        "OfferStatusEnum": "offers.models.Offer.Status",
        "ConversionStatusEnum": "tracking.models.Conversion.Status",
        "InvoiceStatusEnum": "payouts.models.Invoice.Status",
        "GoalTypeEnum": "offers.rules.GoalType",
        "DecisionStatusEnum": "decisions.api_serializers.DECISION_STATUSES",
        "PublisherStatusEnum": "publishers.models.Publisher.Status",
        "AdvertiserStatusEnum": "advertisers.models.Advertiser.Status",
        "OfferAccessStatusEnum": "offers.models.OfferAccess.Status",
        "PayoutRunStatusEnum": "payouts.models.PayoutRun.Status",
        "PayoutLineStatusEnum": "payouts.models.PayoutLine.Status",
        "AdminOfferMoveEnum": "offers.api_moves.ADMIN_OFFER_MOVES",
        "InvitationRoleEnum": "network.models.Invitation.INVITABLE_ROLES",
        "PostbackEventEnum": "webhooks.postbacks.FIRING_EVENTS",
        "WebhookEventEnum": "webhooks.models.SUBSCRIBABLE",
        "GroupingEnum": "reports.api_stats.GROUPINGS",
    },
}

# Money. The fault test sets a pause inside the payout run's transaction to kill the worker
# there; it is 0 everywhere else.
PAYOUT_RUN_PAUSE_SECONDS = env_int("PAYOUT_RUN_PAUSE_SECONDS", 0)
# A run being made whose task has not renewed its heartbeat for this long is made again by
# the beat (payouts.tasks.recover_stalled_payout_runs), whatever the broker does.
PAYOUT_RUN_STALE_SECONDS = env_int("PAYOUT_RUN_STALE_SECONDS", 60)
