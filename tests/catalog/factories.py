from decimal import Decimal

import factory

from catalog.models import Product


class ProductFactory(factory.django.DjangoModelFactory):
    """A product with stock set directly; use catalog.services.record_in for stock with its movement."""

    class Meta:
        model = Product

    description = factory.Sequence(lambda n: f"Produto {n}")
    sale_price = Decimal("10.00")
