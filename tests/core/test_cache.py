"""The shared cache (core.cache): a Redis that is down or does not answer is a miss and a
skipped write, within the short socket timeouts, never an error; a Redis that answers is a
cache like any other, its keys under the deployment's prefix."""

import socket
import time
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from core.cache import DegradingRedisCache

# As config.settings.base sets them when REDIS_URL is set (tests/config/test_environment.py).
OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": None}


@pytest.fixture
def silent_redis():
    """An address that accepts connections and never answers (a hung Redis, a lost route)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


@pytest.fixture
def refused_redis():
    """An address where nothing listens (Redis stopped or restarting)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def _cache(location, backend=DegradingRedisCache, prefix="ld-cstr"):
    return backend(location, {"KEY_PREFIX": prefix, "OPTIONS": OPTIONS})


@pytest.mark.parametrize("address", ["silent_redis", "refused_redis"])
def test_an_unreachable_redis_is_a_miss_and_a_skipped_write(address, request, caplog):
    cache = _cache(request.getfixturevalue(address))

    started = time.monotonic()
    read = cache.get("reporting:dashboard:abc", "computed")
    cache.set("reporting:dashboard:abc", "figures", 60)
    many = cache.get_many(["a", "b"])
    added = cache.add("throttle_api_client_7", [1.0])
    took = time.monotonic() - started

    assert (read, many, added) == ("computed", {}, False)
    assert took < 4  # four calls, each at most one half-second timeout (5 s each without)
    assert "Cache unavailable" in caplog.text
    assert "dashboard" not in caplog.text  # the key is not logged


def test_djangos_own_backend_raises_into_the_view_where_ours_does_not(silent_redis):
    with pytest.raises(redis.exceptions.TimeoutError):
        _cache(silent_redis, backend=RedisCache).get("reporting:dashboard:abc")

    assert _cache(silent_redis).get("reporting:dashboard:abc") is None


def test_a_reachable_redis_keeps_entries_under_the_deployments_prefix(redis_url):
    prefix = f"test-{uuid.uuid4().hex}"
    north, south = _cache(redis_url, prefix=f"{prefix}-north"), _cache(redis_url, prefix=prefix)
    server = redis.Redis.from_url(redis_url)
    try:
        north.set("reporting:dashboard:abc", "north figures", 60)
        south.set("reporting:dashboard:abc", "south figures", 60)

        assert north.get("reporting:dashboard:abc") == "north figures"
        assert south.get("reporting:dashboard:abc") == "south figures"
        assert sorted(server.scan_iter(match=f"{prefix}*")) == [
            f"{prefix}-north:1:reporting:dashboard:abc".encode(),
            f"{prefix}:1:reporting:dashboard:abc".encode(),
        ]
    finally:
        for key in server.scan_iter(match=f"{prefix}*"):
            server.delete(key)
