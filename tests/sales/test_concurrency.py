"""Row locks under real concurrency: these need PostgreSQL (SQLite serialises whole transactions)."""

from decimal import Decimal

from catalog.models import Product, StockMovement
from catalog.services import record_in
from sales.models import Receivable, Sale
from sales.services import ItemLine, SaleNotPending, confirm_sale
from tests.catalog.factories import ProductFactory
from tests.concurrency import RACE_MARKS, run_together
from tests.core.factories import UserFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = RACE_MARKS


def test_two_clerks_confirming_the_same_sale_at_once_book_it_once():
    clerk_a, clerk_b = UserFactory(), UserFactory()
    coat, shirt = ProductFactory(), ProductFactory()
    record_in(product=coat, quantity=Decimal("10"))
    sale = PendingSaleFactory(
        lines=[
            ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("10")),
            ItemLine(product=shirt, quantity=Decimal("1"), unit_price=Decimal("5")),
        ],
        installments=3,
    )

    results = run_together(lambda: confirm_sale(sale, clerk_a), lambda: confirm_sale(sale, clerk_b))

    confirmed = [r for r in results if isinstance(r, Sale)]
    refused = [r for r in results if isinstance(r, SaleNotPending)]
    assert len(confirmed) == 1 and len(refused) == 1, results
    assert Receivable.objects.filter(sale=sale).count() == 3
    assert StockMovement.objects.filter(sale=sale).count() == 2
    assert Product.objects.get(pk=coat.pk).stock_quantity == Decimal("8")
    assert Product.objects.get(pk=shirt.pk).stock_quantity == Decimal("-1")


def test_confirms_of_different_sales_sharing_products_do_not_deadlock():
    clerk = UserFactory()
    products = ProductFactory.create_batch(4)
    for product in products:
        record_in(product=product, quantity=Decimal("100"))
    rounds = 5
    for _ in range(rounds):
        # The same products in opposite orders: locking in item order would deadlock sooner or later.
        forward = PendingSaleFactory(
            lines=[ItemLine(product=p, quantity=Decimal("1"), unit_price=Decimal("1")) for p in products]
        )
        backward = PendingSaleFactory(
            lines=[
                ItemLine(product=p, quantity=Decimal("1"), unit_price=Decimal("1")) for p in products[::-1]
            ]
        )
        results = run_together(
            lambda s=forward: confirm_sale(s, clerk), lambda s=backward: confirm_sale(s, clerk)
        )
        assert all(isinstance(r, Sale) for r in results), results

    for product in products:
        product.refresh_from_db()
        assert product.stock_quantity == Decimal(100 - 2 * rounds)
        assert product.stock_quantity == sum(m.quantity for m in product.stock_movements.all())
