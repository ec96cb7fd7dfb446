from datetime import date
from decimal import Decimal

import pytest

from sales.models import Receivable, Sale
from sales.services import ItemLine, SaleError, SaleNotPending, cancel_sale, confirm_sale, update_sale_terms
from tests.catalog.factories import ProductFactory
from tests.core.factories import UserFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


def test_terms_of_a_pending_sale_change(financeiro):
    sale = PendingSaleFactory()
    other = UserFactory()
    updated = update_sale_terms(
        sale, payment_method="pix", installments=4, first_due_date=date(2027, 1, 5), seller=other
    )
    sale.refresh_from_db()
    assert (sale.payment_method, sale.installments, sale.first_due_date, sale.seller) == (
        "pix",
        4,
        date(2027, 1, 5),
        other,
    )
    assert updated.pk == sale.pk


@pytest.mark.parametrize("installments", [0, 121])
def test_installments_out_of_range_are_refused(installments):
    sale = PendingSaleFactory()
    with pytest.raises(SaleError, match="parcelas"):
        update_sale_terms(
            sale,
            payment_method="cash",
            installments=installments,
            first_due_date=date.today(),
            seller=sale.seller,
        )


def test_an_unknown_payment_method_is_refused():
    sale = PendingSaleFactory()
    with pytest.raises(SaleError):
        update_sale_terms(
            sale, payment_method="bitcoin", installments=1, first_due_date=date.today(), seller=sale.seller
        )


def test_terms_of_a_confirmed_sale_do_not_change(financeiro):
    sale = confirm_sale(PendingSaleFactory(), financeiro)
    with pytest.raises(SaleNotPending):
        update_sale_terms(
            sale, payment_method="pix", installments=2, first_due_date=date.today(), seller=financeiro
        )
    sale.refresh_from_db()
    assert (sale.payment_method, sale.installments) == ("cash", 1)


def test_cancel_a_pending_sale_records_who_and_books_nothing(financeiro):
    sale = PendingSaleFactory()
    cancelled = cancel_sale(sale, financeiro, reason="Pedido duplicado")
    assert cancelled.status == Sale.Status.CANCELLED
    assert cancelled.cancelled_by == financeiro and cancelled.cancelled_at is not None
    assert "Pedido duplicado" in cancelled.notes
    with pytest.raises(SaleNotPending):
        confirm_sale(sale, financeiro)
    assert not Receivable.objects.exists()


def test_a_confirmed_sale_cannot_be_cancelled_here(financeiro):
    sale = confirm_sale(PendingSaleFactory(), financeiro)
    with pytest.raises(SaleNotPending):
        cancel_sale(sale, financeiro)


def test_a_sale_with_zero_total_confirms_without_receivables(financeiro):
    sale = PendingSaleFactory(
        lines=[ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=Decimal("10"))],
        discount_amount=Decimal("10"),
    )
    confirm_sale(sale, financeiro)
    assert not Receivable.objects.filter(sale=sale).exists()
