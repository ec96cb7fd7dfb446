"""The store's payment on the review page and the queue, and confirming many with it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from sales.models import Sale
from sales.services import SaleError
from sales.services.store_terms import use_store_payment
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

LABEL = "Cartão de crédito Mastercard 3x — PagSeguro V2"


def store_sale(**kwargs):
    sale = PendingSaleFactory(**kwargs)
    Sale.objects.filter(pk=sale.pk).update(
        store_payment_method=Sale.PaymentMethod.CREDIT_CARD, store_installments=3, store_payment_label=LABEL
    )
    sale.refresh_from_db()
    return sale


def test_use_store_payment_sets_method_and_installments_audited(financeiro):
    sale = use_store_payment(store_sale(), by=financeiro)
    sale.refresh_from_db()
    assert (sale.payment_method, sale.installments) == (Sale.PaymentMethod.CREDIT_CARD, 3)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SALE_TERMS_CHANGED)
    assert entry.changes["installments"] == [1, 3]


def test_a_sale_without_a_store_method_cannot_use_it(financeiro):
    with pytest.raises(SaleError, match="não tem pagamento da loja"):
        use_store_payment(PendingSaleFactory(), by=financeiro)


def test_review_page_shows_the_store_payment_and_the_button(financeiro_client):
    sale = store_sale()
    content = financeiro_client.get(reverse("admin:sales_sale_review", args=[sale.pk])).content.decode()
    assert f"Pagamento na loja: <strong>{LABEL}</strong>" in content
    assert (
        'data-method="credit_card" data-installments="3"' in content and "Usar pagamento da loja" in content
    )


def test_the_queue_flags_terms_that_differ_from_the_store(financeiro_client):
    differing, plain = store_sale(), PendingSaleFactory()
    content = financeiro_client.get("/admin/sales/sale/").content.decode()
    assert content.count("Pagamento difere da loja") == 1
    assert f"Pago na loja: {LABEL}." in content
    use_store_payment(differing, by=None)
    assert "Pagamento difere da loja" not in financeiro_client.get("/admin/sales/sale/").content.decode()
    assert plain.pk


def test_bulk_confirm_with_the_store_payment(financeiro_client):
    first, second, without = store_sale(), store_sale(), PendingSaleFactory()
    response = financeiro_client.post(
        "/admin/sales/sale/",
        {"action": "confirm_with_store_payment", "_selected_action": [first.pk, second.pk, without.pk]},
    )
    assert response.status_code == 302
    for sale in (first, second):
        sale.refresh_from_db()
        assert sale.status == Sale.Status.CONFIRMED and sale.installments == 3
        assert [r.amount for r in sale.receivables.order_by("number")] == [
            Decimal("33.34"),
            *[Decimal("33.33")] * 2,
        ]
    without.refresh_from_db()
    assert without.status == Sale.Status.REVIEW_PENDING
