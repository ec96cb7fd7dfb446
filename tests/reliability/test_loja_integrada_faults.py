"""Imports from the Loja Integrada sandbox (real HTTP over loopback) through each fault it can
inject, then through recovery: every paid order ends imported exactly once and the books hold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import services as integration_services
from integrations.importing import sync_integration
from integrations.models import ImportRecord, ImportRun, Integration
from sales.models import Sale
from sales.services import confirmation
from sandboxes.loja_integrada import store as sandbox
from sandboxes.loja_integrada.models import SandboxStore
from tests.integrations.factories import IntegrationFactory
from tests.invariants import assert_books_consistent

PAID_ORDERS = 6
Fault = SandboxStore.Fault


@pytest.fixture
def store_with_orders(sandbox_api, sandbox_store):
    start = timezone.now() - timedelta(hours=2)
    paid = [
        sandbox.add_paid_order(sandbox_store, placed_at=start + timedelta(minutes=i))
        for i in range(PAID_ORDERS)
    ]
    sandbox.add_order(sandbox_store, situacao="aguardando_pagamento", placed_at=start)
    integration = IntegrationFactory(credential=sandbox_store.api_key, activated_at=start - timedelta(days=1))
    return integration, sandbox_store, paid


def assert_cursor_not_past_an_unprocessed_order(integration, paid):
    integration.refresh_from_db()
    done = set(
        ImportRecord.objects.filter(integration=integration, status=ImportRecord.Status.IMPORTED).values_list(
            "store_order_id", flat=True
        )
    )
    waiting = [order.data_modificacao for order in paid if str(order.numero) not in done]
    if waiting and integration.sync_cursor is not None:
        assert integration.sync_cursor <= min(waiting)


def assert_each_paid_order_imported_once(integration, paid):
    numbers = sorted(Sale.objects.filter(integration=integration).values_list("external_id", flat=True))
    assert numbers == sorted(str(order.numero) for order in paid)


# (fault status, every n-th request, how many times, the run's outcome while it lasts)
FAULTS = {
    "429 storm": (429, 1, None, ImportRun.Status.RETRY_LATER),
    "5xx burst": (500, 1, None, ImportRun.Status.RETRY_LATER),
    "503 on every 3rd request (the retries absorb it)": (503, 3, None, ImportRun.Status.DONE),
    "a short 5xx burst the retries absorb": (502, 1, 2, ImportRun.Status.DONE),
    "truncated JSON": (Fault.TRUNCATED_JSON, 1, None, ImportRun.Status.RETRY_LATER),
    "malformed JSON on every 2nd request": (Fault.MALFORMED_JSON, 2, None, ImportRun.Status.RETRY_LATER),
    "answers slower than the timeout": (Fault.SLOW, 1, None, ImportRun.Status.RETRY_LATER),
    "connection dropped half-way": (Fault.CONNECTION_DROPPED, 1, None, ImportRun.Status.RETRY_LATER),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_an_import_survives_the_fault_and_recovers(store_with_orders, fault, settings):
    integration, store, paid = store_with_orders
    settings.STORE_HTTP_TIMEOUT = (1.0, 0.3)  # the slow fault answers after read timeout + 0.5 s
    status, every, count, outcome = fault
    sandbox.set_faults(store, status, every=every, count=count)

    during = sync_integration(integration)

    assert during.status == outcome, during.error
    store.refresh_from_db()
    assert store.faults_served > 0
    assert_books_consistent()
    assert_cursor_not_past_an_unprocessed_order(integration, paid)
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED

    sandbox.set_faults(store, None)
    after = sync_integration(integration)
    again = sync_integration(integration)

    assert (after.status, again.status) == (ImportRun.Status.DONE, ImportRun.Status.DONE), after.error
    assert_each_paid_order_imported_once(integration, paid)
    assert_books_consistent()


def test_credentials_revoked_mid_run_disconnect_and_a_new_key_recovers(store_with_orders, gestor):
    integration, store, paid = store_with_orders
    # The first calls succeed, then the store starts refusing the key.
    sandbox.set_faults(store, 401, every=4, count=None)

    during = sync_integration(integration)

    assert during.status == ImportRun.Status.FAILED
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED
    assert_books_consistent()
    assert_cursor_not_past_an_unprocessed_order(integration, paid)
    assert sync_integration(integration).status == ImportRun.Status.SKIPPED  # stays off until reconnected

    sandbox.set_faults(store, None)
    integration_services.replace_credential(integration, store.api_key, by=gestor)
    assert sync_integration(integration).status == ImportRun.Status.DONE
    assert_each_paid_order_imported_once(integration, paid)
    assert_books_consistent()


def test_confirming_everything_after_the_faults_keeps_the_books(store_with_orders, financeiro):
    integration, store, _paid = store_with_orders
    sandbox.set_faults(store, 429, every=2, count=None)
    sync_integration(integration)
    sandbox.set_faults(store, None)
    sync_integration(integration)
    outcomes = confirmation.confirm_sales(
        Sale.objects.filter(integration=integration).order_by("pk"), financeiro
    )
    assert all(outcome.confirmed for outcome in outcomes) and len(outcomes) == PAID_ORDERS
    assert_books_consistent()
