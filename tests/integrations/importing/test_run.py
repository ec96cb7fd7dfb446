"""A whole store's run: paging, cursor, store verdicts (auth, suspension, outages), retries, lease."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import StockSettings
from catalog.services import record_in
from integrations import importing, services
from integrations.errors import AuthError, RateLimited, Suspended, Unavailable
from integrations.models import ImportRecord, ImportRun, Integration
from integrations.ratelimit import RateLimitTimeout
from sales.models import Sale
from tests.catalog.factories import ProductFactory
from tests.integrations.factories import IntegrationFactory, StoreOrderFactory, StoreOrderItemFactory

pytestmark = pytest.mark.django_db


def _orders(integration, count, *, start=None):
    """`count` paid orders placed after activation, one minute apart."""
    start = start or integration.activated_at + timedelta(minutes=1)
    return [
        StoreOrderFactory(placed_at=start + timedelta(minutes=i), updated_at=start + timedelta(minutes=i))
        for i in range(count)
    ]


def _store_with_orders(fake_store, count, **integration_fields):
    """An integration whose store holds `count` paid orders: (integration, store, orders)."""
    integration = IntegrationFactory(**integration_fields)
    orders = _orders(integration, count)
    store = fake_store(integration)
    store.add(*orders)
    return integration, store, orders


def _imported_ids(integration):
    return sorted(Sale.objects.filter(integration=integration).values_list("external_id", flat=True), key=int)


def test_a_run_imports_every_page_and_moves_the_cursor_to_the_last_order(fake_store):
    integration, _store, orders = _store_with_orders(fake_store, 5)

    run = importing.sync_integration(integration)

    integration.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and (run.orders_seen, run.imported) == (5, 5)
    assert integration.sync_cursor == orders[-1].updated_at
    assert integration.last_sync_at is not None and integration.sync_lease_until is None
    assert _imported_ids(integration) == [o.store_order_id for o in orders]
    assert fake_store(integration).pages_served == 3


def test_the_next_run_reads_from_the_cursor_and_imports_nothing_twice(fake_store):
    integration, store, _added = _store_with_orders(fake_store, 3)
    importing.sync_integration(integration)
    later = _orders(integration, 2, start=integration.activated_at + timedelta(hours=1))
    store.add(*later)

    run = importing.sync_integration(integration)

    # The cursor is inclusive: the last order of the first run is seen again and passed over.
    assert (run.orders_seen, run.imported) == (3, 2)
    assert Sale.objects.count() == 5


def test_skipped_and_failed_orders_are_counted(fake_store):
    integration = IntegrationFactory()
    paid, unpaid, dollars = _orders(integration, 3)
    fake_store(integration).add(
        paid,
        StoreOrderFactory(
            store_order_id="u1", placed_at=unpaid.placed_at, updated_at=unpaid.updated_at, is_paid=False
        ),
        StoreOrderFactory(
            store_order_id="d1", placed_at=dollars.placed_at, updated_at=dollars.updated_at, currency="USD"
        ),
    )
    run = importing.sync_integration(integration)
    assert (run.imported, run.skipped, run.failed) == (1, 1, 1)


@pytest.mark.parametrize(
    "state",
    [{"enabled": False}, {"connection_status": "disconnected", "disconnected_at": timezone.now()}],
    ids=["switched-off", "disconnected"],
)
def test_an_integration_not_importing_does_not_even_ask_the_store(fake_store, state):
    integration = IntegrationFactory(**state)
    fake_store(integration).add(*_orders(integration, 2))
    run = importing.sync_integration(integration)
    assert run.status == ImportRun.Status.SKIPPED and fake_store(integration).pages_served == 0
    assert not Sale.objects.exists()


def test_a_refused_credential_disconnects_that_integration_with_the_reason(fake_store):
    integration, store, _added = _store_with_orders(fake_store, 2)
    store.fail_on_page[0] = AuthError("401 chave inválida")

    run = importing.sync_integration(integration)

    integration.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED
    assert integration.disconnected_at is not None and not integration.may_import
    assert integration.disconnected_reason == (
        "A loja recusou as credenciais (401 chave inválida). Conecte a integração novamente."
    )
    assert not Sale.objects.exists()


def test_a_suspended_store_pauses_and_is_not_called_until_it_resumes(fake_store):
    integration, store, _added = _store_with_orders(fake_store, 2)
    store.fail_on_page[0] = Suspended("402 loja suspensa")

    assert importing.sync_integration(integration).status == ImportRun.Status.FAILED
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.SUSPENDED
    assert not Sale.objects.exists()

    store.fail_on_page[0] = AssertionError("a suspended store was called")
    assert importing.sync_integration(integration).status == ImportRun.Status.SKIPPED

    services.resume_integration(integration)  # app/resumed
    del store.fail_on_page[0]
    run = importing.sync_integration(integration)

    integration.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.imported == 2
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED


@pytest.mark.parametrize(
    "error",
    [Unavailable("503 depois das tentativas"), RateLimited("429"), RateLimitTimeout("esperaria demais")],
    ids=["unavailable", "rate-limited", "limiter-timeout"],
)
def test_a_store_down_mid_run_ends_it_as_retry_later_keeping_the_cursor(fake_store, error):
    integration, store, orders = _store_with_orders(fake_store, 6)
    store.fail_on_page[1] = error

    run = importing.sync_integration(integration)

    integration.refresh_from_db()
    assert run.status == ImportRun.Status.RETRY_LATER and run.imported == 2
    assert "a próxima execução continua daqui" in run.error and integration.last_sync_error == run.error
    assert integration.sync_cursor == orders[1].updated_at
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED

    run = importing.sync_integration(integration)

    assert run.status == ImportRun.Status.DONE
    assert _imported_ids(integration) == [o.store_order_id for o in orders]
    assert ImportRecord.objects.filter(integration=integration).count() == 6


class Crash(BaseException):
    """The worker dies (killed, out of memory): nothing in the run gets to handle it."""


def test_a_crash_mid_page_loses_nothing_and_duplicates_nothing(fake_store, monkeypatch):
    """The worker dies while handling page 2: what is written is whole (every sale has its record),
    the cursor does not pass the unfinished page, and the next run imports each order once."""
    integration, _store, orders = _store_with_orders(fake_store, 4)
    real = importing.rules.plan_order
    crashing_on = orders[3].store_order_id

    def plan_or_crash(integration, fetched, lookups):
        if fetched.store_order_id == crashing_on:
            raise Crash
        return real(integration, fetched, lookups)

    monkeypatch.setattr(importing.rules, "plan_order", plan_or_crash)
    with pytest.raises(Crash):
        importing.sync_integration(integration)
    integration.refresh_from_db()
    # Page 2 was half done: the cursor stays after page 1, and the lease is given back.
    assert integration.sync_cursor == orders[1].updated_at and integration.sync_lease_until is None
    assert Sale.objects.count() == ImportRecord.objects.filter(sale__isnull=False).count() >= 2
    assert set(Sale.objects.values_list("external_id", flat=True)) >= {o.store_order_id for o in orders[:2]}

    monkeypatch.setattr(importing.rules, "plan_order", real)
    importing.sync_integration(integration)
    assert _imported_ids(integration) == [o.store_order_id for o in orders]
    assert Sale.objects.count() == 4


def test_an_integration_switched_off_mid_run_stops_without_moving_the_cursor(fake_store, monkeypatch):
    integration, _store, _orders = _store_with_orders(fake_store, 4)
    real = importing.orders.import_orders

    def import_then_switch_off(integration, fetched):
        records = real(integration, fetched)
        Integration.objects.filter(pk=integration.pk).update(enabled=False)
        return records

    monkeypatch.setattr(importing.orders, "import_orders", import_then_switch_off)
    run = importing.sync_integration(integration)
    integration.refresh_from_db()
    assert run.status == ImportRun.Status.SKIPPED and integration.sync_cursor is None
    assert Sale.objects.count() == 2


def test_a_run_out_of_time_leaves_the_rest_to_the_next_one(fake_store):
    integration, _store, orders = _store_with_orders(fake_store, 5)

    run = importing.sync_integration(integration, budget_seconds=0)

    integration.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.imported == 2
    assert integration.sync_cursor == orders[1].updated_at
    importing.sync_integration(integration)
    assert Sale.objects.count() == 5


def test_an_order_short_of_stock_comes_in_on_a_later_run_once_stock_arrives(fake_store):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    product = ProductFactory(description="Casaco infantil")
    record_in(product=product, quantity=Decimal("1"))
    integration = IntegrationFactory()
    order, later = _orders(integration, 2)
    store = fake_store(integration)
    store.add(replace(order, items=(StoreOrderItemFactory(quantity=Decimal("2")),)), later)

    first = importing.sync_integration(integration)
    record = ImportRecord.objects.get(store_order_id=order.store_order_id)
    assert (
        first.failed == 1
        and record.reason == "estoque insuficiente: Casaco infantil, quantidade 2, disponível 1"
    )
    assert store.fetches == []  # failed just now: not fetched again in the same run

    record_in(product=product, quantity=Decimal("1"))
    second = importing.sync_integration(integration)

    record.refresh_from_db()
    assert store.fetches == [order.store_order_id]
    assert second.imported == 1 and record.status == ImportRecord.Status.IMPORTED
    assert Sale.objects.count() == 2


def _with_an_earlier_failure(fake_store):
    """A store whose first order failed (in dollars) on a run ten minutes ago."""
    integration = IntegrationFactory()
    store = fake_store(integration)
    dollars, later = _orders(integration, 2)
    store.add(replace(dollars, currency="USD"), later)
    importing.sync_integration(integration)
    ImportRecord.objects.update(last_attempt_at=timezone.now() - timedelta(minutes=10))
    return integration, store, dollars


def test_a_failed_retry_that_cannot_reach_the_store_ends_as_retry_later(fake_store):
    integration, store, _dollars = _with_an_earlier_failure(fake_store)
    store.fail_on_fetch = Unavailable("timeout")
    assert importing.sync_integration(integration).status == ImportRun.Status.RETRY_LATER


def test_a_second_run_while_one_holds_the_store_does_nothing(fake_store):
    integration = IntegrationFactory()
    fake_store(integration).add(*_orders(integration, 2))
    assert importing.run.acquire_lease(integration)

    run = importing.sync_integration(integration)

    assert (
        run.status == ImportRun.Status.SKIPPED
        and run.error == "Outra importação desta loja está em andamento."
    )
    assert not Sale.objects.exists()


def test_an_expired_lease_is_taken_over():
    integration = IntegrationFactory(sync_lease_until=timezone.now() - timedelta(seconds=1))
    assert importing.run.acquire_lease(integration) and not importing.run.acquire_lease(integration)


def test_a_bug_in_a_store_package_fails_the_run_not_the_caller(fake_store):
    integration, store, _added = _store_with_orders(fake_store, 1)
    store.fail_on_page[0] = KeyError("situacao")
    run = importing.sync_integration(integration)
    integration.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "situacao" in run.error
    assert integration.sync_lease_until is None and integration.last_sync_error


def test_a_single_order_is_fetched_fresh_and_imported(fake_store):
    integration = IntegrationFactory()
    (order,) = _orders(integration, 1)
    fake_store(integration).add(order)
    record = importing.import_single_order(integration, order.store_order_id)
    assert record.status == ImportRecord.Status.IMPORTED


def test_a_single_order_from_a_store_refusing_the_key_disconnects_it(fake_store):
    integration = IntegrationFactory()
    fake_store(integration).fail_on_fetch = AuthError("403")
    with pytest.raises(AuthError):
        importing.import_single_order(integration, "1")
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED


def test_a_failed_order_that_cannot_be_read_back_goes_to_the_back_of_the_retry_queue(fake_store):
    integration, store, dollars = _with_an_earlier_failure(fake_store)
    store.fail_on_fetch = ValueError("resposta sem 'numero'")

    run = importing.sync_integration(integration)

    record = ImportRecord.objects.get(store_order_id=dollars.store_order_id)
    assert run.status == ImportRun.Status.DONE and run.failed == 1
    assert record.attempts == 2 and record.last_attempt_at > timezone.now() - timedelta(minutes=1)
    assert record.reason == "Não foi possível buscar o pedido novamente: resposta sem 'numero'"
    assert record.payload == dollars.raw  # what the store sent before is kept


@pytest.mark.parametrize(
    "attempts, minutes_ago, due",
    [
        (1, 0, True),
        (3, 0, True),
        (4, 9, False),
        (4, 10, True),
        (6, 39, False),
        (6, 40, True),
        (20, 59, False),
    ],
)
def test_failed_orders_are_retried_on_every_run_at_first_then_less_often(attempts, minutes_ago, due):
    now = timezone.now()
    # Schedule every 5 minutes: after three free retries, 10, 20, 40 minutes, … at most an hour.
    assert importing.run.retry_due(attempts, now - timedelta(minutes=minutes_ago), now) is due


def test_an_order_that_keeps_failing_is_not_fetched_on_every_run(fake_store):
    integration, store, dollars = _with_an_earlier_failure(fake_store)
    ImportRecord.objects.filter(store_order_id=dollars.store_order_id).update(attempts=5)
    importing.sync_integration(integration)
    assert store.fetches == []
