"""Production settings: base plus the hardening `manage.py check --deploy` asks for."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, SECRET_KEY, env

if SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")

# The audit trail's hashes and checkpoints are keyed with a secret the database does not
# hold (accounts.audit_key), and the checkpoints must leave the database (accounts.audit_chain).
if len(LD_AUDIT_HMAC_KEY) < 32 or LD_AUDIT_HMAC_KEY == SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "LD_AUDIT_HMAC_KEY must be set in production: at least 32 characters, not the "
        "DJANGO_SECRET_KEY"
    )
if not LD_AUDIT_CHECKPOINT_FILE and not LD_AUDIT_CHECKPOINT_EMAIL:  # noqa: F405
    raise ImproperlyConfigured(
        "LD_AUDIT_CHECKPOINT_FILE or LD_AUDIT_CHECKPOINT_EMAIL must say where the audit "
        "trail's nightly checkpoints are kept outside the database"
    )

# Uploaded documents must be virus-scanned in production (docs/architecture.md,
# "Documents"). Without a ClamAV daemon the service refuses to start unless a waiver gives
# the reason (for example, scanning done by a gateway in front of the service).
if not LD_CLAMAV and not LD_VIRUS_SCAN_WAIVER:  # noqa: F405
    raise ImproperlyConfigured(
        "LD_CLAMAV must name a ClamAV daemon in production (or LD_VIRUS_SCAN_WAIVER give the "
        "reason scanning is done elsewhere)"
    )

DEBUG = False
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = False
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405

# The record-level return's pseudonyms must not be reversible by whoever holds the database
# or the other keys (reporting.return_columns).
if len(LD_RETURN_PSEUDONYM_KEY) < 32 or LD_RETURN_PSEUDONYM_KEY in (  # noqa: F405
    SECRET_KEY,
    LD_AUDIT_HMAC_KEY,  # noqa: F405
):
    raise ImproperlyConfigured(
        "LD_RETURN_PSEUDONYM_KEY must be set in production: at least 32 characters, neither "
        "the DJANGO_SECRET_KEY nor the LD_AUDIT_HMAC_KEY"
    )
