"""Store ids ↔ our rows: which ImportRecord a store order has, and which of our products a store's
product/variant comes in as (StoreProductLink), as the import makes the links and the clerk
corrects them on the review page."""

from __future__ import annotations

from collections.abc import Iterable

from catalog.models import Product

from ..models import ImportRecord, Integration, StoreProductLink
from ..providers import provider_for
from ..store_order import StoreOrderError


def records_of(integration: Integration, store_order_ids: list[str]) -> dict[str, ImportRecord]:
    """The records these orders already have, by store order id (one query)."""
    return {
        record.store_order_id: record
        for record in ImportRecord.objects.filter(integration=integration, store_order_id__in=store_order_ids)
    }


def linked_products(
    integration: Integration, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Product]:
    """The product each (store product id, variant id) was linked to before, for those that have one
    (one query)."""
    keys = set(keys)
    if not keys:
        return {}
    rows = StoreProductLink.objects.filter(
        integration=integration, store_product_id__in={product for product, _variant in keys}
    ).select_related("product")
    return {
        (row.store_product_id, row.store_variant_id): row.product
        for row in rows
        if (row.store_product_id, row.store_variant_id) in keys
    }


def save_links(integration: Integration, links: dict[tuple[str, str], Product]) -> None:
    """Link these store items to the (saved) products the import matched them to, in key order so
    two workers take their locks in the same order. A link another worker made meanwhile stays
    (it matched the same store item)."""
    rows = [
        StoreProductLink(
            integration=integration, store_product_id=key[0], store_variant_id=key[1], product=product
        )
        for key, product in sorted(links.items())
        if product.pk is not None
    ]
    StoreProductLink.objects.bulk_create(rows, ignore_conflicts=True)


def store_product_of(sale, item) -> tuple[str, str] | None:
    """The store's (product id, variant id) behind a line of an imported sale, or None if unknown.

    Read from the order the store sent (kept on the import record) through the store's own mapper:
    the sale's lines are the order's items in order, so line N is item N.
    """
    if sale.integration_id is None or item.position < 1:
        return None
    record = ImportRecord.objects.filter(sale=sale).only("payload").first()
    if record is None or not record.payload:
        return None
    try:
        return provider_for(sale.integration).product_key(record.payload, item.position)
    except (KeyError, StoreOrderError):
        return None


def repoint_store_product(sale, item, *, previous, product) -> int:
    """Make the store's next orders of this line's product come in as `product`; how many links moved.

    The store product behind the line (see store_product_of) is linked to `product`, made if it had
    no link yet. When the stored order cannot say which it was, every link of this store to the
    replaced product moves: the import matched them to it by the same SKU or description.
    """
    if sale.integration_id is None:
        return 0
    key = store_product_of(sale, item)
    if key is None:
        return StoreProductLink.objects.filter(integration_id=sale.integration_id, product=previous).update(
            product=product
        )
    StoreProductLink.objects.update_or_create(
        integration_id=sale.integration_id,
        store_product_id=key[0],
        store_variant_id=key[1],
        defaults={"product": product},
    )
    return 1
