"""The run with the next page fetched while this one is written: every guarantee of the run holds.

On SQLite the test database is in memory, one connection shared by every thread: there the
fetching thread and the writer take turns (integrations.importing.fetch_ahead), so the tests that
need the fetch to happen *during* a write are PostgreSQL's; the rest hold on both.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection

from integrations import importing, ratelimit
from integrations.errors import AuthError
from integrations.importing import fetch_ahead
from integrations.models import ImportRecord, ImportRun, Integration
from sales.models import Sale
from tests.integrations.factories import IntegrationFactory, StoreOrderFactory

pytestmark = pytest.mark.django_db


def _store_with_orders(fake_store, count):
    """An integration whose store holds `count` paid orders in pages of two."""
    integration = IntegrationFactory()
    start = integration.activated_at + timedelta(minutes=1)
    orders = [
        StoreOrderFactory(placed_at=start + timedelta(minutes=i), updated_at=start + timedelta(minutes=i))
        for i in range(count)
    ]
    store = fake_store(integration)
    store.add(*orders)
    return integration, store, orders


def _imported(integration):
    return sorted(Sale.objects.filter(integration=integration).values_list("external_id", flat=True), key=int)


def _fetching_threads():
    return [thread for thread in threading.enumerate() if thread.name == "ponte-import-fetch"]


@pytest.fixture(autouse=True)
def _no_thread_left_behind():
    assert not _fetching_threads()
    yield
    assert not _fetching_threads(), "a run left its fetching thread behind"


def _wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


@pytest.mark.postgres
def test_the_next_page_is_fetched_while_this_one_is_written(fake_store, monkeypatch):
    integration, store, orders = _store_with_orders(fake_store, 6)
    real = importing.orders.import_orders
    served_while_writing = []

    def import_slowly(integration, fetched):
        # The page being written is page n (pages_served counts it); page n + 1 arrives meanwhile.
        writing = store.pages_served
        served_while_writing.append(_wait_for(lambda: store.pages_served > writing or writing == 3))
        return real(integration, fetched)

    monkeypatch.setattr(importing.orders, "import_orders", import_slowly)
    run = importing.sync_integration(integration)

    assert run.status == ImportRun.Status.DONE and run.imported == 6
    assert served_while_writing == [True, True, True]
    assert _imported(integration) == [o.store_order_id for o in orders]


def test_a_401_on_the_page_fetched_ahead_surfaces_when_the_run_reaches_it(fake_store, monkeypatch):
    """The store refuses the key while page 3 is fetched ahead: pages 1 and 2 are written and the
    cursor moves past them, nothing of page 3 is, and the integration is disconnected as ever."""
    integration, store, orders = _store_with_orders(fake_store, 6)
    store.fail_on_page[2] = AuthError("401 token revogado")
    real = importing.orders.import_orders
    written, refused_while_writing = [], []

    def import_slowly(integration, fetched):
        written.append(fetched)
        if len(written) == 2:  # writing page 2 while page 3 is asked for
            refused_while_writing.append(_wait_for(lambda: not store.fail_on_page, seconds=1.0))
        return real(integration, fetched)

    monkeypatch.setattr(importing.orders, "import_orders", import_slowly)
    run = importing.sync_integration(integration)

    integration.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.imported == 4
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED
    assert "401 token revogado" in integration.disconnected_reason
    assert integration.sync_cursor == orders[3].updated_at
    assert _imported(integration) == [o.store_order_id for o in orders[:4]]
    assert integration.sync_lease_until is None
    if connection.vendor == "postgresql":  # on SQLite's shared connection the threads take turns
        assert refused_while_writing == [True]


def test_a_page_that_fails_to_write_is_imported_one_by_one_while_the_next_is_fetched(fake_store, monkeypatch):
    integration, _store, orders = _store_with_orders(fake_store, 6)
    real = importing.orders.write_page
    failures = []

    def fail_the_second_page(integration, outcomes, records, lookups):
        if len(outcomes) > 1 and outcomes[0].store_order_id == orders[2].store_order_id and not failures:
            failures.append(outcomes[0].store_order_id)
            raise RuntimeError("a value the database refused")
        return real(integration, outcomes, records, lookups)

    monkeypatch.setattr(importing.orders, "write_page", fail_the_second_page)
    run = importing.sync_integration(integration)

    integration.refresh_from_db()
    assert failures and run.status == ImportRun.Status.DONE and run.imported == 6
    assert integration.sync_cursor == orders[-1].updated_at
    assert _imported(integration) == [o.store_order_id for o in orders]
    assert ImportRecord.objects.filter(integration=integration).count() == 6


def test_switched_off_while_waiting_for_a_page_stops_the_fetching_too(fake_store, monkeypatch):
    """The store makes the next page wait (its rate limit); the manager switches the integration
    off meanwhile: the run ends at once as switched off, the fetch is abandoned mid-wait, the
    cursor stays after the last written page."""
    integration, store, orders = _store_with_orders(fake_store, 6)
    real_pages = store.pages

    def pages_with_a_slow_second(since):
        pages = real_pages(since)
        yield next(pages)
        ratelimit.pause(60)  # the store's limit: the next request only in a minute
        yield from pages

    store.pages = pages_with_a_slow_second
    monkeypatch.setattr(fetch_ahead, "CHECK_EVERY", 0.05)
    real_check = importing.run._may_still_import
    checks = []

    def switched_off_after_the_first_page(integration):
        checks.append(1)
        if len(checks) == 2:  # the first check follows page 1; the next ones are while waiting
            Integration.objects.filter(pk=integration.pk).update(enabled=False)
        return real_check(integration)

    monkeypatch.setattr(importing.run, "_may_still_import", switched_off_after_the_first_page)
    started = time.monotonic()
    run = importing.sync_integration(integration)

    integration.refresh_from_db()
    assert time.monotonic() - started < 30  # not the minute the store asked to wait
    assert run.status == ImportRun.Status.SKIPPED and run.error == "A integração foi desativada."
    assert integration.sync_cursor == orders[1].updated_at and run.imported == 2
    assert store.pages_served == 1 and integration.sync_lease_until is None


def test_a_switch_off_seen_after_a_page_stops_the_page_fetched_ahead_from_being_written(
    fake_store, monkeypatch
):
    integration, store, _orders = _store_with_orders(fake_store, 8)
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
    assert store.pages_served <= 1 + 1 + fetch_ahead.AHEAD  # written, being fetched, waiting


class Crash(BaseException):
    """The worker dies (killed, out of memory): nothing in the run gets to handle it."""


def test_a_crash_with_a_page_fetched_ahead_leaves_the_cursor_before_the_unwritten_pages(
    fake_store, monkeypatch
):
    integration, store, orders = _store_with_orders(fake_store, 8)
    real = importing.rules.plan_order
    crashing_on = orders[2].store_order_id

    def plan_or_crash(integration, fetched, lookups):
        if fetched.store_order_id == crashing_on:
            _wait_for(lambda: store.pages_served >= 3, seconds=1.0)  # page 3 fetched ahead (PostgreSQL)
            raise Crash
        return real(integration, fetched, lookups)

    monkeypatch.setattr(importing.rules, "plan_order", plan_or_crash)
    with pytest.raises(Crash):
        importing.sync_integration(integration)

    integration.refresh_from_db()
    assert integration.sync_cursor == orders[1].updated_at and integration.sync_lease_until is None
    assert _imported(integration) == [o.store_order_id for o in orders[:2]]

    monkeypatch.setattr(importing.rules, "plan_order", real)
    importing.sync_integration(integration)
    assert _imported(integration) == [o.store_order_id for o in orders]
    assert ImportRecord.objects.filter(integration=integration).count() == 8


def test_a_run_out_of_time_stops_the_fetching_and_keeps_the_cursor_after_what_it_wrote(fake_store):
    integration, store, orders = _store_with_orders(fake_store, 10)

    run = importing.sync_integration(integration, budget_seconds=0)

    integration.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.imported == 2
    assert integration.sync_cursor == orders[1].updated_at
    assert store.pages_served <= 1 + 1 + fetch_ahead.AHEAD


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_fetching_thread_closes_its_database_connection(fake_store):
    integration, store, _orders = _store_with_orders(fake_store, 4)
    real_pages = store.pages

    def pages_reading_the_database(since):
        for page in real_pages(since):
            Integration.objects.filter(pk=integration.pk).exists()  # as a source reading its records
            yield page

    store.pages = pages_reading_the_database

    def connections_to_this_database():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    before = connections_to_this_database()
    run = importing.sync_integration(integration)

    assert run.status == ImportRun.Status.DONE and run.imported == 4
    assert _wait_for(lambda: connections_to_this_database() == before, seconds=2.0)


def test_a_limiter_wait_ends_as_soon_as_the_thread_is_told_to_stop(settings):
    settings.STORE_RATE_LIMIT_ENABLED = True
    stop = threading.Event()
    rate = ratelimit.StoreRate(limit=1, seconds=60, burst=1)
    ratelimit.acquire("test:stop", rate)  # the only slot of the minute
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    with ratelimit.stop_waiting_on(stop), pytest.raises(ratelimit.Stopped):
        ratelimit.acquire("test:stop", rate)
    assert time.monotonic() - started < 5
    with ratelimit.stop_waiting_on(stop), pytest.raises(ratelimit.Stopped):
        ratelimit.acquire("test:another", rate)  # stopped: not even a free slot is taken
