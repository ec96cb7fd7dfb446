"""A product swap racing a confirm, under real row locks (PostgreSQL; SQLite serialises transactions)."""

from decimal import Decimal

import pytest

from catalog.models import Product, StockMovement
from catalog.services import record_in
from sales.models import Sale, SaleItem
from sales.services import ItemLine, ProductSwap, SaleNotPending, confirm_sale, replace_item_product
from tests.catalog.factories import ProductFactory
from tests.concurrency import RACE_MARKS, run_together
from tests.core.factories import UserFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = RACE_MARKS


@pytest.mark.parametrize("attempt", range(3))
def test_a_swap_racing_a_confirm_books_the_stock_on_the_product_the_line_ends_with(attempt):
    clerk_a, clerk_b = UserFactory(), UserFactory()
    imported = ProductFactory(origin=Product.Origin.IMPORT)
    catalogue = ProductFactory()
    for product in (imported, catalogue):
        record_in(product=product, quantity=Decimal("10"))
    sale = PendingSaleFactory(
        lines=[ItemLine(product=imported, quantity=Decimal("2"), unit_price=Decimal("10"))]
    )
    line = sale.items.get()

    swap, confirmed = run_together(
        lambda: replace_item_product(line, catalogue, by=clerk_a), lambda: confirm_sale(sale, clerk_b)
    )

    assert isinstance(confirmed, Sale), confirmed
    assert isinstance(swap, ProductSwap | SaleNotPending), swap
    final = SaleItem.objects.get(pk=line.pk).product
    assert final == (catalogue if isinstance(swap, ProductSwap) else imported)
    movement = StockMovement.objects.get(sale=sale)
    assert movement.product == final
    assert Product.objects.get(pk=final.pk).stock_quantity == Decimal("8")
    other = imported if final == catalogue else catalogue
    assert Product.objects.get(pk=other.pk).stock_quantity == Decimal("10")
