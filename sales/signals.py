"""Hooks other apps listen to, so that the books never import a connector."""

from django.dispatch import Signal

# Sent inside replace_item_product's transaction once a pending sale's line has another product,
# with sender=Sale and the keyword arguments sale, item, previous, product. A receiver returns how
# many of the store's product links it moved (an int), so the review page can say so.
sale_item_product_replaced = Signal()
