"""Imports from the Nuvemshop sandbox (real HTTP over loopback) through its forced answers, then
through recovery: every paid order imported exactly once, the books consistent."""

import pytest

from integrations import services as integration_services
from integrations.models import ImportRun, Integration
from integrations.nuvemshop.sandbox import services as sandbox
from integrations.sync import sync_integration
from sales.models import Sale
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


# forced status, how many answers, the run's outcome while it lasts, the connection afterwards
FAULTS = {
    "429 storm": (429, 50, ImportRun.Status.RETRY_LATER, Integration.ConnectionStatus.CONNECTED),
    "5xx burst": (500, 50, ImportRun.Status.RETRY_LATER, Integration.ConnectionStatus.CONNECTED),
    "one 503 the retry absorbs": (503, 1, ImportRun.Status.DONE, Integration.ConnectionStatus.CONNECTED),
    "402 store suspended": (402, 50, ImportRun.Status.FAILED, Integration.ConnectionStatus.SUSPENDED),
    "401 token revoked": (401, 50, ImportRun.Status.FAILED, Integration.ConnectionStatus.DISCONNECTED),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_an_import_survives_the_fault_and_recovers(store_with_orders, fault, gestor):
    integration, store, paid = store_with_orders
    status, count, outcome, connection_after = fault
    sandbox.force_answers(store, status, count)

    during = sync_integration(integration)

    assert during.status == outcome, during.error
    integration.refresh_from_db()
    assert integration.connection_status == connection_after
    assert_books_consistent()

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
