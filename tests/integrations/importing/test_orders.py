from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product, StockSettings
from catalog.services import record_in
from customers.models import Customer
from integrations import importing
from integrations.importing import import_order
from integrations.models import ImportRecord, StoreProductLink
from integrations.order_source import FetchedOrder
from sales.models import Sale
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import (
    IntegrationFactory,
    StoreCustomerFactory,
    StoreOrderFactory,
    StoreOrderItemFactory,
)

pytestmark = pytest.mark.django_db


def test_a_paid_order_becomes_a_pending_cash_sale_by_the_activating_user():
    integration = IntegrationFactory()
    record = import_order(integration, StoreOrderFactory(store_order_id="165"))
    assert record.status == ImportRecord.Status.IMPORTED
    sale = record.sale
    assert sale.status == Sale.Status.REVIEW_PENDING
    assert sale.payment_method == Sale.PaymentMethod.CASH and sale.installments == 1
    assert sale.seller == integration.seller
    assert sale.total_amount == Decimal("32.48") and sale.store_total_difference is None
    assert [(i.details, i.quantity, i.unit_price) for i in sale.items.all()] == [
        ("Casaco infantil", Decimal("1"), Decimal("11.10"))
    ]


def test_the_same_order_twice_makes_one_sale():
    integration = IntegrationFactory()
    order = StoreOrderFactory()
    first = import_order(integration, order)
    second = import_order(integration, order)
    assert first.pk == second.pk and second.attempts == 1
    assert Sale.objects.count() == 1


def test_orders_placed_before_activation_are_skipped():
    integration = IntegrationFactory()
    order = StoreOrderFactory(placed_at=integration.activated_at - timedelta(seconds=1))
    record = import_order(integration, order)
    assert record.status == ImportRecord.Status.SKIPPED and record.reason_code == "before_activation"
    assert not Sale.objects.exists()


def test_placed_exactly_at_activation_is_imported():
    integration = IntegrationFactory(activated_at=timezone.now() - timedelta(minutes=5))
    record = import_order(integration, StoreOrderFactory(placed_at=integration.activated_at))
    assert record.status == ImportRecord.Status.IMPORTED


# --- eligibility ------------------------------------------------------------------------------


def test_an_unpaid_order_is_skipped_with_its_status_then_imported_once_paid():
    integration = IntegrationFactory()
    order = StoreOrderFactory(is_paid=False, status_label="Aguardando pagamento")
    record = import_order(integration, order)
    assert record.status == ImportRecord.Status.SKIPPED and record.reason_code == "not_paid"
    assert "Aguardando pagamento" in record.reason
    assert not Sale.objects.exists()

    record = import_order(integration, replace(order, is_paid=True))
    assert record.status == ImportRecord.Status.IMPORTED and record.attempts == 2
    assert ImportRecord.objects.count() == 1 and Sale.objects.count() == 1


def test_a_cancelled_order_is_skipped():
    record = import_order(
        IntegrationFactory(), StoreOrderFactory(is_cancelled=True, status_label="Cancelado")
    )
    assert record.status == ImportRecord.Status.SKIPPED and record.reason_code == "cancelled"
    assert not Sale.objects.exists()


@pytest.mark.parametrize(
    "state",
    [
        {"enabled": False},
        {"connection_status": "disconnected", "disconnected_at": timezone.now()},
        {"connection_status": "suspended"},
        {"activated_at": None},
    ],
    ids=["switched-off", "disconnected", "suspended", "never-activated"],
)
def test_an_integration_not_importing_imports_nothing_and_records_nothing(state):
    integration = IntegrationFactory(**state)
    assert import_order(integration, StoreOrderFactory()) is None
    assert not ImportRecord.objects.exists() and not Sale.objects.exists()


def test_an_order_in_another_currency_fails_with_a_clear_reason():
    record = import_order(IntegrationFactory(), StoreOrderFactory(currency="USD"))
    assert record.status == ImportRecord.Status.FAILED and record.reason_code == "currency"
    assert record.reason == "Pedido em USD; o Ponte registra vendas somente em BRL."
    assert not Sale.objects.exists()


# --- customers: same name and CPF/CNPJ, else new ----------------------------------------------


