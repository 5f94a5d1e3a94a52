"""DATABASE_URL and REDIS_URL: a malformed value stops start-up with a message naming the
variable (never the value: it may hold a password); empty or unset is the embedded default."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.environment import database_from_url, redis_cache_location, redis_url

SQLITE_DEFAULT = "sqlite:////srv/app/db.sqlite3"


def _start(**environment) -> subprocess.CompletedProcess:
    """Import the settings in a fresh process, as start-up does; print what they chose."""
    code = (
        "from config.settings import base; "
        "print(base.DATABASES['default']['ENGINE'], base.CELERY_TASK_ALWAYS_EAGER)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={"PATH": "", **environment},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "postgres://ld:s3cret-pw@db.internal:port/ldcstr"),
        ("DATABASE_URL", "ld:s3cret-pw@db.internal/ldcstr"),
        ("REDIS_URL", "redis://:s3cret-pw@cache.internal:port/0"),
        ("REDIS_URL", "cache.internal:6379:s3cret-pw"),
    ],
)
def test_start_up_stops_naming_the_malformed_variable_and_not_its_value(variable, value):
    result = _start(**{variable: value})

    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        f"django.core.exceptions.ImproperlyConfigured: Environment variable {variable} is "
        "malformed: "
    )
    assert "s3cret-pw" not in result.stderr
    # Stopped in the settings, not deep in django-environ, kombu or redis.
    assert "site-packages" not in result.stderr


@pytest.mark.parametrize("value", ["", "  "])
def test_empty_urls_start_on_sqlite_with_tasks_in_process(value):
    result = _start(DATABASE_URL=value, REDIS_URL=value)

    assert (result.returncode, result.stdout.split()) == (
        0,
        ["django.db.backends.sqlite3", "True"],
    )


def test_unset_urls_start_on_sqlite_with_tasks_in_process():
    result = _start()

    assert (result.returncode, result.stdout.split()) == (
        0,
        ["django.db.backends.sqlite3", "True"],
    )


def test_a_redis_url_sends_tasks_to_the_broker():
    result = _start(REDIS_URL="redis://127.0.0.1:6379/0")

    assert (result.returncode, result.stdout.split()) == (
        0,
        ["django.db.backends.sqlite3", "False"],
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("foo", "it does not start with postgres:// or sqlite://"),
        ("mysql://ld@db/ldcstr", "it does not start with postgres:// or sqlite://"),
        ("postgres://ld@db:54x2/ldcstr", "its port is not a number from 0 to 65535"),
        ("postgres://ld@db:99999/ldcstr", "its port is not a number from 0 to 65535"),
        ("postgres://ld@db:5432", "it names no database after the host"),
        ("postgres://", "it names no database after the host"),
    ],
)
def test_a_malformed_database_url_says_what_is_wrong(value, problem):
    with pytest.raises(ImproperlyConfigured) as raised:
        database_from_url("DATABASE_URL", value, SQLITE_DEFAULT)

    assert str(raised.value).startswith(
        f"Environment variable DATABASE_URL is malformed: {problem}. Expected postgres://"
    )


@pytest.mark.parametrize(
    ("value", "engine", "name"),
    [
        ("postgres://ld:pw@db:5432/ldcstr", "django.db.backends.postgresql", "ldcstr"),
        ("postgresql://ld@127.0.0.1/ldcstr", "django.db.backends.postgresql", "ldcstr"),
        ("postgres:///ldcstr", "django.db.backends.postgresql", "ldcstr"),  # Unix socket
        ("sqlite:////tmp/ld.sqlite3", "django.db.backends.sqlite3", "/tmp/ld.sqlite3"),
        (None, "django.db.backends.sqlite3", "/srv/app/db.sqlite3"),
        ("", "django.db.backends.sqlite3", "/srv/app/db.sqlite3"),
    ],
)
def test_a_well_formed_database_url_gives_its_engine_and_name(value, engine, name):
    database = database_from_url("DATABASE_URL", value, SQLITE_DEFAULT)

    assert (database["ENGINE"], database["NAME"]) == (engine, name)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("localhost:6379", "it does not start with redis://, rediss:// or redis+socket://"),
        ("http://cache:6379/0", "it does not start with redis://, rediss:// or redis+socket://"),
        ("redis://cache:63x9/0", "its port is not a number from 0 to 65535"),
        ("redis://cache:6379/zero", "its database (after the host) is not a number"),
        ("redis+socket://", "it names no socket path"),
    ],
)
def test_a_malformed_redis_url_says_what_is_wrong(value, problem):
    with pytest.raises(ImproperlyConfigured) as raised:
        redis_url("REDIS_URL", value)

    assert str(raised.value).startswith(
        f"Environment variable REDIS_URL is malformed: {problem}. Expected redis://"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("rediss://:pw@cache.example:6380", "rediss://:pw@cache.example:6380"),
        ("redis+socket:///run/redis/redis.sock", "redis+socket:///run/redis/redis.sock"),
        (" redis://cache/1 ", "redis://cache/1"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_well_formed_or_empty_redis_url_is_kept(value, expected):
    assert redis_url("REDIS_URL", value) == expected


def _cache_at_start(**environment) -> list[str]:
    """The default cache's backend, location, key prefix and socket timeouts (connect, read)
    the settings chose at start-up."""
    code = (
        "from config.settings import base; c = base.CACHES['default']; o = c['OPTIONS']; "
        "print(c['BACKEND'], c['LOCATION'], c.get('KEY_PREFIX', '-'), "
        "o.get('socket_connect_timeout', '-'), o.get('socket_timeout', '-'))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={"PATH": "", **environment},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_without_redis_the_cache_is_the_one_process_memory():
    assert _cache_at_start() == [
        "django.core.cache.backends.locmem.LocMemCache",
        *["ld-cstr", "-", "-", "-"],
    ]
    assert _cache_at_start(REDIS_URL="")[0] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_every_process_shares_one_cache_under_a_key_prefix():
    default = _cache_at_start(REDIS_URL="redis://cache.internal:6379/2")
    own_prefix = _cache_at_start(
        REDIS_URL="redis://cache.internal:6379/2", LD_CACHE_KEY_PREFIX="ld-cstr-north"
    )

    assert default == [
        *["core.cache.DegradingRedisCache", "redis://cache.internal:6379/2", "ld-cstr"],
        *["0.5", "0.5"],  # a Redis that does not answer costs half a second, not redis-py's 5
    ]
    assert own_prefix[2] == "ld-cstr-north"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("redis://cache:6379/2", "redis://cache:6379/2"),
        ("rediss://:pw@cache.example:6380/1", "rediss://:pw@cache.example:6380/1"),
        ("redis+socket:///run/redis/redis.sock", "unix:///run/redis/redis.sock"),
        ("redis+socket:///run/redis.sock?virtual_host=3", "unix:///run/redis.sock?db=3"),
    ],
)
def test_the_cache_reads_the_broker_url_in_redis_py_form(value, expected):
    assert redis_cache_location(value) == expected
