"""Nuvemshop as an OrderSource: orders changed by `updated_at` windows, and one order by id.

Every payment status is listed, so that a refund, void or cancellation of an order already
imported is read by the next run even when its webhook was lost. What is handed over: paid orders
(to import) and orders Ponte already has a record of (their change is applied); an unpaid order
Ponte never saw is passed over without mapping it or writing anything.

A query returns at most 10,000 rows, so the time since the cursor is walked in windows: a window
whose `x-total-count` is over the cap is read in parts of about 8,000 orders, one after another,
each sized by what the store's counts so far say (see `_walk`). A count that is not also a part's
first page costs a request of the store's 2 a second, so the parts follow the counts instead of
halving (100,000 orders over an hour: 1 + 2 + 4 + 8 counts) or cutting equal slices of time
(empty slices and slices still over the cap where orders bunch). Within a window the pages
follow `Link rel="next"`. Only the last page of a window carries a cursor (the window's end, less
a small overlap for the store's clock and late commits), so the sync moves its cursor only past
orders it has processed; re-reading the overlap is cheap, imported orders are passed over. Pages
are offsets, so a listing that changes while it is read (its `x-total-count` moves) can slide an
order over a page boundary unread: that window is read again before the cursor passes it.
"""

from __future__ import annotations

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


# A part is sized to hold about this share of the cap: orders are not spread evenly in time.
PART_FILL = 0.8


def part_length(orders: int, seconds: float) -> timedelta:
    """How long a part should be to hold PART_FILL of the cap at the pace of `orders` (at least
    one) counted in `seconds`."""
    return max(SMALLEST_WINDOW, timedelta(seconds=seconds * MAX_ROWS_PER_QUERY * PART_FILL / orders))


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

    def _query(self, start: datetime, end: datetime):
        """Page 1 of the orders updated in `start`–`end`, and how many the store counts there."""
        answer = self.client.orders(
            {
                "updated_at_min": _iso(start),
                "updated_at_max": _iso(end, round_up=True),
                "per_page": PER_PAGE,
                "page": 1,
            }
        )
        total = answer.total_count if answer.total_count is not None else len(answer.data or [])
        return answer, total

    def _window(self, start: datetime, end: datetime) -> Iterator[OrderPage]:
        yield from self._read(start, end, *self._query(start, end))

    def _walk(self, start: datetime, end: datetime, total: int) -> Iterator[OrderPage]:
        """A window over the cap, read in parts one after another, each sized by the store's own
        counts. A count is kept as knowledge: the orders it counted from the part's start to its
        end, less those read since, are still there, so the widest counted stretch whose rest is
        within the cap is read whole without asking again. Otherwise the next part is sized at
        the faster of two paces (orders a second): the last count's and the rest of the stretch's.
        A count is spent without being a part's first page only when its part turned out over the
        cap, and that count shortens the next part. A part left unfinished (its listing kept
        changing) ends the walk: the cursor stays before it."""
        part_start = start
        # Counted stretches that begin at part_start, innermost last: (end, orders not yet read).
        stretches = [(end, total)]
        pace = (total, (end - start).total_seconds())  # the last count and its part's length
        while part_start < end:
            stretch_end, unread = stretches[-1]
            within = [e for e, n in stretches if n <= MAX_ROWS_PER_QUERY]
            if within:  # the widest counted stretch whose rest fits in one query
                part_end = max(within)
            else:
                length = part_length(unread, (stretch_end - part_start).total_seconds())
                if pace[0]:
                    length = min(length, part_length(*pace))
                part_end = min(stretch_end, part_start + length)
            answer, count = self._query(part_start, part_end)
            pace = (count, (part_end - part_start).total_seconds())
            if count > MAX_ROWS_PER_QUERY and part_end - part_start > SMALLEST_WINDOW:
                # A stretch holds at least what any stretch inside it holds: an older count, less
                # what was read since, can be short by the orders of the boundary seconds that
                # two parts both read, and must not have the part read whole again.
                stretches = [(e, max(n, count)) for e, n in stretches] + [(part_end, count)]
                continue
            finished = yield from self._read(part_start, part_end, answer, count)
            if not finished:
                return
            part_start = part_end
            stretches = [(e, max(0, n - count)) for e, n in stretches if e > part_end]

    def _read(self, start: datetime, end: datetime, answer, total: int):
        """Every page of a window, from its page 1 (`answer`) and the store's count (`total`);
        one over the cap is walked in parts. True once the window's last page has handed over
        the cursor."""
        for read in range(WINDOW_READS):
            if read:
                answer, total = self._query(start, end)
            if total > MAX_ROWS_PER_QUERY and end - start > SMALLEST_WINDOW:
                return (yield from self._walk(start, end, total))
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
                return True
            # Read the window again; what was imported on the first read is passed over.
            yield OrderPage(orders=orders, cursor=None)
        # Still changing after every read: the cursor stays, the next run reads the window again.
        return False

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
