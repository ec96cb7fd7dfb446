"""What the import needs from a store, whatever the store: pages of orders, and one order by id.

Each store package offers `source.order_source(integration) -> OrderSource`, found through
integrations.providers. Everything store-specific (HTTP, paging, rate limits, JSON) stays behind
it; what comes out is StoreOrder (or the reason it could not be mapped).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from .store_order import StoreOrder, StoreOrderError


@dataclass
class FetchedOrder:
    """One order as read from the store: mapped, or with the reason it could not be; or, for an
    order already imported, only what the store now says about its money (`store_state`, read
    from a listing row without fetching the whole order)."""

    store_order_id: str
    number: str = ""
    updated_at: datetime | None = None
    order: StoreOrder | None = None
    error: StoreOrderError | None = None
    raw: Any = field(default=None, repr=False)
    store_state: str = ""  # a StoreState; "" when the order could not be read
    status_label: str = ""  # the store's own words for it
    refunded_amount: Decimal | None = None

    @classmethod
    def mapped(cls, order: StoreOrder) -> FetchedOrder:
        return cls(
            store_order_id=order.store_order_id,
            number=order.number,
            updated_at=order.updated_at,
            order=order,
            raw=order.raw,
            store_state=order.store_state,
            status_label=order.status_label,
            refunded_amount=order.refunded_amount,
        )

    @classmethod
    def state_only(
        cls, store_order_id: str, *, number: str, updated_at, store_state: str, status_label: str
    ) -> FetchedOrder:
        """An imported order whose new state the store's listing already says (no detail fetched)."""
        return cls(
            store_order_id=store_order_id,
            number=number,
            updated_at=updated_at,
            store_state=store_state,
            status_label=status_label,
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
