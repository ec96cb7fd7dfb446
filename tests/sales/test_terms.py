from datetime import date
from decimal import Decimal

import pytest

from sales.models import Receivable, Sale
from sales.services import (
    ItemLine,
    SaleError,
    SaleNotPending,
    cancel_sale,
    confirm_sale,
    save_sale_changes,
    update_sale_terms,
)
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


def test_a_stale_edit_cannot_touch_a_sale_confirmed_meanwhile(financeiro):
    stale = PendingSaleFactory()
    confirm_sale(Sale.objects.get(pk=stale.pk), financeiro)
    stale.shipping_amount = Decimal("50.00")
    with pytest.raises(SaleNotPending):
        save_sale_changes(stale, ["shipping_amount"])
    stale.refresh_from_db()
    assert stale.status == Sale.Status.CONFIRMED and stale.shipping_amount == Decimal("0.00")


def test_an_edit_saves_its_fields_and_the_total_only(financeiro):
    sale = PendingSaleFactory(shipping_amount=Decimal("10.00"))
    Sale.objects.filter(pk=sale.pk).update(notes="nota de outra pessoa")
    sale.shipping_amount = Decimal("12.345")
    save_sale_changes(sale, ["shipping_amount"])
    sale.refresh_from_db()
    assert sale.shipping_amount == Decimal("12.35") and sale.total_amount == Decimal("112.35")
    assert sale.notes == "nota de outra pessoa"
