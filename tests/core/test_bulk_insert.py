"""insert_new writes what bulk_create would: every field as Django prepares it, primary keys set in
row order, related objects saved after assignment picked up, database defaults filled in."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from core.bulk_insert import insert_new
from customers.models import Customer
from integrations.models import ImportRecord
from sales.models import Sale, SaleItem
from tests.core.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory

pytestmark = pytest.mark.django_db


def test_more_rows_than_one_statement_holds_get_their_own_keys_in_order():
    customers = [CustomerFactory.build(name=f"Cliente {n:03d}", document="") for n in range(150)]

    insert_new(Customer, customers)

    assert all(customer.pk and not customer._state.adding for customer in customers)
    stored = dict(Customer.objects.values_list("pk", "name"))
    assert [stored[customer.pk] for customer in customers] == [customer.name for customer in customers]
    assert all(customer.created_at is not None for customer in Customer.objects.all())  # auto_now_add


def test_a_sale_and_its_items_are_stored_as_bulk_create_stores_them():
    customer = CustomerFactory.build(name="Ana Souza", document="")
    sale = Sale(
        number=41,
        customer=customer,  # saved below, after it was assigned: its key is picked up
        seller=UserFactory(),
        sale_date=date(2026, 3, 1),
        items_amount=Decimal("100.00"),
        shipping_amount=Decimal("15.50"),
        total_amount=Decimal("115.50"),
        notes="Entregar à tarde",
    )
    insert_new(Customer, [customer])
    product = insert_new(Product, [Product(description="Caneca", sale_price=Decimal("50.00"))])[0]

    insert_new(Sale, [sale])
    insert_new(
        SaleItem, [SaleItem(sale=sale, position=1, product=product, quantity=2, unit_price=Decimal("50"))]
    )

    stored = Sale.objects.get()
    assert stored.pk == sale.pk and stored.customer_id == customer.pk
    assert (stored.total_amount, stored.shipping_amount, stored.notes) == (
        Decimal("115.50"),
        Decimal("15.50"),
        "Entregar à tarde",
    )
    assert stored.status == Sale.Status.REVIEW_PENDING and stored.created_at is not None
    # Unset, the store's payment takes the column's database default, on the object too.
    assert stored.store_payment_method == sale.store_payment_method == ""
    item = SaleItem.objects.get()
    assert (item.sale_id, item.product_id, item.quantity) == (sale.pk, product.pk, Decimal("2"))


def test_objects_that_already_have_a_key_go_through_bulk_create():
    customer = CustomerFactory.build(pk=987_654, name="Com chave", document="")

    with CaptureQueriesContext(connection) as queries:
        insert_new(Customer, [customer])

    assert Customer.objects.get(pk=987_654).name == "Com chave"
    assert any("987654" in query["sql"] for query in queries.captured_queries)


def test_nothing_to_insert_is_no_statement():
    with CaptureQueriesContext(connection) as queries:
        assert insert_new(Customer, []) == []
    assert queries.captured_queries == []


def test_text_and_json_that_need_escaping_arrive_as_written():
    """On PostgreSQL the rows go by COPY, whose text format gives tabs, newlines and backslashes a
    meaning of their own: none may leak into what is stored."""
    store = IntegrationFactory()
    awkward = "tab\there\nnew line \\N back\\slash \"quoted\" \\. ; 'single' ção"
    payloads = [
        {"id": n, "note": awkward, "nested": {"list": [1, None, "x\ty"], "empty": ""}, "none": None}
        for n in range(3)
    ]
    records = [
        ImportRecord(
            integration=store,
            store_order_id=str(n),
            store_order_number="",
            status=ImportRecord.Status.FAILED,
            reason=awkward,
            payload=payload,
        )
        for n, payload in enumerate(payloads)
    ]

    insert_new(ImportRecord, records)

    stored = {record.pk: record for record in ImportRecord.objects.filter(integration=store)}
    assert [stored[record.pk].payload for record in records] == payloads
    assert all(stored[record.pk].reason == awkward for record in records)
    assert all(stored[record.pk].store_order_number == "" for record in records)


def test_a_row_the_database_refuses_raises_djangos_integrity_error_and_writes_nothing():
    store = IntegrationFactory()
    twins = [
        ImportRecord(integration=store, store_order_id="7", status=ImportRecord.Status.FAILED, reason="x")
        for _ in range(2)
    ]

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_new(ImportRecord, twins)

    assert not ImportRecord.objects.filter(integration=store).exists()
