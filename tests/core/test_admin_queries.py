"""Admin pages cost the same number of queries for 3 rows as for 30 (no N+1)."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.services import record_in
from sales.services import ItemLine, confirm_sale
from tests.catalog.factories import ProductFactory
from tests.core.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types, permissions) first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_sales(count, gestor):
    integration = IntegrationFactory()
    for index in range(count):
        sale = PendingSaleFactory(
            seller=UserFactory(is_staff=True),
            integration=integration if index % 2 else None,
            external_id=str(index) if index % 2 else "",
            lines=[
                ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=Decimal("10")),
                ItemLine(product=ProductFactory(), quantity=Decimal("2"), unit_price=Decimal("5")),
            ],
            installments=3,
        )
        if index % 3 == 0:
            confirm_sale(sale, gestor)


def add_products(count, gestor):
    for _ in range(count):
        record_in(product=ProductFactory(), quantity=Decimal("2"), user=gestor)


def add_customers(count, gestor):
    CustomerFactory.create_batch(count)


PAGES = [
    ("admin:sales_sale_changelist", add_sales),
    ("admin:sales_receivable_changelist", add_sales),
    ("admin:catalog_stockmovement_changelist", add_sales),
    ("admin:catalog_product_changelist", add_products),
    ("admin:customers_customer_changelist", add_customers),
]


@pytest.mark.parametrize(("name", "add_rows"), PAGES, ids=[name for name, _ in PAGES])
def test_list_page_queries_do_not_grow_with_rows(gestor_client, gestor, name, add_rows):
    url = reverse(name)
    add_rows(3, gestor)
    few = queries_for(gestor_client, url)
    add_rows(27, gestor)
    many = queries_for(gestor_client, url)
    assert many == few, f"{name}: {few} queries for 3 rows, {many} for 30"


def sale_with(item_count):
    """A pending sale of `item_count` items in as many installments."""
    return PendingSaleFactory(
        lines=[
            ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=Decimal("3.33"))
            for _ in range(item_count)
        ],
        installments=item_count,
    )


def test_review_page_queries_do_not_grow_with_items(financeiro_client):
    few = queries_for(financeiro_client, reverse("admin:sales_sale_review", args=[sale_with(3).pk]))
    many = queries_for(financeiro_client, reverse("admin:sales_sale_review", args=[sale_with(30).pk]))
    assert many == few


def test_confirmed_review_page_queries_do_not_grow_with_receivables(financeiro_client, financeiro):
    def confirmed_with(installments):
        sale = PendingSaleFactory(installments=installments)
        return confirm_sale(sale, financeiro)

    few = queries_for(financeiro_client, reverse("admin:sales_sale_review", args=[confirmed_with(3).pk]))
    many = queries_for(financeiro_client, reverse("admin:sales_sale_review", args=[confirmed_with(30).pk]))
    assert many == few


def test_sale_change_page_queries_do_not_grow_with_items(financeiro_client):
    few = queries_for(financeiro_client, reverse("admin:sales_sale_change", args=[sale_with(3).pk]))
    many = queries_for(financeiro_client, reverse("admin:sales_sale_change", args=[sale_with(30).pk]))
    assert many == few


@pytest.mark.parametrize(
    "model_path",
    [
        "sales.Sale",
        "sales.Receivable",
        "catalog.StockMovement",
        "audit.AuditEntry",
        "integrations.ImportRecord",
        "integrations.ImportRun",
    ],
)
def test_lists_of_tables_that_grow_without_bound_never_read_the_whole_table(model_path):
    """No date drill-down (its year links are a SELECT DISTINCT over every row) and no count of the
    whole table beside a filtered one, on the lists that grow with every sale."""
    model_admin = admin.site._registry[apps.get_model(model_path)]
    assert model_admin.date_hierarchy is None
    assert model_admin.show_full_result_count is False
