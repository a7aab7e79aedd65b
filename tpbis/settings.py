"""Settings for tpbis, read from the environment.

With nothing configured the app runs on SQLite with Celery tasks executed in-process, so
`make run` works on a bare machine. Production (TPBIS_ENV=production) needs SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and REDIS_URL, and turns on every transport-security setting.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy, to_language

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional: a local .env file, never committed

TPBIS_ENV = env.str("TPBIS_ENV", default="development")
if TPBIS_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("TPBIS_ENV must be 'development' or 'production'.")
PRODUCTION = TPBIS_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # Debug pages show settings and source code to anyone who makes an error happen.
    raise ImproperlyConfigured("DEBUG must be off in production (TPBIS_ENV=production).")

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the site, for links in e-mails and QR codes made outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tpbis.accounts",
    "programs",
    "participants",
    "visits",
    "reports",
    "tpbis.demo",
    "tpbis.health",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and data leave compressed (static files are compressed by WhiteNoise).
    "tpbis.light_pages.CompressTextMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tpbis.light_pages.RevalidateKeptPagesMiddleware",
    "tpbis.security.PrivacyHeadersMiddleware",
    "tpbis.security.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "participants.roles.RequireMFAMiddleware",
]

ROOT_URLCONF = "tpbis.urls"
WSGI_APPLICATION = "tpbis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "participants.roles.navigation",
            ],
        },
    },
]

# Database: one URL. Connections persist between requests (opening one per request costs
# several times the throughput); health checks drop a connection the server has closed.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis backs the cache (allauth's rate limits shared by every process), the sessions and Celery.
# It speeds the site up but must not take it down: tpbis.cache answers from a fallback while
# Redis is away (see the README, "When Redis is down"), and every connection to Redis gives up
# after REDIS_TIMEOUT seconds.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
if REDIS_URL:
    _redis_cache = {
        "BACKEND": "tpbis.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tpbis",
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
    CACHES = {
        # While Redis is away: this process's memory (rate limits counted per process).
        "default": _redis_cache,
        # While Redis is away: nothing, so sessions are read from the database.
        "sessions": {
            **_redis_cache,
            "OPTIONS": {**_redis_cache["OPTIONS"], "LOCAL_FALLBACK": False},
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Production reads sessions from Redis (a database query less on every request) and writes
# them through to the database, so that restarting Redis signs nobody out, and while Redis is
# away sessions are read from the database. It takes a cache that every process shares: with a
# per-process one, signing out in one process would leave the session alive in the others;
# hence the "sessions" cache, which keeps nothing in process memory. Development and the tests
# keep the database engine, whose queries the tests count.
if PRODUCTION and REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"

# Celery: without a broker, tasks run in-process (eagerly) so the app works without Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Eager calls still take a producer to serialise their arguments: give it an in-memory
    # transport, not the default of an AMQP broker on localhost (and a warning on every call).
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="tpbis")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # job state lives in the database, not a result backend
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that sends a task must not wait seconds for a broker that is down or hangs: short
# timeouts and one quick retry; what could not be sent waits in the database for the sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "UTC"
# Beat runs this every 15 minutes; each programme's evening (18:00 local) triggers the e-mail
# about the next day, sent once per delegate per day.
CELERY_BEAT_SCHEDULE = {
    "daily-agenda-reminders": {
        "task": "visits.send_daily_reminders",
        "schedule": 15 * 60,
    },
    # Jobs saved while the broker was down are sent once it is back.
    "sweep-queued-jobs": {
        "task": "reports.sweep_queued_jobs",
        "schedule": 60,
    },
    # Personal data of programmes whose "kept until" day is over (idempotent: a programme
    # with nothing left to purge records nothing).
    "purge-personal-data": {
        "task": "reports.purge_personal_data",
        "schedule": 60 * 60,
    },
    # Uploaded import rows (passports included) of saved imports and of day-old unsaved ones.
    "clear-import-rows": {
        "task": "participants.clear_import_rows",
        "schedule": 15 * 60,
    },
    # Who saw passport data is kept for a year, then forgotten.
    "purge-personal-data-access-log": {
        "task": "participants.purge_access_log",
        "schedule": 24 * 60 * 60,
    },
    # Invited people who have not answered, after each programme's number of days; a run
    # within the interval sends nothing again.
    "invitation-reminders": {
        "task": "participants.send_invitation_reminders",
        "schedule": 60 * 60,
    },
    # Calls for nominations: record the closing of calls past their deadline (nominating is
    # refused from the deadline on whether or not this has run).
    "close-due-nomination-calls": {
        "task": "participants.close_due_calls",
        "schedule": 5 * 60,
    },
    # Group messages and nomination reminders.
    # Message rows saved while the broker was down are sent once it is back.
    "sweep-queued-messages": {
        "task": "participants.sweep_queued_messages",
        "schedule": 60,
    },
    # Focal points before the call's deadline, candidates whose profile is unfinished; each
    # reminder is recorded, so a run within the interval sends nothing again.
    "nomination-reminders": {
        "task": "participants.send_nomination_reminders",
        "schedule": 60 * 60,
    },
    # Webhooks: deliveries that no worker took up (a broker that was down lost their tasks).
    "sweep-webhook-deliveries": {
        "task": "programs.sweep_webhook_deliveries",
        "schedule": 5 * 60,
    },
    # Follow-up surveys: rounds opened on their day, one invitation per participant and round,
    # reminders, rounds closed after their last day (every step is recorded: a second run, or
    # two at once, sends nothing twice).
    "follow-up-surveys": {
        "task": "participants.run_follow_ups",
        "schedule": 60 * 60,
    },
}

# Follow-up surveys: days between the invitation (or the last reminder) and a reminder, and
# how many reminders a participant who has not answered gets at most.
FOLLOW_UP_REMINDER_DAYS = env.int("FOLLOW_UP_REMINDER_DAYS", default=7)
FOLLOW_UP_MAX_REMINDERS = env.int("FOLLOW_UP_MAX_REMINDERS", default=2)

# Group messages: e-mails per minute per worker (Celery's rate limit syntax), retries of a
# failed e-mail (the delay doubles from GROUP_MESSAGE_RETRY_DELAY seconds), and how long a row
# handed to the workers may wait before the sweep hands it over again (a broker restarted
# without its data loses its tasks; longer than a long message takes at the rate limit).
GROUP_MESSAGE_RATE_LIMIT = env.str("GROUP_MESSAGE_RATE_LIMIT", default="30/m")
GROUP_MESSAGE_MAX_RETRIES = env.int("GROUP_MESSAGE_MAX_RETRIES", default=5)
GROUP_MESSAGE_RETRY_DELAY = env.int("GROUP_MESSAGE_RETRY_DELAY", default=60)
GROUP_MESSAGE_RESEND_AFTER = env.int("GROUP_MESSAGE_RESEND_AFTER", default=2 * 60 * 60)
# Nomination reminders: days before the call's deadline when focal points are reminded, and
# days between the reminders (three at most) to candidates who have not completed their profile.
NOMINATION_DEADLINE_REMINDER_DAYS = env.list(
    "NOMINATION_DEADLINE_REMINDER_DAYS", cast=int, default=[7, 2]
)
NOMINATION_PROFILE_REMINDER_DAYS = env.int("NOMINATION_PROFILE_REMINDER_DAYS", default=3)

# The REST API (/api/v1/): personal tokens or the session, JSON only, pages by cursor, one
# error format, and a rate limit per token (counted in the cache; see programs/api_support.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "programs.api_support.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["programs.api_support.ApiAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "programs.api_support.ApiCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "programs.api_schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "programs.api_support.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "programs.api_support.ApiUserRateThrottle",
        "programs.api_support.ApiAnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api": env.str("API_RATE_LIMIT", default="600/min"),
        "api_anonymous": env.str("API_ANONYMOUS_RATE_LIMIT", default="60/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The client's address for the anonymous rate limit: as for sign-in (TRUSTED_PROXY_COUNT).
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TPBIS API",
    "DESCRIPTION": (
        "Programmes, delegations, participants, the agenda with its bookings and attendance, "
        "certificates and generated files of international knowledge-sharing programmes, "
        "with the same access as the pages. Authenticate with a personal token "
        "(`Authorization: Bearer tpbis_…`) made on the account's API tokens page."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Every country field offers the same list: one enum for all.
    "ENUM_NAME_OVERRIDES": {"CountryEnum": "django_countries.countries"},
}
# Webhooks: seconds a receiver has to answer, attempts per delivery (the delay between them
# doubles from WEBHOOKS_RETRY_DELAY seconds), deliveries in a row that fail every attempt before
# the webhook is turned off, and how long a pending delivery may wait before the sweep sends it
# again. Private, loopback and link-local addresses (and plain http) are for the tests only.
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=5.0)
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=6)
WEBHOOKS_RETRY_DELAY = env.int("WEBHOOKS_RETRY_DELAY", default=60)
WEBHOOKS_DISABLE_AFTER = env.int("WEBHOOKS_DISABLE_AFTER", default=5)
WEBHOOKS_RESEND_AFTER = env.int("WEBHOOKS_RESEND_AFTER", default=30 * 60)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
if PRODUCTION and WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
    raise ImproperlyConfigured("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES is for tests, not production.")

AUTH_USER_MODEL = "accounts.User"
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, verified; delegates may log in with an e-mailed code.
ACCOUNT_ADAPTER = "tpbis.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS", default=True)
if not ACCOUNT_RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[TPBIS] "
# Behind reverse proxies, every request comes from a proxy's address: rate limits must count
# the client's address, which the proxies add to X-Forwarded-For. TRUSTED_PROXY_COUNT is how
# many proxies of ours a request passes (the TLS proxy in front of gunicorn makes 1); 0 ignores
# the header, which clients could forge. Or name a header that the proxy sets to the client's
# address alone (TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP); it takes precedence.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "tpbis"
# Admins and organisers must enrol a second factor before using the app.
REQUIRE_MFA_FOR_PRIVILEGED = env.bool("REQUIRE_MFA_FOR_PRIVILEGED", default=PRODUCTION)

LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "locale"]
# The interface speaks English and every language with a catalogue in locale/: a new
# locale/<code>/LC_MESSAGES/django.po is all another interface language needs. Each is named
# in its own words ("Bahasa Indonesia"). Programme content has its own language, per programme.
LANGUAGES = [
    ("en", LANG_INFO["en"]["name_local"]),
    *sorted(
        (code, LANG_INFO[code]["name_local"])
        for code in (
            to_language(path.parts[-3]) for path in LOCALE_PATHS[0].glob("*/LC_MESSAGES/django.po")
        )
        if code in LANG_INFO and code != "en"
    ),
]
USE_I18N = True
# The first choice of every list filter: words, in the page's language, not a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploads and generated files: the MEDIA_ROOT folder by default, or an S3-compatible bucket
# when AWS_STORAGE_BUCKET_NAME is set, so that web processes and workers on other machines
# share nothing but the database, the broker and the bucket. Either way files are served only
# through permission-checked views, which stream them: the bucket stays private (no public ACL,
# no URL ever given out). Names are never overwritten silently, as on disk: a clash gets a
# suffix. Without keys boto3 looks for credentials where it always does (e.g. an instance role).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # A prefix inside the bucket, for a bucket shared with other data.
            "location": env.str("AWS_LOCATION", default=""),
            # "path" for servers that do not serve buckets as subdomains.
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            # Files read whole by the app (a PDF being merged) spill to disk past 10 MB.
            "max_memory_size": 10 * 1024 * 1024,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="TPBIS <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")

# --- Browser security headers and cookies -------------------------------------------------
# The pages carry no inline script or style, so the policy needs no 'unsafe-inline'; images
# may be data: URIs (the QR code of the two-factor set-up page). PDFs that WeasyPrint renders
# are never served as pages and keep their own styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy: every page refuses these features; pages that scan badges allow the
# camera for this origin (tpbis.security.PrivacyHeadersMiddleware).
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]
PERMISSIONS_POLICY_CAMERA_URL_NAMES = {"visits:attendance_scan"}
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
    },
}
