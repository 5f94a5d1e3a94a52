"""The database and broker URLs, read from the environment and checked at start-up, and
the cache settings that follow from the broker URL (`cache_settings`).

A URL that cannot work stops start-up with ImproperlyConfigured naming its variable and the
form expected, before a driver or broker meets it (django-environ and kombu would otherwise
fail later, deep in their own code, or take "foo" for an engine). The message never repeats
the value: it may hold a password. Empty or unset means the embedded default: SQLite, and
Celery tasks run in-process.
"""

from urllib.parse import SplitResult, parse_qs, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
DATABASE_FORM = (
    "postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3 "
    "(or leave it empty for the embedded SQLite file)"
)
REDIS_FORM = (
    "redis://host:6379/0, rediss://... for TLS or redis+socket:///path/to/redis.sock "
    "(or leave it empty to run Celery tasks in-process)"
)


def setting(name: str, cast, default):
    """The variable `name` read by django-environ's `cast` (env.int, env.str...), or
    `default`; a value that cannot be read stops start-up naming the variable."""
    try:
        return cast(name, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {exc}") from exc


def _malformed(name: str, problem: str, form: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Environment variable {name} is malformed: {problem}. Expected {form}."
    )


def _split(name: str, url: str, form: str) -> SplitResult:
    """The URL's parts, its port checked (urlsplit only checks it when asked)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise _malformed(name, "its port is not a number from 0 to 65535", form) from None
    return parts


def database_from_url(name: str, value: str | None, default: str) -> dict:
    """The DATABASES entry for PostgreSQL or SQLite at `value` (`default` when empty)."""
    url = (value or "").strip() or default
    parts = _split(name, url, DATABASE_FORM)
    if parts.scheme in POSTGRES_SCHEMES:
        # A libpq service file may name the database instead (?service=...).
        if not parts.path.strip("/") and "service=" not in parts.query:
            raise _malformed(name, "it names no database after the host", DATABASE_FORM)
    elif parts.scheme != "sqlite":
        raise _malformed(name, "it does not start with postgres:// or sqlite://", DATABASE_FORM)
    try:
        return environ.Env.db_url_config(url)
    except ValueError:
        raise _malformed(name, "it could not be read as a URL", DATABASE_FORM) from None


def redis_url(name: str, value: str | None) -> str:
    """`value` checked as a Redis URL for Celery's broker, or "" when empty."""
    url = (value or "").strip()
    if not url:
        return ""
    parts = _split(name, url, REDIS_FORM)
    if parts.scheme in ("redis", "rediss"):  # no host: localhost, as Celery reads it
        database = parts.path.strip("/")
        if database and not database.isdigit():
            raise _malformed(name, "its database (after the host) is not a number", REDIS_FORM)
    elif parts.scheme == "redis+socket":
        if not parts.path.strip("/"):
            raise _malformed(name, "it names no socket path", REDIS_FORM)
    else:
        raise _malformed(
            name, "it does not start with redis://, rediss:// or redis+socket://", REDIS_FORM
        )
    return url


def redis_cache_location(url: str) -> str:
    """A checked REDIS_URL as redis-py reads it for Django's cache: redis:// and rediss://
    are the same; Celery's redis+socket:///path?virtual_host=N is unix:///path?db=N."""
    parts = urlsplit(url)
    if parts.scheme != "redis+socket":
        return url
    database = parse_qs(parts.query).get("virtual_host", [""])[0]
    return f"unix://{parts.path}" + (f"?db={database}" if database.isdigit() else "")


def cache_settings(redis: str, key_prefix: str) -> dict:
    """CACHES for a checked REDIS_URL (`redis`), or for none.

    With Redis, one cache every web process shares: figures one process computed serve them
    all, and an API client's rate is counted across processes. A Redis that does not answer
    within half a second (redis-py waits 5 s by default; no retries) is a miss and a skipped
    write, never an error (core.cache.DegradingRedisCache). Without Redis (one process on a
    laptop), a per-process memory cache.
    """
    if not redis:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": key_prefix,
                "OPTIONS": {"MAX_ENTRIES": 500},
            }
        }
    return {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": redis_cache_location(redis),
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": None},
        }
    }
