"""HTTP client of the Loja Integrada API: authentication, the shared rate limit, 429s, typed errors.

Every call carries `Authorization: chave_api {merchant key} aplicacao {Ponte's application key}`.
Before each request the worker takes a slot of the store's 100 requests/minute from the limiter
shared by all workers (integrations.ratelimit); a 429 that still comes back is waited out (the
store's Retry-After, else a growing pause) and retried a bounded number of times. 5xx answers and
connection errors are retried with backoff by the session (integrations.http). 401/403 mean the
merchant's key was revoked or is wrong (AuthError), unless Ponte's own application key is the one
refused (AppCredentialsRefused: see .app_key, which also keeps a refused application key from being
called at all). The keys never appear in a log line or an error message.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from integrations import ratelimit
from integrations.errors import AuthError, RateLimited, Unavailable
from integrations.http import store_session, timeout
from integrations.store_ids import checked_store_id

from . import app_key
from .mapper import store_datetime_param

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
# A 429 without Retry-After: wait 2, 4, 8 … seconds, at most this many times.
MAX_429_RETRIES = 6
MAX_429_WAIT = 60.0
# Query parameters that carry credentials in some of the store's own links; never re-sent or logged.
_SECRET_PARAMS = {"chave_api", "aplicacao"}


def limiter_key(api_key: str) -> str:
    """The rate-limit bucket of a store: keys name no store id, so a digest of the key stands for it."""
    digest = hashlib.sha256(api_key.encode()).hexdigest()[:20]
    return f"loja_integrada:{digest}"


class LojaIntegradaClient:
    """One store's API, as parsed JSON."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        new_key: bool = False,
        judge_refusals: bool = True,
    ):
        """`new_key`: a key being checked before it is saved (a person connecting a store): called
        even while Ponte's key is known to be refused, and its refusal is no evidence against
        Ponte's key. `judge_refusals`: on a 401/403, tell the merchant's key from Ponte's (off for
        that judgement's own probe, which is always made)."""
        if not api_key:
            raise AuthError(_("No API key."))
        self._api_key = api_key
        self._auth = f"chave_api {api_key} aplicacao {settings.LOJA_INTEGRADA_APP_KEY}"
        self._new_key = new_key
        self._judge_refusals = judge_refusals
        # None until the first call asks app_key whether Loja Integrada may be called at all.
        self._clear_after_accepted: bool | None = None
        self.base_url = (base_url or settings.LOJA_INTEGRADA_API_URL).rstrip("/")
        self.limiter_key = limiter_key(api_key)
        self.session = store_session(user_agent="Ponte", backoff=getattr(settings, "STORE_HTTP_BACKOFF", 0.5))
        self.requests_sent = 0

    def __repr__(self):
        return f"<LojaIntegradaClient {self.base_url}>"

    # -- endpoints --------------------------------------------------------------------------------

    def search_orders(self, since: datetime, *, params: dict | None = None) -> dict:
        """One page of `pedido/search` changed at or after `since` (inclusive)."""
        query = params or {"since_atualizado": store_datetime_param(since), "limit": PAGE_SIZE, "offset": 0}
        return self.get("pedido/search/", query)

    def iter_order_summaries(self, since: datetime) -> Iterator[dict]:
        """Every summary row changed at or after `since`, following `meta.next` to the end."""
        page = self.search_orders(since)
        while True:
            yield from page.get("objects") or []
            next_link = (page.get("meta") or {}).get("next")
            if not next_link:
                return
            # Only the query of the store's link is used: its path prefix (/api/v1/…) is not ours.
            params = {k: v for k, v in parse_qsl(urlsplit(next_link).query) if k not in _SECRET_PARAMS}
            page = self.search_orders(since, params=params)

    def order(self, number: str) -> dict:
        """The detail of one order; a number that is not digits raises InvalidStoreId before any call."""
        return self.get(f"pedido/{checked_store_id(number)}")

    def check_key(self) -> None:
        """One cheap call that the store answers only for a valid key; raises AuthError otherwise."""
        self.get("pedido/search/", {"limit": 1})

    # -- transport ---------------------------------------------------------------------------------

    def get(self, path: str, params: dict | None = None) -> dict:
        if self._clear_after_accepted is None:
            self._clear_after_accepted = app_key.before_calls(
                always_call=self._new_key or not self._judge_refusals
            )
        url = f"{self.base_url}/{path.lstrip('/')}"
        for attempt in range(MAX_429_RETRIES + 1):
            try:
                ratelimit.acquire(self.limiter_key, ratelimit.LOJA_INTEGRADA_RATE)
            except ratelimit.RateLimitTimeout:
                # Other workers are spending this store's budget: a later run goes on from here.
                raise RateLimited(_("This store's request budget is in use by other imports.")) from None
            response = self._send(url, params)
            if response.status_code != 429:
                return self._answer(response, path)
            wait = _retry_after(response, attempt)
            if attempt == MAX_429_RETRIES:
                break
            logger.info("Loja Integrada 429 on %s; waiting %.1fs", path, wait)
            time.sleep(wait)
        raise RateLimited(_("The store kept answering 429 (too many requests)."), retry_after=wait)

    def _send(self, url: str, params: dict | None) -> requests.Response:
        self.requests_sent += 1
        try:
            return self.session.get(
                url, params=params, headers={"Authorization": self._auth}, timeout=timeout()
            )
        except requests.RequestException as error:
            # The message names the host and path, never the Authorization header.
            raise Unavailable(
                _("Loja Integrada did not answer: %(error)s") % {"error": type(error).__name__}
            ) from None

    def _answer(self, response: requests.Response, path: str) -> dict:
        try:
            data = self._parse(response, path)
        except AuthError:
            if self._judge_refusals:
                # Raises when Ponte's own key is the one refused.
                app_key.judge_refusal(self._api_key, new_key=self._new_key)
            raise
        if self._clear_after_accepted:
            app_key.note_accepted()
            self._clear_after_accepted = False
        return data

    def _parse(self, response: requests.Response, path: str) -> dict:
        status = response.status_code
        if status in (401, 403):
            raise AuthError(_("Loja Integrada refused the API key (HTTP %(status)s).") % {"status": status})
        if status == 404:
            raise NotFound(_("Loja Integrada has no %(path)s (HTTP 404).") % {"path": path})
        if status >= 400:
            raise Unavailable(
                _("Loja Integrada answered HTTP %(status)s on %(path)s.") % {"status": status, "path": path}
            )
        try:
            data = response.json()
        except ValueError:
            raise Unavailable(_("Loja Integrada answered something that is not JSON.")) from None
        if not isinstance(data, dict):
            raise Unavailable(_("Loja Integrada answered something that is not JSON."))
        return data


class NotFound(Unavailable):
    """The store has no such resource (an order number it does not know)."""


def _retry_after(response: requests.Response, attempt: int) -> float:
    header = response.headers.get("Retry-After", "")
    try:
        return min(max(float(header), 0.0), MAX_429_WAIT)
    except ValueError:
        return min(2.0 * 2**attempt, MAX_429_WAIT)
