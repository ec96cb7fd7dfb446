"""Which of our products a store's product becomes: the import's links, as the clerk corrects them."""

from __future__ import annotations

from importlib import import_module

from .models import ImportRecord, StoreProductLink
from .store_order import StoreOrderError

_MAPPERS = {
    "loja_integrada": "integrations.loja_integrada.mapper",
    "nuvemshop": "integrations.nuvemshop.mapper",
}


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
        order = import_module(_MAPPERS[sale.integration.provider]).map_order(record.payload)
    except (KeyError, StoreOrderError):
        return None
    if item.position > len(order.items):
        return None
    store_item = order.items[item.position - 1]
    if not store_item.store_product_id:
        return None
    return store_item.store_product_id, store_item.store_variant_id


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
