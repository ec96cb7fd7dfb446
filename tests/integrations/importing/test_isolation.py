"""The import pipeline's isolation and cost: an imported order is never touched again, a bad order
fails alone and leaves nothing behind while its page comes in, and a page costs a few queries
whatever its size (issue #6)."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from customers.models import Customer
from integrations import importing
from integrations.importing import import_order
from integrations.models import ImportRecord, StoreProductLink
from integrations.order_source import FetchedOrder
from integrations.store_order import StoreOrderError
from sales.models import Sale
from tests.integrations.factories import (
    IntegrationFactory,
    StoreCustomerFactory,
    StoreOrderFactory,
    StoreOrderItemFactory,
)

pytestmark = pytest.mark.django_db


# --- idempotency ----------------------------------------------------------------------------------


def test_an_imported_order_is_never_touched_again():
    integration = IntegrationFactory()
    order = StoreOrderFactory()
    record = import_order(integration, order)
    before = (record.last_attempt_at, record.payload, record.sale.total_amount)

    for changed in (
        replace(order, is_cancelled=True),
        replace(order, is_paid=False),
        replace(order, shipping_amount=Decimal("99"), raw={"changed": True}),
    ):
        again = import_order(integration, changed)
        again.refresh_from_db()
        assert again.pk == record.pk and again.attempts == 1
        assert (again.last_attempt_at, again.payload, again.sale.total_amount) == before
    assert Sale.objects.count() == 1


def test_a_failure_half_way_leaves_nothing_behind():
    order = StoreOrderFactory(
        items=(StoreOrderItemFactory(description="Primeiro"), StoreOrderItemFactory(description="  "))
    )
    record = import_order(IntegrationFactory(), order)
    assert record.status == ImportRecord.Status.FAILED and record.reason_code == "no_description"
    assert record.reason == "Um item do pedido está sem descrição."
    assert not Product.objects.exists() and not Customer.objects.exists() and not Sale.objects.exists()
    assert not StoreProductLink.objects.exists()


def test_an_unexpected_error_fails_that_order_alone(monkeypatch):
    integration = IntegrationFactory()
    real = importing.rules._product_for

    def explode_on_bota(item, lookups):
        if item.description == "Bota":
            raise RuntimeError("boom")
        return real(item, lookups)

    monkeypatch.setattr(importing.rules, "_product_for", explode_on_bota)
    bad = StoreOrderFactory(items=(StoreOrderItemFactory(description="Bota"),))
    records = importing.orders.import_orders(
        integration, [FetchedOrder.mapped(o) for o in (StoreOrderFactory(), bad, StoreOrderFactory())]
    )
    assert [r.status for r in records] == ["imported", "failed", "imported"]
    assert records[1].reason == "Erro inesperado ao importar: boom"


def test_an_order_the_database_refuses_fails_alone_and_the_rest_of_the_page_comes_in():
    """Writing the page fails (a quantity of 0 breaks a check constraint): nothing of that write
    stays, the orders are imported one by one, and only the refused one fails, with the reason."""
    integration = IntegrationFactory()
    refused = StoreOrderFactory(
        customer=StoreCustomerFactory(name="Cliente Recusado"),
        items=(StoreOrderItemFactory(description="Luva recusada", quantity=Decimal("0")),),
    )
    page = [FetchedOrder.mapped(o) for o in (StoreOrderFactory(), refused, StoreOrderFactory())]

    records = importing.orders.import_orders(integration, page)

    assert [r.status for r in records] == ["imported", "failed", "imported"]
    assert records[1].reason_code == "unexpected_error" and records[1].sale_id is None
    assert Sale.objects.count() == 2
    assert sorted(Sale.objects.values_list("external_id", flat=True)) == sorted(
        [page[0].store_order_id, page[2].store_order_id]
    )
    assert not Customer.objects.filter(name="Cliente Recusado").exists()
    assert not Product.objects.filter(description="Luva recusada").exists()


def test_a_malformed_order_fails_alone_with_the_mappers_reason():
    integration = IntegrationFactory()
    broken = StoreOrderError(
        "Pedido 9: quantidade 'abc' não é um número.", store_order_id="9", number="9", raw={"x": 1}
    )
    fetched = [
        FetchedOrder.mapped(StoreOrderFactory()),
        FetchedOrder.unmappable(broken),
        FetchedOrder.mapped(StoreOrderFactory()),
    ]
    records = importing.orders.import_orders(integration, fetched)
    assert [r.status for r in records] == ["imported", "failed", "imported"]
    assert (records[1].reason_code, records[1].reason) == ("invalid_order", broken.reason)
    assert records[1].payload == {"x": 1}


def test_an_order_with_an_unreadable_date_fails_instead_of_stopping_the_run():
    record = import_order(IntegrationFactory(), StoreOrderFactory(placed_at=None))
    assert record.status == ImportRecord.Status.FAILED and record.reason_code == "unexpected_error"


def test_a_payload_with_decimals_is_kept_as_text():
    record = import_order(IntegrationFactory(), StoreOrderFactory(raw={"valor_total": Decimal("1.50")}))
    record.refresh_from_db()
    assert record.payload == {"valor_total": "1.50"}


def test_a_payload_the_json_column_cannot_hold_is_kept_as_text_and_the_page_still_comes_in():
    integration = IntegrationFactory()
    odd = StoreOrderFactory(raw={"campo": object()})
    page = [FetchedOrder.mapped(o) for o in (StoreOrderFactory(), odd, StoreOrderFactory())]

    records = importing.orders.import_orders(integration, page)

    assert [r.status for r in records] == ["imported"] * 3 and Sale.objects.count() == 3
    records[1].refresh_from_db()
    assert records[1].payload["unreadable"].startswith("{'campo': <object object at")


def test_without_a_seller_the_order_fails_with_a_reason():
    record = import_order(IntegrationFactory(seller=None), StoreOrderFactory())
    assert record.status == ImportRecord.Status.FAILED and record.reason_code == "no_seller"


def test_orders_already_imported_are_passed_over_in_one_query(django_assert_max_num_queries):
    integration = IntegrationFactory()
    orders = [StoreOrderFactory() for _ in range(5)]
    for order in orders:
        import_order(integration, order)
    with django_assert_max_num_queries(1):
        assert (
            importing.orders.import_orders(integration, [FetchedOrder.mapped(o) for o in orders])
            == [None] * 5
        )


def test_queries_per_imported_order_stay_within_budget(django_assert_max_num_queries):
    """Measured alone (webhook, retry): 15 statements with customer and product both new, 11 with
    both known (savepoints included). A regression past these fails here."""
    integration = IntegrationFactory()
    customer = StoreCustomerFactory(name="Cliente Fiel", document="11144477735")
    import_order(integration, StoreOrderFactory(customer=customer))  # warm the counters and settings
    item = StoreOrderItemFactory(description="Produto novo")
    with django_assert_max_num_queries(15):
        import_order(
            integration, StoreOrderFactory(customer=StoreCustomerFactory(name="Novo"), items=(item,))
        )
    with django_assert_max_num_queries(11):
        import_order(integration, StoreOrderFactory(customer=customer, items=(item,)))


@pytest.mark.parametrize("size", [5, 40])
def test_a_page_costs_the_same_few_queries_whatever_its_size(size, django_assert_max_num_queries):
    """A page's customers, products and links are read and written in bulk: the statements per
    page do not grow with its orders (15 measured, every customer, product and link new), save
    for the database's own cap on one INSERT's parameters (SQLite: 999, so a sale row of ~25
    columns fits ~39 a statement; PostgreSQL: one statement)."""
    integration = IntegrationFactory()
    import_order(integration, StoreOrderFactory())  # warm the counters and settings
    page = [
        FetchedOrder.mapped(
            StoreOrderFactory(
                customer=StoreCustomerFactory(name=f"Cliente {n % 7}"),
                items=(
                    StoreOrderItemFactory(description=f"Peça {n % 5}", store_product_id=str(100 + n % 5)),
                    StoreOrderItemFactory(description=f"Meia {n % 3}", store_product_id=""),
                ),
            )
        )
        for n in range(size)
    ]

    sale_columns = [field for field in Sale._meta.concrete_fields if not field.primary_key]
    sale_inserts = -(-size // connection.ops.bulk_batch_size(sale_columns, page))
    with django_assert_max_num_queries(14 + sale_inserts):
        records = importing.orders.import_orders(integration, page)

    assert [r.status for r in records] == ["imported"] * size
    assert Customer.objects.count() == 1 + min(size, 7)
    assert Product.objects.count() == 1 + min(size, 5) + min(size, 3)
    assert StoreProductLink.objects.filter(
        store_product_id__in=[str(100 + n) for n in range(5)]
    ).count() == min(size, 5)
    assert sorted(Sale.objects.values_list("number", flat=True)) == list(range(1, size + 2))


def test_a_page_reads_its_known_store_products_in_one_query():
    integration = IntegrationFactory()
    known = [StoreOrderItemFactory(store_product_id=str(9000 + n), description=f"Peça {n}") for n in range(3)]
    import_order(integration, StoreOrderFactory(items=tuple(known)))  # links made
    page = [
        FetchedOrder.mapped(StoreOrderFactory(items=(known[n % 3], known[(n + 1) % 3]))) for n in range(6)
    ]

    with CaptureQueriesContext(connection) as queries:
        records = importing.orders.import_orders(integration, page)

    assert [r.status for r in records] == ["imported"] * 6
    link_queries = [q for q in queries if "integrations_storeproductlink" in q["sql"]]
    assert len(link_queries) == 1


def test_a_link_made_by_an_order_that_failed_is_not_reused_by_the_next_one():
    integration = IntegrationFactory()
    shared = StoreOrderItemFactory(store_product_id="777", description="Meia listrada")
    failing = StoreOrderFactory(items=(shared, StoreOrderItemFactory(description="  ")))  # no description
    fine = StoreOrderFactory(items=(shared,))

    records = importing.orders.import_orders(
        integration, [FetchedOrder.mapped(failing), FetchedOrder.mapped(fine)]
    )

    assert [r.status for r in records] == ["failed", "imported"]
    item = Sale.objects.get(pk=records[1].sale_id).items.get()
    link = StoreProductLink.objects.get(integration=integration, store_product_id="777")
    assert Product.objects.filter(pk=item.product_id).exists() and link.product_id == item.product_id
