"""Settings, read only from the environment (12-factor).

Every variable has an embedded default that runs the app on a laptop: SQLite instead of
PostgreSQL, Celery tasks run in-process instead of through Redis. A malformed value raises
ImproperlyConfigured naming the variable at start-up.
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.environment import cache_settings, database_from_url, redis_url, setting

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


# Each variable read by `_env(name, cast, default)`: a malformed value names the variable.
_env = setting

DEBUG = _env("DJANGO_DEBUG", env.bool, False)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-every-deployment"
)
ALLOWED_HOSTS = _env(
    "DJANGO_ALLOWED_HOSTS", env.list, ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = _env("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "core",
    "accounts",
    "referrals",
    "risks",
    "assessments",
    "treatment_requirements",
    "contact_log",
    "documents",
    "reporting",
    "notifications",
    "oauth2_provider",
    "rest_framework",
    "drf_spectacular",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionTouchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.RefusalAuditMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "core.context_processors.service",
                "accounts.context_processors.navigation",
                "notifications.context_processors.inbox",
                "accounts.context_processors.session_timeout",
            ],
        },
    }
]

# Database: PostgreSQL when DATABASE_URL is set, SQLite otherwise (the embedded default).
DATABASES = {
    "default": database_from_url(
        "DATABASE_URL", env.str("DATABASE_URL", default=""), f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = _env("DATABASE_CONN_MAX_AGE", env.int, 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ModelBackend",  # the user with their team, in one query
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "referrals:my_work"
LOGOUT_REDIRECT_URL = "accounts:login"

# Argon2id (OWASP's first choice) with OWASP's parameters (accounts.hashers): memory-hard, and
# far less CPU per sign-in than PBKDF2 at 1,000,000 iterations. A password still hashed by an
# older hasher below is re-hashed with Argon2id when its user next signs in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Shared terminals in custody suites: sessions end after a short idle period.
SESSION_COOKIE_AGE = _env("SESSION_IDLE_TIMEOUT_SECONDS", env.int, 30 * 60)
# accounts.middleware.SessionTouchMiddleware renews the idle limit at most once per interval
# instead of rewriting the session row on every request. Keep the interval well under the
# two minutes of warning the idle-timeout script gives (accounts.context_processors).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_INTERVAL_SECONDS = _env("SESSION_TOUCH_INTERVAL_SECONDS", env.int, 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# However active, a session ends this long after its sign-in (accounts.middleware
# SessionLifetimeMiddleware): a session left open on a shared terminal, or a stolen cookie,
# cannot be kept alive for ever by clicking.
SESSION_ABSOLUTE_LIFETIME_SECONDS = _env("SESSION_ABSOLUTE_LIFETIME_SECONDS", env.int, 12 * 60 * 60)
if SESSION_ABSOLUTE_LIFETIME_SECONDS < 60:
    raise ImproperlyConfigured(
        "Environment variable SESSION_ABSOLUTE_LIFETIME_SECONDS must be 60 or more"
    )
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie (forms carry the token; the autosave posts the form), so
# it is HttpOnly too (the DAST scan's one cookie finding: docs/security.md).
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"  # the service's page, not Django's

# django-axes: lock out after repeated failed sign-ins.
AXES_FAILURE_LIMIT = _env("AXES_FAILURE_LIMIT", env.int, 5)
AXES_COOLOFF_TIME = _env("AXES_COOLOFF_HOURS", env.float, 0.5)
# By username only: custody suites share terminals behind one address, and locking by
# address would lock a whole suite out after one person's mistakes.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies of ours stand in front of the app (compose: nginx, 1): where the
# client's address is read from X-Forwarded-For (core/client_ip.py; 0 ignores the header).
LD_TRUSTED_PROXIES = _env("LD_TRUSTED_PROXIES", env.int, 0)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y"]

STATIC_URL = "/static/"
# Collected files are only needed in production (config.settings.production); elsewhere
# WhiteNoise serves straight from the static/ folders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": _env(
            "STATICFILES_BACKEND",
            env.str,
            "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Documents (documents app): kept in a private location that no URL pattern or WhiteNoise
# serves; read only through the download view. Filesystem under MEDIA_ROOT by default, or
# S3-compatible object storage (django-storages, the "s3" extra) with LD_DOCUMENT_STORAGE=s3.
MEDIA_ROOT = _env("LD_DOCUMENT_ROOT", env.str, str(BASE_DIR / "private_media"))
MEDIA_URL = "/no-public-media/"  # never routed: a document's storage URL is never rendered
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
LD_DOCUMENT_STORAGE = _env("LD_DOCUMENT_STORAGE", env.str, "filesystem")
if LD_DOCUMENT_STORAGE == "filesystem":
    STORAGES["documents"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif LD_DOCUMENT_STORAGE == "s3":
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _env("LD_DOCUMENT_S3_BUCKET", env.str, ""),
            "endpoint_url": _env("LD_DOCUMENT_S3_ENDPOINT_URL", env.str, "") or None,
            "region_name": _env("LD_DOCUMENT_S3_REGION", env.str, "") or None,
            "location": "documents",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not STORAGES["documents"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("Environment variable LD_DOCUMENT_S3_BUCKET must be set")
else:
    raise ImproperlyConfigured("Environment variable LD_DOCUMENT_STORAGE must be filesystem or s3")
# One file's limit (default 20 MB); larger files are refused with a message naming them.
LD_DOCUMENT_MAX_BYTES = _env("LD_DOCUMENT_MAX_BYTES", env.int, 20 * 1024 * 1024)
if LD_DOCUMENT_MAX_BYTES < 1:
    raise ImproperlyConfigured("Environment variable LD_DOCUMENT_MAX_BYTES must be 1 or more")
# Files over 2.5 MB go to a temporary file while the request is read, not to memory; at
# most this many files in one request (Django answers 400 above it).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = _env("LD_DOCUMENT_MAX_FILES", env.int, 10)
# The form fields besides the files stay small.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Virus scanning (documents.scanning): a ClamAV daemon, tcp://host:3310 or unix:///path.
# Empty: documents are marked "not scanned" (production refuses that without a waiver).
LD_CLAMAV = _env("LD_CLAMAV", env.str, "")
LD_VIRUS_SCANNER = "documents.scanning.ClamdScanner"
LD_VIRUS_SCAN_WAIVER = _env("LD_VIRUS_SCAN_WAIVER", env.str, "")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# crispy-forms-gds styles a widget by its class name: the form base's date and time boxes
# (core.forms) are text inputs too.
CRISPY_CLASS_CONVERTERS = {"govdateinput": "govuk-input", "govtimeinput": "govuk-input"}

# Content Security Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Email
EMAIL_BACKEND = _env("EMAIL_BACKEND", env.str, "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = _env("DEFAULT_FROM_EMAIL", env.str, "ld-cstr@localhost")
SITE_URL = _env("SITE_URL", env.str, "http://127.0.0.1:8000")

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process (eager).
REDIS_URL = redis_url("REDIS_URL", env.str("REDIS_URL", default=""))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
# Requests must never hang on a stopped broker: fail fast, the durable rows are swept later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_DEFAULT_QUEUE = _env("CELERY_TASK_DEFAULT_QUEUE", env.str, "celery")
CELERY_BROKER_POOL_LIMIT = 10
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# The cache (dashboard figures, the API's rate counters): Redis shared by every web process
# with REDIS_URL, an unreachable Redis a miss, never an error; per-process memory without it
# (config.environment.cache_settings; docs/performance.md, "Scaling out").
LD_CACHE_KEY_PREFIX = _env("LD_CACHE_KEY_PREFIX", env.str, "ld-cstr")
CACHES = cache_settings(REDIS_URL, LD_CACHE_KEY_PREFIX)

# Reminder delivery (notifications): "django" sends through EMAIL_BACKEND, "govuk_notify"
# through GOV.UK Notify with one template whose body is ((body)) and subject ((subject)).
LD_EMAIL_CHANNEL = _env("LD_EMAIL_CHANNEL", env.str, "django")
if LD_EMAIL_CHANNEL not in ("django", "govuk_notify"):
    raise ImproperlyConfigured(
        "Environment variable LD_EMAIL_CHANNEL must be django or govuk_notify"
    )
GOVUK_NOTIFY_API_KEY = _env("GOVUK_NOTIFY_API_KEY", env.str, "")
GOVUK_NOTIFY_BASE_URL = _env(
    "GOVUK_NOTIFY_BASE_URL", env.str, "https://api.notifications.service.gov.uk"
)
GOVUK_NOTIFY_EMAIL_TEMPLATE_ID = _env("GOVUK_NOTIFY_EMAIL_TEMPLATE_ID", env.str, "")
# Messages to the person (notifications.person_delivery): one Notify template per channel and
# language, each holding ((body)) (email also ((subject))). An empty id: that channel or
# language is not configured, and its messages are kept as "not sent: no channel configured".
GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID = _env("GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID", env.str, "")
GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID_CY = _env("GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID_CY", env.str, "")
GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID = _env("GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID", env.str, "")
GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID_CY = _env(
    "GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID_CY", env.str, ""
)
# The bearer token GOV.UK Notify sends with delivery receipts (set as the callback's token in
# Notify's API integration settings). Empty: the callback endpoint refuses every receipt.
LD_NOTIFY_CALLBACK_TOKEN = _env("LD_NOTIFY_CALLBACK_TOKEN", env.str, "")
# A reminder claimed ("sending") longer than this is taken to be lost with its worker.
LD_REMINDER_SENDING_TIMEOUT_SECONDS = _env("LD_REMINDER_SENDING_TIMEOUT_SECONDS", env.int, 600)
LD_REMINDER_MAX_ATTEMPTS = _env("LD_REMINDER_MAX_ATTEMPTS", env.int, 8)
# Daily snapshots older than this are pruned, except each month's last day.
LD_SNAPSHOT_KEEP_DAILY_DAYS = _env("LD_SNAPSHOT_KEEP_DAILY_DAYS", env.int, 62)

# The audit trail's key and its checkpoints outside the database (accounts.audit_chain).
# Production refuses to start without the key; elsewhere it is derived from SECRET_KEY.
LD_AUDIT_HMAC_KEY = _env("LD_AUDIT_HMAC_KEY", env.str, "")
LD_AUDIT_CHECKPOINT_FILE = _env("LD_AUDIT_CHECKPOINT_FILE", env.str, "")
LD_AUDIT_CHECKPOINT_EMAIL = _env("LD_AUDIT_CHECKPOINT_EMAIL", env.str, "")

# The record-level return's pseudonymous keys are HMAC-SHA256 under this key
# (reporting.return_columns). Production refuses to start without it; elsewhere it is derived
# from SECRET_KEY.
LD_RETURN_PSEUDONYM_KEY = _env("LD_RETURN_PSEUDONYM_KEY", env.str, "")

# Error reports (emails to ADMINS, the DEBUG page) carry no personal data: core/error_reports.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.error_reports.PersonalDataSafeReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "core.error_reports.PersonalDataSafeExceptionReporter"

# Every record goes to one scrubbed console handler, on the root logger. Django's own
# "django" logger keeps its error emails to ADMINS but not its console handler: with DEBUG
# on, that printed each django.* record a second time, unscrubbed ("Watching for file
# changes" twice when ./scripts/run starts). Configuring "django" resets its children, so
# runserver's request lines ("django.server") are set up again as Django sets them up.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_personal_data": {"()": "core.logging.ScrubPersonalDataFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["scrub_personal_data"],
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
        },
    },
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", env.str, "INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # At DEBUG they log issued access tokens and whatever was sent as a client id.
        "oauthlib": {"level": "WARNING"},
        "oauth2_provider": {"level": "WARNING"},
    },
}

# Service configuration (domain settings an area may change).
# Target time from referral to screening/assessment, in hours, per referral source.
LD_TIMELINESS_TARGET_HOURS = {
    "police_custody": 12,
    "voluntary_attendance": 24,
    "magistrates_court": 8,
    "youth_court": 8,
    "crown_court": 24,
    "probation": 72,
    "self": 72,
    "other": 72,
}
LD_ENFORCEMENT_DEADLINE_WORKING_DAYS = _env("LD_ENFORCEMENT_DEADLINE_WORKING_DAYS", env.int, 10)
# How long an appointment lasts (appointments hold only a start time): booking checks for
# clashes (starts less than this apart overlap) and staff calendar invites end it after this.
LD_APPOINTMENT_MINUTES = _env("LD_APPOINTMENT_MINUTES", env.int, 60)
if not 5 <= LD_APPOINTMENT_MINUTES <= 600:
    raise ImproperlyConfigured("Environment variable LD_APPOINTMENT_MINUTES must be 5 to 600")
# The team workload marks a member holding more than this many active orders (probation) or
# open referrals (L&D). HMI Probation: the quality of supervision falls above 50 orders.
LD_WORKLOAD_THRESHOLD = _env("LD_WORKLOAD_THRESHOLD", env.int, 50)
if LD_WORKLOAD_THRESHOLD < 1:
    raise ImproperlyConfigured("Environment variable LD_WORKLOAD_THRESHOLD must be 1 or more")
# Messages to the person (notifications.person_messages): the day-before appointment
# reminder goes at this Europe/London time ("HH:MM", 24-hour clock).
LD_PERSON_REMINDER_TIME = _env("LD_PERSON_REMINDER_TIME", env.str, "10:00")
if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", LD_PERSON_REMINDER_TIME):
    raise ImproperlyConfigured(
        "Environment variable LD_PERSON_REMINDER_TIME must be a 24-hour time like 10:00"
    )
LD_DRAFT_EXPIRY_DAYS = _env("LD_DRAFT_EXPIRY_DAYS", env.int, 90)
LD_RETENTION_YEARS = _env("LD_RETENTION_YEARS", env.int, 8)
LD_SERVICE_NAME = "Liaison & Diversion and CSTR"
# Named on the error pages and the accessibility statement as where to get help.
LD_SERVICE_DESK_EMAIL = _env("LD_SERVICE_DESK_EMAIL", env.str, "servicedesk@example.nhs.uk")

# The JSON API's settings (django-oauth-toolkit, REST framework, drf-spectacular) are kept
# apart: config/settings/api.py.
from .api import *  # noqa: E402, F403
