"""Nuvemshop as an OrderSource: orders changed by `updated_at` windows, and one order by id.

Every payment status is listed, so that a refund, void or cancellation of an order already
imported is read by the next run even when its webhook was lost. What is handed over: paid orders
(to import) and orders Ponte already has a record of (their change is applied); an unpaid order
Ponte never saw is passed over without mapping it or writing anything.

A query returns at most 10,000 rows, so the time since the cursor is walked in windows: a window
whose `x-total-count` is over the cap is cut in as many parts as its count says should each hold
about 8,000 (a part still over the cap is cut again). Each such count costs a request of the
store's 2 a second, so cutting by the count (100,000 orders: one, then 13 windows) rather than
in halves (1 + 2 + 4 + 8 counts) keeps the import near the fewest requests. Within a window the pages
follow `Link rel="next"`. Only the last page of a window carries a cursor (the window's end, less
a small overlap for the store's clock and late commits), so the sync moves its cursor only past
orders it has processed; re-reading the overlap is cheap, imported orders are passed over. Pages
are offsets, so a listing that changes while it is read (its `x-total-count` moves) can slide an
order over a page boundary unread: that window is read again before the cursor passes it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.models import ImportRecord
from integrations.order_source import FetchedOrder, OrderPage
from integrations.store_order import StoreOrderError

from .client import NotFound, NuvemshopClient, client_for
from .mapper import PAID, map_order

MAX_ROWS_PER_QUERY = 10_000
PER_PAGE = 200
CURSOR_OVERLAP = timedelta(minutes=2)
SMALLEST_WINDOW = timedelta(seconds=1)
# Reads of one window while its listing keeps changing between pages, before leaving it to the next run.
WINDOW_READS = 3


# A part holds about this share of the cap: orders are not spread evenly in time.
PART_FILL = 0.8


def _parts(start: datetime, end: datetime, total: int) -> list[tuple[datetime, datetime]]:
    """`start`–`end` cut in equal parts expected to hold PART_FILL of the cap each (at least two,
    none shorter than SMALLEST_WINDOW)."""
    wanted = math.ceil(total / (MAX_ROWS_PER_QUERY * PART_FILL))
    count = max(2, min(wanted, int((end - start) / SMALLEST_WINDOW)))
    step = (end - start) / count
    bounds = [start + step * n for n in range(count)] + [end]
    return list(itertools.pairwise(bounds))


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
            "updated_at_min": _iso(start),
            "updated_at_max": _iso(end, round_up=True),
            "per_page": PER_PAGE,
            "page": 1,
        }
        for _read in range(WINDOW_READS):
            answer = self.client.orders(params)
            total = answer.total_count if answer.total_count is not None else len(answer.data or [])
            if total > MAX_ROWS_PER_QUERY and end - start > SMALLEST_WINDOW:
                for part_start, part_end in _parts(start, end, total):
                    yield from self._window(part_start, part_end)
                return
            shifted = False
            while True:
                orders = [to_fetched(row) for row in self._worth_handing_over(answer.data or [])]
                # The count moving between pages means the listing changed under the offsets
                # (an order refunded or updated out of the window, one committed late): a row
                # may have slid back over a page boundary unread.
                shifted = shifted or (answer.total_count is not None and answer.total_count != total)
                if answer.next_url is None:
                    break
                yield OrderPage(orders=orders, cursor=None)
                answer = self.client.orders(url=answer.next_url)
            if not shifted:
                yield OrderPage(orders=orders, cursor=max(start, end - CURSOR_OVERLAP))
                return
            # Read the window again; what was imported on the first read is passed over.
            yield OrderPage(orders=orders, cursor=None)
        # Still changing after every read: the cursor stays, the next run reads the window again.

    def _worth_handing_over(self, rows: list) -> list:
        """The page's paid orders, and the others Ponte has a record of (one query, only when the
        page has unpaid rows): an unpaid order never seen costs neither a mapping nor a write."""
        unpaid = [
            str(row.get("id")) for row in rows if isinstance(row, dict) and row.get("payment_status") != PAID
        ]
        if not unpaid:
            return rows
        known = set(
            ImportRecord.objects.filter(integration=self.integration, store_order_id__in=unpaid).values_list(
                "store_order_id", flat=True
            )
        )
        return [
            row
            for row in rows
            if not isinstance(row, dict) or row.get("payment_status") == PAID or str(row.get("id")) in known
        ]


def order_source(integration) -> NuvemshopOrderSource:
    return NuvemshopOrderSource(integration)
