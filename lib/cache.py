"""A Redis cache that behaves like a cache when Redis is away: a read is a miss (the caller
goes to the database), a write is dropped, `add` answers False (a replay guard or a rate
limit refuses: fail closed), and `incr` raises `CacheUnavailable` (its callers decide, e.g.
tracking.caps). Calls go through the process's Redis circuit breaker, so a dead Redis costs
one failed connect per interval per process, not one per request.

Settings: `CACHES["default"]["BACKEND"] = "lib.cache.ResilientRedisCache"`.
"""

from __future__ import annotations

import functools

import redis
from django.core.cache.backends.redis import RedisCache

from lib.resilience import OUTAGE_ERRORS, redis_breaker


class CacheUnavailable(redis.exceptions.ConnectionError):
    """Redis is away (or was a moment ago): the value could not be counted."""


def _degrades(when_away):
    """Run the call unless the breaker is open; on an outage, answer `when_away(*args)`."""

    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            if not redis_breaker.allow():
                return when_away(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except OUTAGE_ERRORS as error:
                redis_breaker.failed(error)
                return when_away(*args, **kwargs)
            redis_breaker.succeeded()
            return result

        return call

    return wrap


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty(*args, **kwargs):
    return {}


def _unavailable(*args, **kwargs):
    raise CacheUnavailable("Redis is unreachable")


class ResilientRedisCache(RedisCache):
    get = _degrades(_default)(RedisCache.get)
    get_many = _degrades(_empty)(RedisCache.get_many)
    has_key = _degrades(_false)(RedisCache.has_key)
    set = _degrades(_nothing)(RedisCache.set)
    set_many = _degrades(lambda data, *a, **k: list(data))(RedisCache.set_many)
    add = _degrades(_false)(RedisCache.add)
    touch = _degrades(_false)(RedisCache.touch)
    delete = _degrades(_false)(RedisCache.delete)
    delete_many = _degrades(_nothing)(RedisCache.delete_many)
    incr = _degrades(_unavailable)(RedisCache.incr)
