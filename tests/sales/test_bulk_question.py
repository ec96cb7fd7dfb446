"""Confirmar vendas selecionadas asks first, listing what it will book; afterwards it names the
sales it confirmed, not only how many."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import StockSettings
from catalog.services import record_in
from sales import selectors
from sales.models import BulkConfirmation, Sale
from sales.services import ItemLine, confirm_sale
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_sale_changelist")


def stocked(name, amount, **terms):
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("5"))
    return PendingSaleFactory(
        customer=CustomerFactory(name=name),
        lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal(amount))],
        **terms,
    )


def test_the_question_lists_each_sale_with_total_method_and_installments(financeiro_client):
    maria = stocked("Maria Silva", "1234.56", payment_method="boleto", installments=3)
    joao = stocked("João Pereira", "100.00")

    page = financeiro_client.post(
        CHANGELIST, {"action": "confirm_selected", "_selected_action": [maria.pk, joao.pk]}
    )

    assert page.status_code == 200
    assert not BulkConfirmation.objects.exists() and not Sale.objects.filter(status="confirmed").exists()
    rows = page.content.decode()
    assert "Confirmar as vendas selecionadas?" in rows
    assert "Isto confirma 2 vendas, R$ 1.334,56 no total" in rows
    for text in ["Maria Silva", "Boleto", "3x", "R$ 1.234,56", "João Pereira", "Dinheiro", "1x", "R$ 100,00"]:
        assert text in rows, text
    assert 'name="post" value="yes"' in rows


def test_the_question_counts_the_selection_and_what_is_not_pending(financeiro):
    pending, confirmed = stocked("Ana", "10.00"), stocked("Bia", "20.00")
    confirm_sale(confirmed, financeiro)
    question = selectors.bulk_confirmation_question(Sale.objects.all())
    assert (question.count, question.total, question.not_pending, question.more) == (
        2,
        Decimal("30.00"),
        1,
        0,
    )
    assert [sale.pk for sale in question.sales] == sorted([pending.pk, confirmed.pk])


def test_the_result_names_the_sales_confirmed(financeiro_client):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    fine = stocked("Maria Silva", "50.00")
    short = PendingSaleFactory(customer=CustomerFactory(name="Paulo Alves"))  # no stock
    response = financeiro_client.post(
        CHANGELIST, {"action": "confirm_selected", "post": "yes", "_selected_action": [fine.pk, short.pk]}
    )
    batch = BulkConfirmation.objects.get()
    assert selectors.sales_confirmed_in_batch(batch) == [fine]
    page = financeiro_client.get(response["Location"]).content.decode()
    confirmed = page[page.index('id="batch-confirmed-sales"') : page.index('id="batch-failures"')]
    assert "Maria Silva" in confirmed and str(fine.number) in confirmed and "Paulo Alves" not in confirmed
