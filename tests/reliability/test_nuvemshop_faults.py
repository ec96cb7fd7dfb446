"""Imports from the Nuvemshop sandbox (real HTTP over loopback) through its forced answers, then
through recovery: every paid order imported exactly once, the books consistent."""

import pytest

from integrations import services as integration_services
from integrations.importing import sync_integration
from integrations.models import ImportRecord, ImportRun, Integration
from integrations.nuvemshop import source
from sales.models import Sale
from sandboxes.nuvemshop import services as sandbox
from sandboxes.nuvemshop.models import SandboxOrder, SandboxStore
from tests.integrations.nuvemshop.conftest import installed_integration
from tests.invariants import assert_books_consistent

pytestmark = pytest.mark.django_db(transaction=True)

PAID_ORDERS = 4


@pytest.fixture
def store_with_orders(gestor_client, nuvemshop_sandbox):
    store = sandbox.create_store(name="Loja da Ana", store_id=817495)
    integration = installed_integration(gestor_client, store)
    paid = [sandbox.create_order(store, paid=True) for _ in range(PAID_ORDERS)]
    sandbox.create_order(store)  # not paid: never a sale
    return integration, store, paid


def assert_each_paid_order_imported_once(integration, paid):
    numbers = sorted(Sale.objects.filter(integration=integration).values_list("external_id", flat=True))
    assert numbers == sorted(str(order.order_id) for order in paid)


Fault = SandboxStore.Fault
CONNECTED, DISCONNECTED = Integration.ConnectionStatus.CONNECTED, Integration.ConnectionStatus.DISCONNECTED
RETRY_LATER = ImportRun.Status.RETRY_LATER

# forced answer, how many, after how many normal calls, the run's outcome while it lasts, the
# connection afterwards
FAULTS = {
    "429 storm": (429, 50, 0, RETRY_LATER, CONNECTED),
    "5xx burst": (500, 50, 0, RETRY_LATER, CONNECTED),
    "5xx burst mid-run": (502, 50, 2, RETRY_LATER, CONNECTED),
    "one 503 the retry absorbs": (503, 1, 0, ImportRun.Status.DONE, CONNECTED),
    "402 store suspended": (402, 50, 0, ImportRun.Status.FAILED, Integration.ConnectionStatus.SUSPENDED),
    "401 token revoked": (401, 50, 0, ImportRun.Status.FAILED, DISCONNECTED),
    "401 token revoked mid-run": (401, 50, 2, ImportRun.Status.FAILED, DISCONNECTED),
    "truncated JSON": (Fault.TRUNCATED_JSON, 50, 0, RETRY_LATER, CONNECTED),
    "malformed JSON mid-run": (Fault.MALFORMED_JSON, 50, 1, RETRY_LATER, CONNECTED),
    "answers slower than the timeout": (Fault.SLOW, 50, 0, RETRY_LATER, CONNECTED),
    "connection dropped half-way": (Fault.CONNECTION_DROPPED, 50, 0, RETRY_LATER, CONNECTED),
}


def assert_cursor_not_past_an_unprocessed_order(integration, paid):
    integration.refresh_from_db()
    done = set(
        ImportRecord.objects.filter(integration=integration, status=ImportRecord.Status.IMPORTED).values_list(
            "store_order_id", flat=True
        )
    )
    waiting = [
        order.updated_at
        for order in SandboxOrder.objects.filter(pk__in=[o.pk for o in paid])
        if str(order.order_id) not in done
    ]
    if waiting and integration.sync_cursor is not None:
        assert integration.sync_cursor <= min(waiting)


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_an_import_survives_the_fault_and_recovers(store_with_orders, fault, gestor, settings, monkeypatch):
    integration, store, paid = store_with_orders
    settings.STORE_HTTP_TIMEOUT = (1.0, 0.3)  # the slow fault answers after read timeout + 0.5 s
    monkeypatch.setattr(source, "PER_PAGE", 1)  # a page per order: "mid-run" falls between pages
    status, count, after, outcome, connection_after = fault
    sandbox.force_answers(store, status, count, after=after)

    during = sync_integration(integration)

    assert during.status == outcome, during.error
    integration.refresh_from_db()
    assert integration.connection_status == connection_after
    assert_books_consistent()
    assert_cursor_not_past_an_unprocessed_order(integration, paid)
    store.refresh_from_db()
    assert store.forced_after == 0 and store.forced_count < count, "the fault was not served"

    sandbox.force_answers(store, None, 0)
    if connection_after == Integration.ConnectionStatus.DISCONNECTED:
        integration_services.replace_credential(integration, integration.credential, by=gestor)
    elif connection_after == Integration.ConnectionStatus.SUSPENDED:
        integration_services.resume_integration(integration)
    after = sync_integration(integration)
    again = sync_integration(integration)

    assert (after.status, again.status) == (ImportRun.Status.DONE, ImportRun.Status.DONE), after.error
    assert_each_paid_order_imported_once(integration, paid)
    assert_books_consistent()
