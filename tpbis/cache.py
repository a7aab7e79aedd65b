"""A Redis cache that keeps the site answering while Redis is away.

Redis speeds the site up (sessions read without a query, rate limits shared by every process);
it must not take the site down with it. `ResilientRedisCache` is Django's RedisCache with
three differences:

- Short timeouts and no retries by default: a Redis that accepts connections but never answers
  costs one request half a second, not five.
- A circuit breaker per Redis address and process: after a failure Redis is considered away
  for `RETRY_AFTER` seconds, so that later calls do not each wait for a timeout. The first call
  after that tries Redis again; the site is back on Redis as soon as it answers. The outage is
  logged when it starts, at most once a minute while it lasts, and when it ends.
- While Redis is away each call is answered by a fallback. With `"LOCAL_FALLBACK": True` (the
  default cache: allauth's rate limits, notice claims) the fallback is this process's memory,
  so rate limits are still counted, per process. With `"LOCAL_FALLBACK": False` (sessions) a
  read is a miss and a write is dropped: the session engine reads the database instead, and no
  process keeps a copy that a sign-out in another process could not reach.

Keys written or deleted during the outage are deleted from Redis when it is back (before any
other call goes to it), so that Redis does not serve what they held before the outage: a
session signed out meanwhile, say. A process remembers up to `MAX_FORGOTTEN` of them; a process
restarted during the outage forgets its list, and Redis may then serve an older value until it
expires.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Seconds a failed Redis is left alone before it is tried again.
RETRY_AFTER = 15.0
# Seconds between two log lines about the same outage.
LOG_EVERY = 60.0
MAX_FORGOTTEN = 10_000
# Entries the local fallback holds before it culls (rate-limit counters of an outage).
FALLBACK_MAX_ENTRIES = 10_000
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class Breaker:
    """Whether one Redis address is away, for this process (shared by the caches that use it)."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.lock = threading.Lock()
        self.away_since: float | None = None
        self.retry_at = 0.0
        self.logged_at = 0.0
        self.failures = 0
        # Full Redis keys written or deleted while away, to delete once Redis is back.
        self.forgotten: set[str] = set()
        self.overflowed = False

    @property
    def away(self) -> bool:
        return self.away_since is not None

    def skip(self) -> bool:
        """True while Redis is away and not yet due for another try."""
        return self.away_since is not None and time.monotonic() < self.retry_at

    def trip(self, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.failures += 1
            self.retry_at = now + RETRY_AFTER
            if self.away_since is None:
                self.away_since = now
                logger.warning(
                    "Redis cache %s is unreachable (%s): serving from the fallback, retrying "
                    "every %g s",
                    self.location,
                    error,
                    RETRY_AFTER,
                )
                self.logged_at = now
            elif now - self.logged_at >= LOG_EVERY:
                logger.warning(
                    "Redis cache %s still unreachable after %d s (%d failed tries; %s)",
                    self.location,
                    now - self.away_since,
                    self.failures,
                    error,
                )
                self.logged_at = now

    def forget(self, keys: list[str]) -> None:
        with self.lock:
            if len(self.forgotten) + len(keys) > MAX_FORGOTTEN:
                self.overflowed = True
                return
            self.forgotten.update(keys)

    def recovered(self) -> None:
        with self.lock:
            if self.away_since is None:
                return
            logger.warning(
                "Redis cache %s is back after %d s%s",
                self.location,
                time.monotonic() - self.away_since,
                "; some keys written meanwhile could not be cleared" if self.overflowed else "",
            )
            self.away_since = None
            self.failures = 0
            self.forgotten.clear()
            self.overflowed = False


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str) -> Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, Breaker(location))


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, answered by a fallback while Redis is away (see the module)."""

    def __init__(self, server, params) -> None:
        params = dict(params)
        options = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        self.local_fallback = bool(options.pop("LOCAL_FALLBACK", True))
        # The breaker decides when to try again: redis-py's own retries would only add waits.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.breaker = breaker_for(server if isinstance(server, str) else ",".join(server))
        self.fallback = LocMemCache(
            f"tpbis-fallback-{self.breaker.location}",
            {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}},
        )

    @property
    def is_away(self) -> bool:
        return self.breaker.away

    def ping(self) -> bool:
        """Whether Redis answers now (skipped while it is known to be away)."""
        return self._redis(lambda: self._cache.get_client().ping(), lambda: False)

    def _redis(self, call: Callable[[], Any], fallback: Callable[[], Any]) -> Any:
        breaker = self.breaker
        if breaker.skip():
            return fallback()
        try:
            if breaker.away:
                self._clear_forgotten()
            result = call()
        except RedisError as error:
            breaker.trip(error)
            return fallback()
        if breaker.away:
            breaker.recovered()
            self.fallback.clear()
        return result

    def _clear_forgotten(self) -> None:
        with self.breaker.lock:
            keys = list(self.breaker.forgotten)
        for start in range(0, len(keys), 1000):
            self._cache.delete_many(keys[start : start + 1000])

    def _read(self, call: Callable[[], Any], local: Callable[[], Any], missing: Any) -> Any:
        """A read: while Redis is away, the local fallback's answer or a miss."""
        return self._redis(call, lambda: local() if self.local_fallback else missing)

    def _write(self, keys: list, version, call: Callable[[], Any], local, dropped) -> Any:
        """A write: while Redis is away, kept in the local fallback (or dropped), and the keys
        remembered, to be cleared from Redis when it is back."""

        def fallback():
            self.breaker.forget([self.make_and_validate_key(key, version=version) for key in keys])
            return local() if self.local_fallback else dropped()

        return self._redis(call, fallback)

    def get(self, key, default=None, version=None):
        return self._read(
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: self.fallback.get(key, default, version),
            default,
        )

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._read(
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: self.fallback.get_many(keys, version),
            {},
        )

    def has_key(self, key, version=None):
        return self._read(
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: self.fallback.has_key(key, version),
            False,
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            [key],
            version,
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: self.fallback.add(key, value, timeout, version),
            lambda: False,
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            [key],
            version,
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self.fallback.set(key, value, timeout, version),
            lambda: None,
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            list(data),
            version,
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: self.fallback.set_many(data, timeout, version),
            lambda: list(data),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            [key],
            version,
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: self.fallback.touch(key, timeout, version),
            lambda: False,
        )

    def delete(self, key, version=None):
        return self._write(
            [key],
            version,
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: self.fallback.delete(key, version),
            lambda: False,
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._write(
            keys,
            version,
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self.fallback.delete_many(keys, version),
            lambda: None,
        )

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._write(
            [key],
            version,
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self.fallback.incr(key, delta, version),
            missing,
        )

    def clear(self):
        self.fallback.clear()
        return self._redis(lambda: super(ResilientRedisCache, self).clear(), lambda: None)