def test_a_customer_is_reused_when_name_and_document_match_loosely():
    existing = CustomerFactory(name="Maria da Silva", document="11144477735")
    order = StoreOrderFactory(
        customer=StoreCustomerFactory(name="  MARIA  da silva ", document="111.444.777-35")
    )
    sale = import_order(IntegrationFactory(), order).sale
    assert sale.customer == existing and Customer.objects.count() == 1


@pytest.mark.parametrize(
    "name, document",
    [("Maria da Silva", "12345678909"), ("Maria Souza", "11144477735")],
    ids=["same-name-other-document", "same-document-other-name"],
)
def test_a_new_customer_is_created_when_name_or_document_differs(name, document):
    existing = CustomerFactory(name="Maria da Silva", document="11144477735")
    order = StoreOrderFactory(customer=StoreCustomerFactory(name=name, document=document))
    customer = import_order(IntegrationFactory(), order).sale.customer
    assert customer != existing
    assert (customer.name, customer.document, customer.origin) == (name, document, Customer.Origin.IMPORT)
    assert Customer.objects.count() == 2


def test_a_cnpj_customer_keeps_its_contacts():
    order = StoreOrderFactory(
        customer=StoreCustomerFactory(
            name="Empresa Ltda",
            document="11.222.333/0001-81",
            email="compras@empresa.com.br",
            business_phone="1133334444",
            mobile_phone="",
        )
    )
    customer = import_order(IntegrationFactory(), order).sale.customer
    assert (customer.document, customer.document_kind) == ("11222333000181", "cnpj")
    assert (customer.email, customer.business_phone, customer.mobile_phone) == (
        "compras@empresa.com.br",
        "1133334444",
        "",
    )


def test_an_invalid_document_does_not_lose_the_sale_but_is_said_on_it():
    order = StoreOrderFactory(customer=StoreCustomerFactory(document="123"))
    record = import_order(IntegrationFactory(), order)
    assert record.status == ImportRecord.Status.IMPORTED
    assert record.sale.customer.document == ""
    assert "123" in record.sale.attention_reason and "CPF" in record.sale.attention_reason


# --- products: SKU, then description; store links ---------------------------------------------


def test_an_existing_product_with_the_same_description_is_selected():
    product = ProductFactory(description="Casaco Infantil")
    order = StoreOrderFactory(items=(StoreOrderItemFactory(description=" casaco  infantil"),))
    item = import_order(IntegrationFactory(), order).sale.items.get()
    assert item.product == product and Product.objects.count() == 1
    assert item.details == " casaco  infantil"  # Detalhes do item: the store's own words


def test_a_product_is_created_when_none_has_the_description():
    order = StoreOrderFactory(items=(StoreOrderItemFactory(description="Meia listrada", sku="MEIA-1"),))
    integration = IntegrationFactory()
    product = import_order(integration, order).sale.items.get().product
    assert (product.description, product.sku, product.origin) == ("Meia listrada", "MEIA-1", "import")
    assert product.origin_integration == integration


@pytest.mark.parametrize(("barcode", "kept"), [("789-1020304055", "7891020304055"), ("SEM GTIN", "")])
def test_a_new_product_takes_the_store_barcode_when_it_is_a_valid_gtin(barcode, kept):
    matched = ProductFactory(description="Casaco infantil", gtin="")
    order = StoreOrderFactory(
        items=(
            StoreOrderItemFactory(description="Meia listrada", gtin=barcode),
            StoreOrderItemFactory(description="Casaco infantil", gtin="7891020304062"),
        )
    )
    new, existing = (
        item.product for item in import_order(IntegrationFactory(), order).sale.items.order_by("pk")
    )
    assert new.gtin == kept
    assert existing == matched and existing.gtin == ""  # a product of the catalogue is not changed


def test_an_exact_sku_wins_over_the_description():
    by_sku = ProductFactory(description="Casaco azul (cadastro interno)", sku="CAS-AZ")
    ProductFactory(description="Casaco azul")
    order = StoreOrderFactory(items=(StoreOrderItemFactory(description="Casaco azul", sku="CAS-AZ"),))
    assert import_order(IntegrationFactory(), order).sale.items.get().product == by_sku


