"""The review queue (issue #5): opens on Revisão pendente, oldest first, with the flags a clerk scans;
"Confirmar e próxima" confirms and opens the next pending sale."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product, StockSettings
from catalog.services import record_in
from customers.models import Customer
from sales.models import Sale
from sales.services import ItemLine, confirm_sale
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_sale_changelist")


def review_url(sale):
    return reverse("admin:sales_sale_review", args=[sale.pk])


def listed(response):
    return [sale.pk for sale in response.context["cl"].result_list]


def stocked_sale(**kwargs):
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("10"))
    return PendingSaleFactory(
        lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("50.00"))], **kwargs
    )


def test_the_list_opens_on_the_pending_sales_oldest_first(financeiro_client, financeiro):
    newer = PendingSaleFactory(sale_date=date(2026, 11, 20))
    older = PendingSaleFactory(sale_date=date(2026, 11, 2))
    same_day_later = PendingSaleFactory(sale_date=date(2026, 11, 2))
    confirmed = PendingSaleFactory(sale_date=date(2026, 11, 1))
    confirm_sale(confirmed, financeiro)

    response = financeiro_client.get(CHANGELIST)

    assert listed(response) == [older.pk, same_day_later.pk, newer.pk]
    page = response.content.decode()
    assert 'class="selected"' in page and "Revisão pendente" in page
    assert "<h1>Vendas em revisão pendente</h1>" in page


def test_all_and_confirmed_stay_reachable(financeiro_client, financeiro):
    pending = PendingSaleFactory(sale_date=date(2026, 11, 2))
    confirmed = PendingSaleFactory(sale_date=date(2026, 11, 20))
    confirm_sale(confirmed, financeiro)

    # Every list but the queue is newest first (an order the sale_date index serves at any size).
    assert listed(financeiro_client.get(CHANGELIST, {"status": "all"})) == [confirmed.pk, pending.pk]
    assert listed(financeiro_client.get(CHANGELIST, {"status": "confirmed"})) == [confirmed.pk]
    assert "Todas" in financeiro_client.get(CHANGELIST).content.decode()


def test_the_columns_show_store_order_document_items_and_total(financeiro_client):
    integration = IntegrationFactory(name="Loja Bela")
    customer = CustomerFactory(name="Maria Silva", document="529.982.247-25")
    PendingSaleFactory(
        customer=customer,
        integration=integration,
        external_id="9001",
        external_number="1234",
        lines=[
            ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=Decimal("1000.00")),
            ItemLine(product=ProductFactory(), quantity=Decimal("2"), unit_price=Decimal("117.28")),
        ],
    )
    response = financeiro_client.get(CHANGELIST)
    row = response.context["cl"].result_list[0]
    assert row.items_count == 2
    page = response.content.decode()
    for text in ["Loja Bela", "1234", "Maria Silva", "529.982.247-25", "R$ 1.234,56"]:
        assert text in page


def test_flags_say_what_needs_a_second_look(financeiro_client):
    plain = PendingSaleFactory(customer=CustomerFactory(origin=Customer.Origin.MANUAL))
    CustomerFactory(name="Maria Souza", document="529.982.247-25")
    flagged = PendingSaleFactory(
        customer=CustomerFactory(
            name="Maria Silva", document="529.982.247-25", origin=Customer.Origin.IMPORT
        ),
        lines=[
            ItemLine(
                product=ProductFactory(origin=Product.Origin.IMPORT),
                quantity=Decimal("1"),
                unit_price=Decimal("90"),
            )
        ],
        store_total_amount=Decimal("95.00"),
    )
    rows = {sale.pk: sale for sale in financeiro_client.get(CHANGELIST).context["cl"].result_list}
    assert rows[flagged.pk].has_imported_product and rows[flagged.pk].possible_duplicate_customer
    assert not rows[plain.pk].has_imported_product and not rows[plain.pk].possible_duplicate_customer

    page = financeiro_client.get(CHANGELIST).content.decode()
    for label in ["Total da loja difere", "Produto novo", "Cliente novo", "Possível cliente duplicado"]:
        assert page.count(label) == 1, label


def test_same_name_and_document_is_not_a_duplicate(financeiro_client):
    # Only one customer with that document and name: nothing to merge.
    PendingSaleFactory(customer=CustomerFactory(name="Ana Lima", document="529.982.247-25"))
    PendingSaleFactory(customer=CustomerFactory(name="João Lima", document=""))
    rows = financeiro_client.get(CHANGELIST).context["cl"].result_list
    assert [sale.possible_duplicate_customer for sale in rows] == [False, False]


def test_the_queue_costs_the_same_queries_for_3_or_30_sales(financeiro_client):
    integration = IntegrationFactory()

    def add(count):
        for n in range(count):
            PendingSaleFactory(integration=integration, external_id=f"{count}-{n}", external_number=str(n))

    add(3)
    financeiro_client.get(CHANGELIST)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        financeiro_client.get(CHANGELIST)
    add(27)
    with CaptureQueriesContext(connection) as many:
        response = financeiro_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 30
    assert len(many) == len(few)


def test_confirm_and_next_opens_the_next_pending_sale(financeiro_client):
    first = stocked_sale(sale_date=date(2026, 11, 2))
    second = stocked_sale(sale_date=date(2026, 11, 3))
    older_skipped = stocked_sale(sale_date=date(2026, 11, 1))

    response = financeiro_client.post(
        review_url(first),
        {
            "payment_method": "pix",
            "installments": 1,
            "first_due_date": "2026-12-10",
            "seller": first.seller_id,
            "_confirm_next": "1",
        },
    )

    assert response.status_code == 302 and response.url == review_url(second)
    first.refresh_from_db()
    assert first.status == Sale.Status.CONFIRMED
    # At the end of the queue it wraps to the pending sale the clerk skipped.
    response = financeiro_client.post(
        review_url(second),
        {
            "payment_method": "pix",
            "installments": 1,
            "first_due_date": "2026-12-10",
            "seller": second.seller_id,
            "_confirm_next": "1",
        },
    )
    assert response.url == review_url(older_skipped)


def test_confirm_and_next_on_the_last_sale_returns_to_the_empty_queue(financeiro_client):
    only = stocked_sale()
    response = financeiro_client.post(
        review_url(only),
        {
            "payment_method": "pix",
            "installments": 1,
            "first_due_date": "2026-12-10",
            "seller": only.seller_id,
            "_confirm_next": "1",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert "Nenhuma venda aguardando revisão." in response.content.decode()


def test_a_refused_confirm_and_next_stays_on_the_sale(financeiro_client):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    short = PendingSaleFactory()  # no stock for its product
    stocked_sale()
    response = financeiro_client.post(
        review_url(short),
        {
            "payment_method": "pix",
            "installments": 1,
            "first_due_date": "2026-12-10",
            "seller": short.seller_id,
            "_confirm_next": "1",
        },
    )
    assert response.status_code == 200
    short.refresh_from_db()
    assert short.status == Sale.Status.REVIEW_PENDING


def test_the_review_page_shows_the_flags_and_links_the_possible_duplicate(financeiro_client):
    other = CustomerFactory(name="Maria Souza", document="529.982.247-25")
    sale = PendingSaleFactory(
        customer=CustomerFactory(
            name="Maria Silva", document="529.982.247-25", origin=Customer.Origin.IMPORT
        ),
        lines=[
            ItemLine(
                product=ProductFactory(description="Gorro de lã", origin=Product.Origin.IMPORT),
                quantity=Decimal("1"),
                unit_price=Decimal("90"),
            )
        ],
    )
    page = financeiro_client.get(review_url(sale)).content.decode()
    for text in ["Cliente novo", "Possível cliente duplicado", "Mesmo CPF/CNPJ:", "Produto novo"]:
        assert text in page, text
    assert reverse("admin:customers_customer_change", args=[other.pk]) in page


def test_the_review_page_of_a_plain_sale_has_no_flags(financeiro_client):
    sale = PendingSaleFactory(customer=CustomerFactory(origin=Customer.Origin.MANUAL))
    page = financeiro_client.get(review_url(sale)).content.decode()
    assert 'class="ponte-flag"' not in page


def test_sale_numbers_read_as_typed_not_grouped_like_quantities(financeiro_client):
    """pt-BR groups thousands in quantities (1.079); a sale number is a document number, shown as
    the clerk types it in the search box and reads it on the review page ("Venda 12345")."""
    sale = PendingSaleFactory()
    Sale.objects.filter(pk=sale.pk).update(number=12345)

    queue = financeiro_client.get(CHANGELIST).content.decode()
    change = financeiro_client.get(reverse("admin:sales_sale_change", args=[sale.pk])).content.decode()

    assert ">12345<" in queue and "12.345" not in queue
    assert "12345" in change and "12.345" not in change
