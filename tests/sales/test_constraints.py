from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from sales.models import Sale
from sales.services import ItemLine
from tests.catalog.factories import ProductFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

# SQLite evaluates a CHECK on decimal columns in floating point: 0.1 + 0.2 != 0.3 there.
AWKWARD = [
    ("0.10", "0.20", "0.00"),
    ("0.10", "0.20", "0.30"),
    ("1234.57", "0.01", "1234.58"),
    ("19.99", "0.07", "0.03"),
    ("1000000.03", "0.07", "0.01"),
]


@pytest.mark.parametrize(("price", "freight", "discount"), AWKWARD)
def test_total_check_accepts_sums_with_awkward_cents(price, freight, discount):
    sale = PendingSaleFactory(
        lines=[ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=Decimal(price))],
        shipping_amount=Decimal(freight),
        discount_amount=Decimal(discount),
    )
    sale.refresh_from_db()
    assert sale.total_amount == Decimal(price) + Decimal(freight) - Decimal(discount)


def test_total_check_accepts_every_cent_combination_in_a_sweep():
    # Items, freight and discount walking through the cents; every sum must be accepted.
    sale = PendingSaleFactory()
    for cents in range(1, 400, 7):
        items = Decimal(cents) / 100 + Decimal("0.10")
        freight = Decimal(cents * 3 % 100) / 100 + Decimal("0.20")
        discount = Decimal(cents % 10) / 100
        Sale.objects.filter(pk=sale.pk).update(
            items_amount=items,
            shipping_amount=freight,
            discount_amount=discount,
            total_amount=items + freight - discount,
        )
    sale.refresh_from_db()
    assert sale.total_amount == sale.items_amount + sale.shipping_amount - sale.discount_amount


def test_total_check_still_refuses_a_total_off_by_one_cent():
    sale = PendingSaleFactory(
        lines=[ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=Decimal("0.10"))],
        shipping_amount=Decimal("0.20"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Sale.objects.filter(pk=sale.pk).update(total_amount=Decimal("0.31"))
