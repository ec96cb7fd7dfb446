"""HTTP to Nuvemshop: the app-install token exchange and the store API. Returns parsed JSON.

Every API call carries `Authentication: bearer TOKEN` (that header, lowercase bearer) and a
User-Agent naming the app and a contact (without it Nuvemshop answers 400). Before each call the
shared leaky bucket (40 burst, 2/s per store, all workers) is asked for a slot; the store's own
`x-rate-limit-*` headers are read as a second line, and a 429 is waited out by
`x-rate-limit-reset` (milliseconds). 5xx and connection errors are retried by the session
(integrations.http); what remains becomes a typed error: 401 AuthError, 402 Suspended, 429
RateLimited, 5xx/timeouts Unavailable, other 4xx StoreError.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from integrations import ratelimit
from integrations.errors import AuthError, RateLimited, StoreError, Suspended, Unavailable
from integrations.http import store_session, timeout
from integrations.store_ids import checked_store_id, store_id_or_none

logger = logging.getLogger(__name__)

# Longest single wait for the store's bucket to drain, and how many 429s in a row we accept.
MAX_RATE_WAIT = 60.0
MAX_429_RETRIES = 3
# One drip of the store's bucket (2 per second), waited when the store says none is left.
DRIP_SECONDS = 0.5


class NotFound(StoreError):
    """The store has no such resource (an order deleted, a wrong id)."""


class TokenError(StoreError):
    """The store refused to exchange the install code; `code` is the store's error code."""

    def __init__(self, code: str, description: str = ""):
        super().__init__(f"{code}: {description}" if description else code)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    store_id: str
    scope: str


def _session() -> requests.Session:
    return store_session(user_agent=settings.NUVEMSHOP_USER_AGENT)


def exchange_code(code: str, *, session: requests.Session | None = None) -> TokenGrant:
    """Trade the install's one-time code for the store's access token (POST body, as documented).

    The store may answer an error with HTTP 200 as {"error", "error_description"}; `user_id` (the
    store id) may be a string or a number.
    """
    session = session or _session()
    try:
        response = session.post(
            settings.NUVEMSHOP_TOKEN_URL,
            data={
                "client_id": settings.NUVEMSHOP_APP_ID,
                "client_secret": settings.NUVEMSHOP_CLIENT_SECRET,
                "grant_type": "authorization_code",
                "code": code,
            },
            timeout=timeout(),
        )
    except requests.RequestException as error:
        raise Unavailable(f"token endpoint unreachable: {type(error).__name__}") from error
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("error"):
        raise TokenError(str(body["error"]), str(body.get("error_description") or ""))
    if response.status_code >= 500:
        raise Unavailable(f"token endpoint answered HTTP {response.status_code}")
    if response.status_code != 200 or not isinstance(body, dict):
        raise TokenError(f"http_{response.status_code}", response.text[:200])
    token, store_id = body.get("access_token"), body.get("user_id")
    if not token or store_id_or_none(store_id) is None:
        raise TokenError("incomplete_answer", "no access_token, or a user_id that is not a store id")
    return TokenGrant(access_token=str(token), store_id=str(store_id), scope=str(body.get("scope") or ""))


@dataclass
class Answer:
    """A parsed API answer with what paging needs."""

    data: Any
    next_url: str | None
    total_count: int | None


