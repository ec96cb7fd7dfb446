"""What the integrations do when another app announces something (connected in IntegrationsConfig.ready)."""

from __future__ import annotations

from .importing import binder


def repoint_on_product_replaced(sender, *, sale, item, previous, product, **kwargs) -> int:
    """A clerk gave a pending sale's line another product: the store's next orders of that product
    come in as the new one. Returns how many store product links moved."""
    return binder.repoint_store_product(sale, item, previous=previous, product=product)