def test_the_store_product_link_is_remembered_per_integration():
    integration, other = IntegrationFactory(), IntegrationFactory()
    first = StoreOrderFactory(items=(StoreOrderItemFactory(description="Casaco", store_product_id="77"),))
    product = import_order(integration, first).sale.items.get().product
    assert StoreProductLink.objects.get(integration=integration, store_product_id="77").product == product

    renamed = StoreOrderFactory(
        items=(StoreOrderItemFactory(description="Casaco novo", store_product_id="77"),)
    )
    assert import_order(integration, renamed).sale.items.get().product == product
    # Another store's product 77 is another product: matched by description, not by the link.
    elsewhere = StoreOrderFactory(items=(StoreOrderItemFactory(description="Bota", store_product_id="77"),))
    assert import_order(other, elsewhere).sale.items.get().product.description == "Bota"


# --- stock check when the company asks for it -------------------------------------------------


def test_with_the_stock_check_on_a_short_order_fails_then_comes_in_once_stock_arrives():
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    product = ProductFactory(description="Casaco infantil")
    record_in(product=product, quantity=Decimal("1"))
    integration = IntegrationFactory()
    order = StoreOrderFactory(
        items=(StoreOrderItemFactory(description="Casaco infantil", quantity=Decimal("2")),)
    )

    record = import_order(integration, order)
    assert record.status == ImportRecord.Status.FAILED and record.reason_code == "insufficient_stock"
    assert record.reason == "estoque insuficiente: Casaco infantil, quantidade 2, disponível 1"
    assert not Sale.objects.exists()

    record_in(product=product, quantity=Decimal("1"))
    record = import_order(integration, order)
    assert record.status == ImportRecord.Status.IMPORTED and record.attempts == 2
    assert record.reason == "" and record.sale.items.get().product == product


def test_in_a_page_each_order_is_checked_against_the_stock_alone_pending_sales_reserve_none():
    """Pending sales do not reserve stock: two orders of a page each taking the whole stock both
    come in (the confirm checks again); an order for a product new to Ponte (no stock) fails."""
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    record_in(product=ProductFactory(description="Casaco infantil"), quantity=Decimal("2"))
    whole_stock = StoreOrderItemFactory(description="Casaco infantil", quantity=Decimal("2"))
    new_product = StoreOrderItemFactory(description="Gorro novo")
    page = [
        FetchedOrder.mapped(StoreOrderFactory(items=items))
        for items in ((whole_stock,), (new_product,), (whole_stock,))
    ]

    records = importing.orders.import_orders(IntegrationFactory(), page)

    assert [r.status for r in records] == ["imported", "failed", "imported"]
    assert records[1].reason == "estoque insuficiente: Gorro novo, quantidade 1, disponível 0"
    assert not Product.objects.filter(description="Gorro novo").exists()


def test_with_the_stock_check_off_stock_is_not_looked_at():
    ProductFactory(description="Casaco infantil")
    order = StoreOrderFactory(
        items=(StoreOrderItemFactory(description="Casaco infantil", quantity=Decimal("5")),)
    )
    assert import_order(IntegrationFactory(), order).status == ImportRecord.Status.IMPORTED


# --- totals -----------------------------------------------------------------------------------


def test_a_total_that_disagrees_with_the_store_is_imported_flagged_with_the_difference():
    record = import_order(IntegrationFactory(), StoreOrderFactory(total_amount=Decimal("40.00")))
    sale = record.sale
    assert record.status == ImportRecord.Status.IMPORTED and record.reason_code == "total_mismatch"
    assert sale.total_amount == Decimal("32.48") and sale.store_total_amount == Decimal("40.00")
    expected = (
        "O total da loja (R$ 40,00) difere de itens + frete − desconto (R$ 32,48): diferença de -R$ 7,52. "
        "Confira a venda antes de confirmá-la."
    )
    assert sale.attention_reason == expected and record.reason == expected


def test_a_total_within_the_cent_is_not_flagged():
    record = import_order(IntegrationFactory(), StoreOrderFactory(total_amount=Decimal("32.4800")))
    assert record.reason_code == "" and record.sale.attention_reason == ""