class NuvemshopClient:
    """One store's API, as the app installed there."""

    def __init__(
        self,
        store_id: str,
        token: str,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        # Every URL is built from checked parts: the store's id and, below, the order's.
        self.store_id = checked_store_id(str(store_id), what="store")
        self.base_url = f"{settings.NUVEMSHOP_API_URL}/{self.store_id}"
        self.session = session or _session()
        self.session.headers["Authentication"] = f"bearer {token}"
        self.sleep = sleep
        self.rate_key = f"nuvemshop:{self.store_id}"

    # --- resources -----------------------------------------------------------------------------
    def store(self) -> dict:
        return self.request("GET", "/store").data

    def order(self, order_id: str) -> dict:
        """One order; an id that is not digits raises InvalidStoreId before any call."""
        return self.request("GET", f"/orders/{checked_store_id(order_id)}").data

    def orders(self, params: dict[str, Any] | None = None, *, url: str | None = None) -> Answer:
        """One page of orders; `url` is a `Link rel="next"` from the previous page.

        Nuvemshop answers an empty list with 404 ("Last page is 0"): that is an empty page here.
        """
        try:
            return self.request("GET", "/orders", params=params, url=url)
        except NotFound:
            return Answer(data=[], next_url=None, total_count=0)

    def webhooks(self) -> list[dict]:
        try:
            return self.request("GET", "/webhooks", params={"per_page": 200}).data or []
        except NotFound:
            return []

    def create_webhook(self, event: str, url: str) -> dict:
        return self.request("POST", "/webhooks", json={"event": event, "url": url}).data

    # --- plumbing ------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, url: str | None = None, **kwargs) -> Answer:
        """One call with the limiter in front, 429 waited out, and status codes turned into errors."""
        target = url or f"{self.base_url}{path}"
        for attempt in range(MAX_429_RETRIES + 1):
            try:
                ratelimit.acquire(self.rate_key, ratelimit.NUVEMSHOP_RATE)
            except ratelimit.RateLimitTimeout as error:
                raise RateLimited(str(error)) from error
            try:
                response = self.session.request(method, target, timeout=timeout(), **kwargs)
            except requests.RequestException as error:
                raise Unavailable(f"Nuvemshop unreachable: {type(error).__name__}") from error
            if response.status_code != 429:
                self._respect_remaining(response)
                return self._answer(response)
            wait = _reset_seconds(response)
            logger.info("nuvemshop store %s: 429, waiting %.2fs", self.store_id, wait)
            if attempt < MAX_429_RETRIES:
                self.sleep(wait)
        raise RateLimited(f"Nuvemshop kept answering 429 for store {self.store_id}", retry_after=wait)

    def _respect_remaining(self, response: requests.Response) -> None:
        # The store counts every app's calls; if it says the bucket is full, let one drip out.
        remaining = response.headers.get("x-rate-limit-remaining")
        if remaining is not None and remaining.strip() == "0":
            self.sleep(DRIP_SECONDS)

    def _answer(self, response: requests.Response) -> Answer:
        status = response.status_code
        if status == 401:
            raise AuthError(f"Nuvemshop answered 401 (invalid access token) for store {self.store_id}")
        if status == 402:
            raise Suspended(f"Nuvemshop answered 402: store {self.store_id} or the app is suspended")
        if status == 404:
            raise NotFound(f"Nuvemshop: not found ({response.url})")
        if status >= 500:
            raise Unavailable(f"Nuvemshop answered HTTP {status} after retries")
        if status >= 400:
            raise StoreError(f"Nuvemshop answered HTTP {status}: {response.text[:200]}")
        try:
            data = response.json() if response.content else None
        except ValueError as error:
            raise Unavailable("Nuvemshop answered something that is not JSON") from error
        total = response.headers.get("x-total-count")
        return Answer(
            data=data,
            next_url=response.links.get("next", {}).get("url"),
            total_count=int(total) if total and total.isdigit() else None,
        )


def _reset_seconds(response: requests.Response) -> float:
    """How long the store asks us to wait: x-rate-limit-reset (ms), else Retry-After (s), else a drip."""
    reset = response.headers.get("x-rate-limit-reset")
    retry_after = response.headers.get("Retry-After")
    try:
        if reset is not None:
            return min(max(float(reset) / 1000, 0.0), MAX_RATE_WAIT)
        if retry_after is not None:
            return min(max(float(retry_after), 0.0), MAX_RATE_WAIT)
    except ValueError:
        pass
    return DRIP_SECONDS


def client_for(integration) -> NuvemshopClient:
    return NuvemshopClient(integration.store_id, integration.credential)
