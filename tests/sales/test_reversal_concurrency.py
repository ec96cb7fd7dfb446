"""A reversal racing a confirm, or another reversal, on PostgreSQL's row locks: the books hold."""

from decimal import Decimal

import pytest

from catalog.models import Product, StockMovement
from catalog.services import record_in
from sales.models import Receivable, Sale
from sales.services import ItemLine, SaleNotReversible, confirm_sale, reverse_sale
from tests.catalog.factories import ProductFactory
from tests.concurrency import RACE_MARKS, run_together, run_together_or_raise
from tests.core.factories import UserFactory
from tests.invariants import assert_books_consistent
from tests.sales.factories import PendingSaleFactory

pytestmark = RACE_MARKS


def _pending_sale_of(product):
    return PendingSaleFactory(
        lines=[ItemLine(product=product, quantity=Decimal("2"), unit_price=Decimal("30.00"))], installments=2
    )


@pytest.mark.parametrize("round_", range(5))
def test_a_reversal_racing_the_confirm_either_waits_for_it_or_is_refused(round_):
    """Whichever takes the sale's lock first decides: confirmed then reversed (the books are undone),
    or the reversal refused while pending (the books are the confirm's). Never half of each."""
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("10"))
    sale = _pending_sale_of(product)
    clerk, manager = UserFactory(), UserFactory()

    confirmed, reversal = run_together(
        lambda: confirm_sale(sale, clerk),
        lambda: reverse_sale(sale, user=manager, reason="Corrida com a confirmação"),
    )

    assert isinstance(confirmed, Sale), confirmed
    sale.refresh_from_db()
    product.refresh_from_db()
    if isinstance(reversal, SaleNotReversible):
        assert sale.status == Sale.Status.CONFIRMED and product.stock_quantity == Decimal("8")
        assert set(Receivable.objects.filter(sale=sale).values_list("status", flat=True)) == {"open"}
    else:
        assert reversal.reversed, reversal
        assert sale.status == Sale.Status.CANCELLED and sale.reversal.reversed_by == manager
        assert product.stock_quantity == Decimal("10")
        assert set(Receivable.objects.filter(sale=sale).values_list("status", flat=True)) == {"cancelled"}
    assert_books_consistent()


def test_two_reversals_at_once_put_the_stock_back_once():
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("10"))
    sale = confirm_sale(_pending_sale_of(product), UserFactory())

    outcomes = run_together_or_raise(
        *[lambda: reverse_sale(sale, user=UserFactory(), reason="Duas abas abertas") for _ in range(4)]
    )

    assert sum(outcome.reversed for outcome in outcomes) == 1
    assert Product.objects.get(pk=product.pk).stock_quantity == Decimal("10")
    assert StockMovement.objects.filter(sale=sale, kind=StockMovement.Kind.SALE_REVERSAL_IN).count() == 1
    assert_books_consistent()
