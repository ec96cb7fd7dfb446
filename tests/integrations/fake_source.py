"""An in-memory store behind the OrderSource protocol, for testing everything after StoreOrder.

Use the `fake_store` fixture (tests/integrations/conftest.py): it routes `order_source()` of
every provider to this module, and `fake_store(integration)` returns the FakeStore that
integration reads from. Orders are StoreOrder (mapped) or StoreOrderError (unmappable); pages
come in `updated_at` order with the last order's `updated_at` as the cursor, like the real
sources. Failures are injected per call: `fail_on_page[n]` is raised instead of yielding page n
(0-based), `fail_on_fetch` is raised by every fetch while set.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from integrations.order_source import FetchedOrder, OrderPage
from integrations.store_order import StoreOrder, StoreOrderError

_STORES: dict[int, FakeStore] = {}


class FakeStore:
    def __init__(self, page_size: int = 2):
        self.page_size = page_size
        self._orders: dict[str, tuple[datetime, FetchedOrder]] = {}
        self.fail_on_page: dict[int, BaseException] = {}
        self.fail_on_fetch: BaseException | None = None
        self.pages_served = 0
        self.fetches: list[str] = []

    def add(self, *orders: StoreOrder) -> None:
        """Put (or replace) orders in the store."""
        for order in orders:
            self._orders[order.store_order_id] = (
                order.updated_at or order.placed_at,
                FetchedOrder.mapped(order),
            )

    def add_unmappable(self, store_order_id: str, reason: str, *, updated_at: datetime, raw=None) -> None:
        """An order whose JSON the mapper could not read."""
        error = StoreOrderError(reason, store_order_id=store_order_id, number=store_order_id, raw=raw or {})
        self._orders[store_order_id] = (updated_at, FetchedOrder.unmappable(error, updated_at=updated_at))

    def change(self, store_order_id: str, **changes) -> StoreOrder:
        """The store changed an order (paid it, fixed it): same id, new fields."""
        _updated, fetched = self._orders[store_order_id]
        order = replace(fetched.order, **changes)
        self.add(order)
        return order

    def pages(self, since: datetime | None) -> Iterator[OrderPage]:
        rows = sorted(
            (row for row in self._orders.values() if since is None or row[0] >= since), key=lambda r: r[0]
        )
        for number, start in enumerate(range(0, len(rows), self.page_size)):
            if number in self.fail_on_page:
                raise self.fail_on_page.pop(number)
            chunk = rows[start : start + self.page_size]
            self.pages_served += 1
            yield OrderPage(orders=[fetched for _updated, fetched in chunk], cursor=chunk[-1][0])

    def fetch(self, store_order_id: str) -> FetchedOrder:
        self.fetches.append(store_order_id)
        if self.fail_on_fetch is not None:
            raise self.fail_on_fetch
        return self._orders[store_order_id][1]


def store_for(integration) -> FakeStore:
    return _STORES.setdefault(integration.pk, FakeStore())


def order_source(integration) -> FakeStore:
    """What integrations.providers.order_source returns while the `fake_store` fixture is on."""
    return store_for(integration)


def reset() -> None:
    _STORES.clear()
