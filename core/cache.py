"""Django's Redis cache, except that a Redis it cannot reach is a miss, never an error.

Everything kept in the cache can be computed again (the rendered dashboard figures) or
only slows a caller down (the API's rate counters), so a Redis restart or a network hiccup
must cost time, not a 500: a read that fails returns the default, as a miss would, and a
write that fails is skipped. Django's own backend raises redis' ConnectionError or
TimeoutError into the view. The settings keep the socket timeouts short (a fraction of a
second) and turn redis-py's retries off, so a Redis that does not answer costs a request at
most one timeout per cache call. `incr`, `delete`, `delete_many` and `clear` still raise:
nothing here uses them, a counter that silently did not count would be wrong, and a
deletion that silently did not happen would leave stale figures behind.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _unavailable(operation: str, exc: RedisError) -> None:
    # The key is not logged: keep the record free of anything a key might be built from.
    logger.warning(
        "Cache unavailable (%s on %s): carrying on without it", type(exc).__name__, operation
    )


class DegradingRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _unavailable("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _unavailable("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            _unavailable("has_key", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            _unavailable("set", exc)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            _unavailable("add", exc)
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            _unavailable("set_many", exc)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            _unavailable("touch", exc)
            return False
