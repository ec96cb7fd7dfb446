from decimal import Decimal

import factory

from sales.models import Sale
from sales.services import ItemLine, create_sale
from tests.catalog.factories import ProductFactory
from tests.core.factories import UserFactory
from tests.customers.factories import CustomerFactory


class PendingSaleFactory(factory.Factory):
    """A sale in Revisão pendente, built through sales.services.create_sale like every real one."""

    class Meta:
        model = Sale

    customer = factory.SubFactory(CustomerFactory)
    seller = factory.SubFactory(UserFactory)
    shipping_amount = Decimal("0.00")
    discount_amount = Decimal("0.00")
    lines = factory.LazyFunction(
        lambda: [ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=Decimal("100.00"))]
    )

    @classmethod
    def _create(cls, model_class, *args, lines, **kwargs):
        return create_sale(lines=lines, **kwargs)

    _build = _create
