"""What the import needs from a store, whatever the store: pages of orders, and one order by id.

Each store package offers `source.order_source(integration) -> OrderSource`, found through
integrations.providers. Everything store-specific (HTTP, paging, rate limits, JSON) stays behind
it; what comes out is StoreOrder (or the reason it could not be mapped).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from .store_order import StoreOrder, StoreOrderError


@dataclass
class FetchedOrder:
    """One order as read from the store: mapped, or with the reason it could not be."""

    store_order_id: str
    number: str = ""
    updated_at: datetime | None = None
    order: StoreOrder | None = None
    error: StoreOrderError | None = None
    raw: Any = field(default=None, repr=False)

    @classmethod
    def mapped(cls, order: StoreOrder) -> FetchedOrder:
        return cls(
            store_order_id=order.store_order_id,
            number=order.number,
            updated_at=order.updated_at,
            order=order,
            raw=order.raw,
        )

    @classmethod
    def unmappable(cls, error: StoreOrderError, *, updated_at: datetime | None = None) -> FetchedOrder:
        return cls(
            store_order_id=error.store_order_id,
            number=error.number,
            updated_at=updated_at,
            error=error,
            raw=error.raw,
        )


@dataclass
class OrderPage:
    """Orders to process, and where the sync may resume once all of them are processed.

    `cursor` is None while resuming after this page could still miss an order (the source moves
    it only past what it has fully handed over, e.g. at the end of a date window).
    """

    orders: list[FetchedOrder]
    cursor: datetime | None = None


class OrderSource(Protocol):
    def pages(self, since: datetime | None) -> Iterator[OrderPage]:
        """Every order changed at or after `since` (or since activation), page by page."""

    def fetch(self, store_order_id: str) -> FetchedOrder:
        """One order, fresh from the store (webhooks, retries)."""
