"""Races on PostgreSQL (real threads, own connections): the books hold after each one."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import StockSettings
from catalog.services import record_in
from integrations import importing
from integrations.models import ImportRecord, ImportRun, WebhookEvent
from sales.models import Sale
from sales.services import InsufficientStock, ItemLine, SaleNotPending, confirm_sale, confirm_sales
from sandboxes.loja_integrada import store as li_sandbox
from sandboxes.nuvemshop import services as ns_sandbox
from tests.catalog.factories import ProductFactory
from tests.concurrency import RACE_MARKS, run_together
from tests.core.factories import UserFactory
from tests.integrations.factories import IntegrationFactory
from tests.integrations.nuvemshop.conftest import installed_integration
from tests.invariants import assert_books_consistent
from tests.sales.factories import PendingSaleFactory

pytestmark = RACE_MARKS


def test_bulk_confirm_racing_single_confirms_books_each_sale_once():
    clerks = UserFactory.create_batch(4)
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("100"))
    sales = [
        PendingSaleFactory(lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("10"))])
        for _ in range(6)
    ]

    results = run_together(
        lambda: confirm_sales(Sale.objects.filter(pk__in=[s.pk for s in sales]).order_by("pk"), clerks[0]),
        *[
            lambda sale=sale, clerk=clerk: confirm_sale(sale, clerk)
            for sale in sales
            for clerk in clerks[1:2]
        ],
    )

    bulk, singles = results[0], results[1:]
    confirmed_by_singles = [r for r in singles if isinstance(r, Sale)]
    assert all(isinstance(r, Sale | SaleNotPending) for r in singles), singles
    assert sum(outcome.confirmed for outcome in bulk) + len(confirmed_by_singles) == len(sales)
    assert Sale.objects.filter(status=Sale.Status.CONFIRMED).count() == len(sales)
    product.refresh_from_db()
    assert product.stock_quantity == Decimal("94")
    assert_books_consistent()


def test_stock_check_racing_another_confirm_of_the_same_product_never_goes_below_zero():
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("1"))
    sales = [
        PendingSaleFactory(lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("10"))])
        for _ in range(3)
    ]

    results = run_together(*[lambda sale=sale: confirm_sale(sale, UserFactory()) for sale in sales])

    assert sum(isinstance(r, Sale) for r in results) == 1, results
    assert sum(isinstance(r, InsufficientStock) for r in results) == 2, results
    product.refresh_from_db()
    assert product.stock_quantity == Decimal("0")
    assert_books_consistent()


def test_the_same_webhook_delivered_ten_times_at_once_makes_one_sale(gestor_client, nuvemshop_sandbox):
    store = ns_sandbox.create_store(name="Loja da Ana", store_id=817495)
    integration = installed_integration(gestor_client, store)
    order = ns_sandbox.create_order(store, paid=True)

    results = run_together(
        *[lambda: ns_sandbox.send_webhook(store, "order/paid", order.order_id) for _ in range(10)]
    )

    assert all(not isinstance(r, Exception) for r in results), results
    assert [status for [(_url, status)] in results] == [200] * 10
    assert Sale.objects.filter(integration=integration, external_id=str(order.order_id)).count() == 1
    assert ImportRecord.objects.get(integration=integration).status == ImportRecord.Status.IMPORTED
    assert WebhookEvent.objects.filter(integration=integration).exists()
    assert_books_consistent()


@pytest.fixture
def busy_li_store(sandbox_api, sandbox_store):
    """A Loja Integrada sandbox store with a dozen paid orders (real HTTP over loopback)."""
    sandbox_store.enforce_rate_limit = False
    sandbox_store.save(update_fields=["enforce_rate_limit"])
    start = timezone.now() - timedelta(hours=1)
    orders = [
        li_sandbox.add_paid_order(sandbox_store, placed_at=start + timedelta(minutes=i)) for i in range(12)
    ]
    integration = IntegrationFactory(credential=sandbox_store.api_key, activated_at=start - timedelta(days=1))
    return integration, orders


def test_four_workers_importing_the_same_store_at_once_make_each_sale_once(busy_li_store):
    integration, orders = busy_li_store

    runs = run_together(*[lambda: importing.sync_integration(integration)] * 4)

    # The lease lets one run through; the others stand down (one starting after the first ended
    # would find nothing left to import, also fine).
    statuses = [getattr(run, "status", run) for run in runs]
    assert set(statuses) <= {ImportRun.Status.DONE, ImportRun.Status.SKIPPED}, statuses
    assert statuses.count(ImportRun.Status.DONE) >= 1 and statuses.count(ImportRun.Status.SKIPPED) >= 1
    assert sorted(Sale.objects.values_list("external_id", flat=True)) == sorted(str(o.numero) for o in orders)
    assert_books_consistent()


def test_four_workers_without_the_lease_still_make_each_sale_once(busy_li_store, monkeypatch):
    integration, orders = busy_li_store
    monkeypatch.setattr(importing.run, "acquire_lease", lambda integration: True)

    runs = run_together(*[lambda: importing.sync_integration(integration)] * 4)

    assert [getattr(run, "status", run) for run in runs] == [ImportRun.Status.DONE] * 4, runs
    assert sorted(Sale.objects.values_list("external_id", flat=True)) == sorted(str(o.numero) for o in orders)
    assert ImportRecord.objects.filter(status=ImportRecord.Status.IMPORTED).count() == len(orders)
    assert_books_consistent()
