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


def confirmed_sale(*, total=Decimal("100.00"), installments=1, user=None, **kwargs) -> Sale:
    """A confirmed sale of `total` in `installments`: its receivables are open."""
    from sales.services import confirm_sale

    sale = PendingSaleFactory(
        lines=[ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=total)],
        installments=installments,
        **kwargs,
    )
    return confirm_sale(sale, user or UserFactory())
