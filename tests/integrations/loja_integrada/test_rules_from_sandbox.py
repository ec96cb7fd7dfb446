"""The customer, product and stock rules on orders that come from the sandbox over HTTP."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product, StockSettings
from catalog.services import record_in
from customers.models import Customer
from integrations.importing import sync_integration
from integrations.models import ImportRecord
from sales.models import Sale
from sandboxes.loja_integrada import store as sandbox
from tests.catalog.factories import ProductFactory
from tests.integrations.factories import IntegrationFactory

# Whole-real amounts: see test_totals_with_cents_in_freight_import_on_every_database.
WHOLE = {"freight": "20.00"}
MARIA = {"nome": "Maria Souza", "cpf": "529.982.247-25", "email": "maria@example.com"}


@pytest.fixture
def integration(sandbox_api, sandbox_store):
    return IntegrationFactory(
        credential=sandbox_store.api_key, activated_at=timezone.now() - timedelta(days=1)
    )


def sale_of(integration, order):
    return Sale.objects.get(integration=integration, external_id=str(order.numero))


def test_customer_reused_only_when_name_and_document_match(integration, sandbox_store):
    first = sandbox.add_paid_order(sandbox_store, **WHOLE, customer=MARIA)
    same = sandbox.add_paid_order(
        sandbox_store, customer={**MARIA, "nome": "  maria   SOUZA ", "cpf": "52998224725"}
    )
    other_name = sandbox.add_paid_order(sandbox_store, **WHOLE, customer={**MARIA, "nome": "Maria Lima"})
    other_cpf = sandbox.add_paid_order(sandbox_store, **WHOLE, customer={**MARIA, "cpf": "111.444.777-35"})

    sync_integration(integration)

    assert sale_of(integration, same).customer == sale_of(integration, first).customer
    assert sale_of(integration, other_name).customer != sale_of(integration, first).customer
    assert sale_of(integration, other_cpf).customer != sale_of(integration, first).customer
    assert Customer.objects.count() == 3


def test_product_reused_by_description_else_created(integration, sandbox_store):
    existing = ProductFactory(description="Casaco Infantil")
    order = sandbox.add_paid_order(
        sandbox_store,
        **WHOLE,
        items=[
            {"nome": "casaco   infantil", "sku": "", "quantidade": "1.00", "preco": "11.00"},
            {"nome": "Luva de lã", "sku": "luva-la", "quantidade": "2.00", "preco": "15.00"},
        ],
    )
    sync_integration(integration)
    products = [item.product for item in sale_of(integration, order).items.order_by("position")]
    assert products[0] == existing
    assert products[1].description == "Luva de lã" and products[1].sku == "luva-la"
    # The store's own description stays on the item (Detalhes do item).
    assert [i.details for i in sale_of(integration, order).items.order_by("position")] == [
        "casaco infantil",
        "Luva de lã",
    ]
    assert Product.objects.count() == 2


def test_stock_check_fails_with_the_reason_then_imports_once_stock_arrives(integration, sandbox_store):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    coat = ProductFactory(description="Casaco infantil", stock_quantity=Decimal("1"))
    order = sandbox.add_paid_order(
        sandbox_store,
        **WHOLE,
        items=[{"nome": "Casaco infantil", "sku": "", "quantidade": "2.00", "preco": "11.00"}],
    )

    sync_integration(integration)
    record = ImportRecord.objects.get(integration=integration, store_order_id=str(order.numero))
    assert record.status == ImportRecord.Status.FAILED and record.reason_code == "insufficient_stock"
    assert "Casaco infantil" in record.reason and not Sale.objects.exists()

    record_in(product=coat, quantity=Decimal("5"))
    run = sync_integration(integration)
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.IMPORTED and run.imported == 1
    assert Sale.objects.filter(integration=integration).count() == 1
