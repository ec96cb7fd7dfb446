"""What a page of orders needs from the database, read once per page by the import pipeline."""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from catalog import services as catalog_services
from catalog.models import Product

from .models import Integration, StoreProductLink
from .store_order import StoreOrder


@dataclass
class PageLookups:
    """What a page of orders needs from the database, read once for the page rather than per order.

    `links`: the store items already matched to a product, by (store product id, variant id).
    `check_stock`: the company's stock-check setting. Entries an order adds are kept only once that
    order's transaction has committed, so a failed order never leaves a rolled-back row here.
    """

    links: dict[tuple[str, str], Product] = field(default_factory=dict)
    check_stock: bool | None = None
    # The current order's links, kept for the page only once the order's transaction commits.
    pending: dict[tuple[str, str], Product] = field(default_factory=dict)

    @classmethod
    def for_page(cls, integration: Integration, orders: Iterable[StoreOrder]) -> PageLookups:
        keys = {
            (item.store_product_id, item.store_variant_id)
            for order in orders
            for item in order.items
            if item.store_product_id
        }
        links = {}
        if keys:
            rows = StoreProductLink.objects.filter(
                integration=integration, store_product_id__in={product for product, _variant in keys}
            ).select_related("product")
            links = {
                (row.store_product_id, row.store_variant_id): row.product
                for row in rows
                if (row.store_product_id, row.store_variant_id) in keys
            }
        return cls(links=links, check_stock=catalog_services.stock_check_enabled())


# The page being imported (set by import_orders); a lone order (webhook, retry) gets an empty one
# and reads the database as it goes. A context variable keeps the per-order functions' signatures.
page_lookups_var: ContextVar[PageLookups] = ContextVar("page_lookups")


def current_lookups() -> PageLookups:
    try:
        return page_lookups_var.get()
    except LookupError:
        return PageLookups()
