"""Nuvemshop as an OrderSource: paid orders by `updated_at` windows, and one order by id.

A query returns at most 10,000 rows, so the time since the cursor is walked in windows: a window
whose `x-total-count` is over the cap is halved until each half fits. Within a window the pages
follow `Link rel="next"`. Only the last page of a window carries a cursor (the window's end, less
a small overlap for the store's clock and late commits), so the sync moves its cursor only past
orders it has processed; re-reading the overlap is cheap, imported orders are passed over.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.providers import FetchedOrder, OrderPage
from integrations.store_order import StoreOrderError

from .client import NotFound, NuvemshopClient, client_for
from .mapper import PAID, map_order

MAX_ROWS_PER_QUERY = 10_000
PER_PAGE = 200
CURSOR_OVERLAP = timedelta(minutes=2)
SMALLEST_WINDOW = timedelta(seconds=1)


def _iso(moment: datetime, *, round_up: bool = False) -> str:
    """The store compares whole seconds: an upper bound is rounded up so its last second counts."""
    if round_up and moment.microsecond:
        moment = moment + timedelta(seconds=1)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def to_fetched(data) -> FetchedOrder:
    """Map one order's JSON; an unreadable one comes back with its reason instead."""
    try:
        return FetchedOrder.mapped(map_order(data))
    except StoreOrderError as error:
        return FetchedOrder.unmappable(error)


class NuvemshopOrderSource:
    def __init__(self, integration, client: NuvemshopClient | None = None, *, now=None):
        self.integration = integration
        self.client = client or client_for(integration)
        self.now = now or timezone.now

    def pages(self, since: datetime | None) -> Iterator[OrderPage]:
        start = since or self.integration.activated_at
        end = self.now()
        if start is None or start >= end:
            return
        yield from self._window(start, end)

    def fetch(self, store_order_id: str) -> FetchedOrder:
        try:
            return to_fetched(self.client.order(store_order_id))
        except NotFound:
            return FetchedOrder.unmappable(
                StoreOrderError(
                    _("The store has no order %(id)s (deleted, or a wrong id).") % {"id": store_order_id},
                    store_order_id=str(store_order_id),
                )
            )

    def _window(self, start: datetime, end: datetime) -> Iterator[OrderPage]:
        params = {
            "payment_status": PAID,
            "updated_at_min": _iso(start),
            "updated_at_max": _iso(end, round_up=True),
            "per_page": PER_PAGE,
            "page": 1,
        }
        answer = self.client.orders(params)
        total = answer.total_count if answer.total_count is not None else len(answer.data or [])
        if total > MAX_ROWS_PER_QUERY and end - start > SMALLEST_WINDOW:
            middle = start + (end - start) / 2
            yield from self._window(start, middle)
            yield from self._window(middle, end)
            return
        while True:
            orders = [to_fetched(row) for row in answer.data or []]
            if answer.next_url is None:
                yield OrderPage(orders=orders, cursor=max(start, end - CURSOR_OVERLAP))
                return
            yield OrderPage(orders=orders, cursor=None)
            answer = self.client.orders(url=answer.next_url)


def order_source(integration) -> NuvemshopOrderSource:
    return NuvemshopOrderSource(integration)
