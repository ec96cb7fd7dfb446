"""Two workers on the same store at once (PostgreSQL, real threads and connections): one sale per order."""

import time
from datetime import timedelta

import pytest

from integrations import importing
from integrations.models import ImportRecord, ImportRun
from sales import services as sales_services
from sales.models import Sale
from tests.concurrency import run_together_or_raise
from tests.integrations.factories import IntegrationFactory, StoreOrderFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _slow_sale_creation(monkeypatch):
    """Hold each sale's transaction open a moment, so the racing worker really waits on it."""
    real = sales_services.create_sales

    def slow(sales, lines):
        sales = real(sales, lines)
        time.sleep(0.2)
        return sales

    monkeypatch.setattr(sales_services, "create_sales", slow)


def _busy_store(fake_store, monkeypatch, count=6):
    """A store with `count` paid orders, and sales slow enough for workers to overlap."""
    integration = IntegrationFactory()
    start = integration.activated_at + timedelta(minutes=1)
    orders = [StoreOrderFactory(placed_at=start + timedelta(minutes=i)) for i in range(count)]
    fake_store(integration).add(*orders)
    _slow_sale_creation(monkeypatch)
    return integration, orders


def test_the_same_order_from_two_workers_at_once_makes_one_sale(monkeypatch):
    integration = IntegrationFactory()
    order = StoreOrderFactory(placed_at=integration.activated_at + timedelta(minutes=1))
    _slow_sale_creation(monkeypatch)

    records = run_together_or_raise(*[lambda: importing.import_order(integration, order)] * 4)

    assert Sale.objects.count() == 1 and ImportRecord.objects.count() == 1
    assert {record.pk for record in records} == {ImportRecord.objects.get().pk}
    assert ImportRecord.objects.get().attempts == 1


def test_two_runs_of_the_same_store_at_once_make_no_duplicate(fake_store, monkeypatch):
    integration, _orders = _busy_store(fake_store, monkeypatch)

    runs = run_together_or_raise(*[lambda: importing.sync_integration(integration)] * 2)

    # The lease lets one run through; the other stands down.
    assert sorted(run.status for run in runs) == [ImportRun.Status.DONE, ImportRun.Status.SKIPPED]
    assert Sale.objects.filter(integration=integration).count() == 6


def test_without_the_lease_the_database_alone_still_makes_one_sale_per_order(fake_store, monkeypatch):
    integration, orders = _busy_store(fake_store, monkeypatch)
    monkeypatch.setattr(importing.run, "acquire_lease", lambda integration: True)

    runs = run_together_or_raise(*[lambda: importing.sync_integration(integration)] * 3)

    assert all(run.status == ImportRun.Status.DONE for run in runs)
    assert Sale.objects.filter(integration=integration).count() == 6
    assert ImportRecord.objects.filter(status="imported").count() == 6
    assert sorted(Sale.objects.values_list("external_id", flat=True)) == sorted(
        o.store_order_id for o in orders
    )


def test_two_workers_retrying_a_failed_order_at_once_make_one_sale(monkeypatch):
    integration = IntegrationFactory()
    order = StoreOrderFactory(placed_at=integration.activated_at + timedelta(minutes=1))
    ImportRecord.objects.create(
        integration=integration,
        store_order_id=order.store_order_id,
        status="failed",
        reason="loja fora",
        attempts=1,
    )
    _slow_sale_creation(monkeypatch)

    run_together_or_raise(*[lambda: importing.import_order(integration, order)] * 3)

    record = ImportRecord.objects.get()
    assert Sale.objects.count() == 1 and record.status == "imported" and record.attempts == 2
