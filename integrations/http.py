"""The HTTP session every store client uses: timeouts, and retries with backoff (urllib3's Retry).

Retries cover connection errors, read timeouts and 5xx answers to idempotent requests. A 429 is
not retried here: the client reads the store's own wait (Retry-After, x-rate-limit-reset) and
waits that long, which urllib3 cannot know.
"""

from __future__ import annotations

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = frozenset({500, 502, 503, 504})


class _StoreRetry(Retry):
    # urllib3 would also retry a 429 that carries Retry-After, behind the clients' backs (and
    # outside the shared rate limiter); 429 is the clients' to handle, as said above.
    RETRY_AFTER_STATUS_CODES = frozenset({503})


def store_session(*, user_agent: str, retries: int | None = None, backoff: float = 0.5) -> requests.Session:
    """A requests session with retries on connection errors, timeouts and 5xx, and a User-Agent."""
    retry = _StoreRetry(
        total=settings.STORE_HTTP_RETRIES if retries is None else retries,
        connect=None,
        read=None,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}),
        backoff_factor=backoff,
        backoff_max=30,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=8)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    session.headers["Accept"] = "application/json"
    return session


def timeout() -> tuple[float, float]:
    """(connect, read) seconds for one attempt."""
    return tuple(settings.STORE_HTTP_TIMEOUT)
