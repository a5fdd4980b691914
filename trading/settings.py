"""Sunlight settings.

Everything comes from environment variables; with nothing set, the embedded
default runs: SQLite (WAL) and the in-memory channel layer.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SUNLIGHT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The key that was once the public default: signing sessions, CSRF tokens and password-reset links with a
# key anyone can read in the source lets anyone forge them. Refused outright, in every mode.
PUBLIC_DEFAULT_SECRET_KEYS = {"sunlight-embedded-default-not-for-production"}
VAR_DIR.chmod(0o700)  # the embedded database, keys and media: readable by the service user only


def secret_key():
    """SECRET_KEY from the environment, or (embedded mode) one generated once into the var folder, mode 600."""
    from django.core.exceptions import ImproperlyConfigured

    key = os.environ.get("SECRET_KEY", "")
    if key:
        if key in PUBLIC_DEFAULT_SECRET_KEYS or (not DEBUG and (len(key) < 32 or len(set(key)) < 5)):
            raise ImproperlyConfigured(
                "SECRET_KEY is the public default or too weak (under 32 characters): set 50 random characters, "
                "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'.")
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    import secrets

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker wrote it first
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = secret_key()
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "channels",
    "trading.accounts",
    "trading.audit",
    "trading.tenders",
    "trading.bids",
    "trading.bids.opening",
    "trading.realtime",
    "trading.credit",
    "trading.experts",
    "trading.evaluation",
    "trading.notifications",
    "trading.supervision",
    "trading.award",
    "trading.contracts",
    "trading.opendata",
    "trading.publication",
    "trading.deposits",
    "trading.complaints",
    "trading.collusion",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trading.middleware.HostileInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "trading.middleware.OutageMiddleware",
    "trading.middleware.OutOfRangeMiddleware",
    "trading.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "trading.urls"
ASGI_APPLICATION = "trading.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "trading" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trading.notifications.context.inbox",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "sunlight.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,  # a kept connection that died with a database restart is replaced, not used
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while a bid is written; IMMEDIATE takes the write
        # lock at BEGIN so the deadline check and the insert see one state.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The test database is a file, not memory, so live tests can run Daphne in a subprocess against it
    # (one file per test process: parallel runs do not share it).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_sunlight_{os.getpid()}.sqlite3")}
elif int(os.environ.get("DB_POOL_MAX_SIZE", "0")) > 0:
    # Under ASGI every request runs in a thread of its own, and without a pool each opens (and
    # closes) a PostgreSQL connection: a rush of requests exhausts max_connections and costs a
    # backend fork per request. The pool bounds connections per worker process; a request waits
    # up to DB_POOL_TIMEOUT seconds for one, then gets the clean 503. Needs CONN_MAX_AGE=0. By default as long as
    # a submission may wait for its turn (trading.tenders.arrival): a bid that arrived in time is not refused sooner.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "4")),
        "max_size": int(os.environ["DB_POOL_MAX_SIZE"]),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", os.environ.get("SUNLIGHT_SUBMISSION_MAX_WAIT_SECONDS", "60"))),
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 5000, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 5000}}}
# The cache holds login-failure counts; with several workers they must share it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                      "KEY_PREFIX": "sunlight"}} if REDIS_URL else \
    {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["trading.accounts.throttle.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("SUNLIGHT_FAST_HASHER")
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "trading" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "trading" / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# Uploads over 2.5 MB go to a temporary file as they arrive, never whole into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Production behind HTTPS: SUNLIGHT_HTTPS=1 marks the cookies Secure, redirects plain HTTP and sends HSTS
# (a year, subdomains, preload), trusting the proxy's X-Forwarded-Proto. Each can be set on its own too.
HTTPS = env_bool("SUNLIGHT_HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if env_bool("SECURE_PROXY_SSL_HEADER", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Scripts only from our own static files: no inline script, no inline handlers, no eval; no inline style.
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY", "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
]))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "trading.accounts.tokens.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "trading.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sunlight API",
    "DESCRIPTION": "Public resource trading: tenders, documents, sealed bids and receipts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per choice set, so the rooms' enums never collide into hashed names in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ProjectTypeEnum": "trading.tenders.models.ProjectType.choices",
        "SmallProjectTypeEnum": "trading.publication.models.SmallProjectType.choices",
        "AwardRemedyEnum": "trading.award.models.Remedy.choices",
        "ComplaintRemedyEnum": "trading.complaints.models.Remedy.choices",
        "PassOverEnum": "trading.award.models.PassOver.choices",
        "ComplaintStatusEnum": "trading.complaints.models.ComplaintStatus.choices",
        "ContractStatusEnum": "trading.contracts.models.ContractStatus.choices",
    },
    # No CDN: trading centres run on closed networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Platform signing key for receipts and opening records (Ed25519, hex seed).
# Without one set, a key is generated once into the var folder.
PLATFORM_SIGNING_KEY_FILE = Path(os.environ.get("PLATFORM_SIGNING_KEY_FILE", VAR_DIR / "platform_signing.key"))

SUNLIGHT = {
    "MAX_DOCUMENT_BYTES": int(os.environ.get("SUNLIGHT_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024)),
    "MAX_ATTACHMENT_BYTES": int(os.environ.get("SUNLIGHT_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)),
    "DOCUMENT_EXTENSIONS": [".pdf", ".docx", ".xlsx", ".zip", ".txt", ".png", ".jpg"],
    "MAX_AMOUNT": 10**13,
    "CHECKPOINT_YELLOW_DAYS": 2,
    # An archive (zip, docx, xlsx) may not expand beyond this, nor by more than the ratio.
    "MAX_UNZIPPED_BYTES": int(os.environ.get("SUNLIGHT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)),
    "MAX_ZIP_RATIO": 100,
    "MAX_ZIP_MEMBERS": 10000,
    # OCDS: the ocid prefix the trading centre registered with the Open Contracting Partnership (the default is a
    # placeholder, not registered), and the publisher's name in the packages.
    "OCID_PREFIX": os.environ.get("SUNLIGHT_OCID_PREFIX", "ocds-xxxxxx"),
    "OCDS_PUBLISHER": os.environ.get("SUNLIGHT_OCDS_PUBLISHER", "Sunlight public resource trading platform"),
    "LOGIN_FAILURE_LIMIT": int(os.environ.get("SUNLIGHT_LOGIN_FAILURE_LIMIT", "5")),
    "LOGIN_LOCKOUT_MINUTES": int(os.environ.get("SUNLIGHT_LOGIN_LOCKOUT_MINUTES", "15")),
    # Failures for one account from all addresses, and from one address over all accounts, in the same window.
    "LOGIN_ACCOUNT_FAILURE_LIMIT": int(os.environ.get("SUNLIGHT_LOGIN_ACCOUNT_FAILURE_LIMIT", "20")),
    "LOGIN_ADDRESS_FAILURE_LIMIT": int(os.environ.get("SUNLIGHT_LOGIN_ADDRESS_FAILURE_LIMIT", "30")),
    # Request bodies: anonymous visitors only log in and register; users upload documents and bids.
    "MAX_ANONYMOUS_REQUEST_BYTES": int(os.environ.get("SUNLIGHT_MAX_ANONYMOUS_REQUEST_BYTES", str(1024 * 1024))),
    "MAX_REQUEST_BYTES": int(os.environ.get("SUNLIGHT_MAX_REQUEST_BYTES", str(30 * 1024 * 1024))),
    # API tokens expire; websocket tickets are good for one connection within seconds.
    "API_TOKEN_HOURS": int(os.environ.get("SUNLIGHT_API_TOKEN_HOURS", "10")),
    "WS_TICKET_SECONDS": int(os.environ.get("SUNLIGHT_WS_TICKET_SECONDS", "60")),
    # A submission that arrived before the deadline waits at most this long for its turn (then "not stored, send
    # again"); the opening begins no earlier than the deadline plus this (trading.tenders.arrival). Keep it under
    # the proxy's read timeout.
    "SUBMISSION_MAX_WAIT_SECONDS": int(os.environ.get("SUNLIGHT_SUBMISSION_MAX_WAIT_SECONDS", "60")),
    # Only behind a proxy that overwrites X-Request-Start with the moment it read the whole request (nginx:
    # proxy_set_header X-Request-Start "t=${msec}"; docs/deployment.md); else a client could choose its arrival.
    "TRUST_EDGE_ARRIVAL": env_bool("SUNLIGHT_TRUST_EDGE_ARRIVAL", False),
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=SUNLIGHT["API_TOKEN_HOURS"]),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 20,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_refusals": {"()": "trading.middleware.QuietRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["quiet_refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Notifications by e-mail. The default writes each message to a file under var/mail (the demo's "post
# office"); production sets an SMTP backend and its host through the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sunlight <noreply@sunlight.invalid>")
# Links in e-mails point here.
SITE_URL = os.environ.get("SUNLIGHT_SITE_URL", "http://127.0.0.1:8000")
