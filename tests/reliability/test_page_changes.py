"""A store that changes between the reads of page 1 and page 2 of its order listing (a late
commit sorting ahead, an order updated or refunded): offset paging shifts under the reader. An
import through it and a recovery run keep the books: every paid order imported exactly once, no
sale without its record, no record pointing nowhere, the cursor never past an unprocessed order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.importing import sync_integration
from integrations.loja_integrada import client as li_client
from integrations.models import ImportRecord, ImportRun, Integration
from integrations.nuvemshop import source as ns_source
from sales.models import Sale
from sandboxes.loja_integrada import store as li_sandbox
from sandboxes.loja_integrada.models import SandboxOrder as LiOrder
from sandboxes.loja_integrada.models import SandboxStore as LiStore
from sandboxes.nuvemshop import services as ns_sandbox
from sandboxes.nuvemshop.models import SandboxOrder as NsOrder
from sandboxes.nuvemshop.models import SandboxStore as NsStore
from tests.integrations.factories import IntegrationFactory
from tests.integrations.nuvemshop.conftest import installed_integration
from tests.invariants import assert_books_consistent

pytestmark = pytest.mark.django_db(transaction=True)

PAID_ORDERS = 7
PAGE = 2  # small pages, so a shift crosses several page boundaries


def imported_ids(integration) -> set[str]:
    return set(
        ImportRecord.objects.filter(integration=integration, status=ImportRecord.Status.IMPORTED).values_list(
            "store_order_id", flat=True
        )
    )


def assert_imported_exactly_once(integration, expected_ids):
    ids = list(Sale.objects.filter(integration=integration).values_list("external_id", flat=True))
    assert sorted(ids) == sorted(expected_ids)


def assert_cursor_not_past_an_unprocessed_order(integration, changed_at: dict[str, object]):
    """`changed_at`: each order's last change as the store stamps it, by store order id."""
    integration.refresh_from_db()
    done = imported_ids(integration)
    waiting = [moment for order_id, moment in changed_at.items() if order_id not in done]
    if waiting and integration.sync_cursor is not None:
        assert integration.sync_cursor <= min(waiting), (integration.sync_cursor, sorted(waiting))


# --- Loja Integrada --------------------------------------------------------------------------------
@pytest.fixture
def li_store(sandbox_api, sandbox_store, monkeypatch):
    monkeypatch.setattr(li_client, "PAGE_SIZE", PAGE)
    start = timezone.now() - timedelta(hours=3)
    for i in range(PAID_ORDERS):
        li_sandbox.add_paid_order(sandbox_store, placed_at=start + timedelta(minutes=i))
    li_sandbox.add_order(sandbox_store, situacao="aguardando_pagamento", placed_at=start)
    integration = IntegrationFactory(credential=sandbox_store.api_key, activated_at=start - timedelta(days=1))
    return integration, sandbox_store


def li_paid(store) -> dict[str, object]:
    orders = LiOrder.objects.filter(store=store).exclude(situacao_codigo="aguardando_pagamento")
    return {str(order.numero): order.data_modificacao for order in orders}


def assert_a_shifting_listing_is_recovered(integration, store, change, paid_orders, late_order_change):
    """Import through a listing that changes between two page reads, then recover: every paid
    order imported exactly once, the books consistent, the cursor never past an unread order."""
    during = sync_integration(integration)

    store.refresh_from_db()
    assert store.page_change == "", "the change must have happened during the run"
    assert during.status == ImportRun.Status.DONE, during.error
    assert_books_consistent()
    assert_cursor_not_past_an_unprocessed_order(integration, paid_orders(store))

    after = sync_integration(integration)
    again = sync_integration(integration)

    assert (after.status, again.status) == (ImportRun.Status.DONE, ImportRun.Status.DONE), after.error
    expected = paid_orders(store)
    assert len(expected) == PAID_ORDERS + (change == late_order_change)
    assert_imported_exactly_once(integration, expected)
    assert_books_consistent()


@pytest.mark.parametrize("change", LiStore.PageChange.values)
def test_loja_integrada_listing_that_shifts_between_pages(li_store, change):
    integration, store = li_store
    li_sandbox.change_between_pages(store, change)

    assert_a_shifting_listing_is_recovered(
        integration, store, change, li_paid, LiStore.PageChange.LATE_PAID_ORDER
    )
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED


# --- Nuvemshop -------------------------------------------------------------------------------------
@pytest.fixture
def ns_store(gestor_client, nuvemshop_sandbox, monkeypatch):
    monkeypatch.setattr(ns_source, "PER_PAGE", PAGE)
    store = ns_sandbox.create_store(name="Loja da Ana", store_id=817495)
    integration = installed_integration(gestor_client, store)
    start = timezone.now() - timedelta(hours=3)
    Integration.objects.filter(pk=integration.pk).update(activated_at=start - timedelta(days=1))
    for i in range(PAID_ORDERS):
        # Paid long ago: only one read of the window will ever see them (past the cursor overlap).
        placed = start + timedelta(minutes=i)
        ns_sandbox.create_order(store, paid=True, created_at=placed, updated_at=placed + timedelta(minutes=1))
    ns_sandbox.create_order(store, created_at=start)  # not paid: never a sale
    return integration, store


def ns_paid_once(store) -> dict[str, object]:
    """Orders that were paid (a refunded one was paid when it was read)."""
    orders = NsOrder.objects.filter(store=store, payment_status__in=["paid", "refunded"])
    return {str(order.order_id): order.updated_at for order in orders}


@pytest.mark.parametrize("change", NsStore.PageChange.values)
def test_nuvemshop_listing_that_shifts_between_pages(ns_store, change):
    integration, store = ns_store
    ns_sandbox.change_between_pages(store, change)

    assert_a_shifting_listing_is_recovered(
        integration, store, change, ns_paid_once, NsStore.PageChange.LATE_PAID_ORDER
    )
