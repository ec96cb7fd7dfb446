"""Each store's published request limit, shared by every worker on every host.

The policy is a leaky bucket (GCRA, from pyrate-limiter). Its state lives where all workers see
it: in Redis when REDIS_URL is set (an atomic Lua script), otherwise in a database row locked for
the read-modify-write. Waiting happens here, before a request, so a worker never sends one the
store would drop; the clients still honour 429 and the x-rate-limit-* headers as a second line.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import transaction
from pyrate_limiter import GCRA, Duration, Rate, RedisStateStore, StateStore, WallClock

from .errors import RateLimited
from .models import RateLimitState

logger = logging.getLogger(__name__)

_ALGORITHM = GCRA()
_CLOCK = WallClock()


@dataclass(frozen=True)
class StoreRate:
    """`limit` requests per `seconds`, with bursts of up to `burst`."""

    limit: int
    seconds: float
    burst: int

    def as_rates(self) -> list[Rate]:
        return [Rate(self.limit, int(self.seconds * Duration.SECOND), burst=self.burst)]

    @classmethod
    def per_window(cls, limit: int, seconds: float) -> StoreRate:
        """`limit` requests in any window of `seconds`, however the store aligns its windows.

        A leaky bucket admits at most `burst` + `rate` × `seconds` requests in any such window, so
        it drains at (`limit` − `burst`) per window: the store's whole allowance but the burst,
        which lets a request that went out late (the database, the other thread) be made up
        without ever making `limit` + 1 in a window. A 50th of the limit, at least 2: 98 a minute
        out of 100.
        """
        burst = max(2, limit // 50)
        return cls(limit=limit - burst, seconds=seconds, burst=burst)


# Nuvemshop: a bucket of 40 that drains 2 per second, per store.
NUVEMSHOP_RATE = StoreRate(limit=2, seconds=1, burst=40)
# Loja Integrada: 100 requests a minute per store, steadily (see StoreRate.per_window).
LOJA_INTEGRADA_RATE = StoreRate.per_window(100, 60)


class DatabaseStateStore(StateStore):
    """GCRA state in a RateLimitState row, for machines without Redis."""

    is_async = False
    default_clock = _CLOCK

    def __init__(self, key: str):
        self.key = key

    def check(self, algorithm, rates, now, weight):
        # A short transaction of its own: on SQLite (IMMEDIATE) it takes the write lock, on
        # PostgreSQL the row lock; either way no two workers interleave the read and the write.
        with transaction.atomic():
            row, _ = RateLimitState.objects.select_for_update().get_or_create(key=self.key)
            state = tuple(row.state) if row.state else algorithm.initial(rates)
            new_state, decision = algorithm.step(rates, state, now, weight)
            if new_state != state:
                RateLimitState.objects.filter(key=self.key).update(state=list(new_state))
        return decision

    def read(self, algorithm, rates):
        row = RateLimitState.objects.filter(key=self.key).first()
        return tuple(row.state) if row and row.state else algorithm.initial(rates)

    def reset(self):
        RateLimitState.objects.filter(key=self.key).delete()


@cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def _store_for(key: str) -> StateStore:
    if settings.REDIS_URL:
        return RedisStateStore(_redis_client(settings.REDIS_URL), f"ponte:ratelimit:{key}")
    return DatabaseStateStore(key)


class RateLimitTimeout(RateLimited):
    """Waited longer than allowed for a slot: to the import, the same as the store's own 429."""


class Stopped(Exception):
    """The thread waiting for a slot was told to stop (the import run it fetches for has ended)."""


_waiting = threading.local()


@contextmanager
def stop_waiting_on(event: threading.Event, *, while_waiting=nullcontext):
    """While inside, this thread's waits (for a slot, out a 429) end with Stopped once `event` is set,
    and no new request is let through: a fetching thread stops at its next request.
    `while_waiting()` is entered around each wait (a fetcher lends its database turn meanwhile)."""
    _waiting.stop, _waiting.around = event, while_waiting
    try:
        yield
    finally:
        _waiting.stop = _waiting.around = None


def pause(seconds: float) -> None:
    """Sleep, or raise Stopped as soon as this thread is told to stop (see stop_waiting_on)."""
    stop = getattr(_waiting, "stop", None)
    if stop is None:
        time.sleep(seconds)
        return
    with _waiting.around():
        stopped = stop.wait(seconds)
    if stopped:
        raise Stopped


def _raise_if_stopped() -> None:
    stop = getattr(_waiting, "stop", None)
    if stop is not None and stop.is_set():
        raise Stopped


def acquire(key: str, rate: StoreRate, *, max_wait: float = 120.0) -> float:
    """Block until one request under `key` fits `rate`; returns the seconds waited.

    Does nothing when STORE_RATE_LIMIT_ENABLED is off (benchmarks against the sandboxes).
    Raises Stopped instead when this thread is told to stop (see stop_waiting_on).
    """
    _raise_if_stopped()
    if not settings.STORE_RATE_LIMIT_ENABLED:
        return 0.0
    store = _store_for(key)
    rates = rate.as_rates()
    waited = 0.0
    while True:
        decision = store.check(_ALGORITHM, rates, _CLOCK.now(), 1)
        if decision.allowed:
            return waited
        wait = max((decision.retry_after_ms or 100) / 1000, 0.01)
        if waited + wait > max_wait:
            raise RateLimitTimeout(f"rate limit {key}: would wait more than {max_wait:.0f}s")
        pause(wait)
        waited += wait
