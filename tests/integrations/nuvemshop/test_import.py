"""Polling the sandbox over loopback: which orders come in, paging, windows, and the store's verdicts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.importing import sync_integration
from integrations.models import ImportRecord, ImportRun, Integration
from integrations.nuvemshop import source as source_module
from sales.models import Sale
from sandboxes.nuvemshop import services as sandbox

from .conftest import installed_integration

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_paid_orders_placed_after_activation_are_imported(gestor_client, store):
    before = sandbox.create_order(store, created_at=timezone.now() - timedelta(days=1))
    integration = installed_integration(gestor_client, store)
    sandbox.mark_paid(before)  # paid now, but placed before the activation
    unpaid = sandbox.create_order(store)
    paid = sandbox.create_order(store, paid=True)
    run = sync_integration(integration)

    assert run.status == ImportRun.Status.DONE
    assert run.orders_seen == 2  # the query asks for payment_status=paid only
    sale = Sale.objects.get()
    assert sale.external_id == str(paid.order_id) and sale.status == Sale.Status.REVIEW_PENDING
    assert sale.seller == integration.seller and sale.customer.name == "Ana Souza"
    assert str(sale.total_amount) == paid.data["total"] == "134.80"
    skipped = ImportRecord.objects.get(store_order_id=str(before.order_id))
    assert skipped.status == ImportRecord.Status.SKIPPED and skipped.reason_code == "before_activation"
    assert not ImportRecord.objects.filter(store_order_id=str(unpaid.order_id)).exists()


def test_pages_follow_the_link_header_and_the_cursor_moves_only_at_the_end(gestor_client, store, monkeypatch):
    integration = installed_integration(gestor_client, store)
    for _ in range(5):
        sandbox.create_order(store, paid=True)
    monkeypatch.setattr(source_module, "PER_PAGE", 2)
    pages = list(source_module.order_source(integration).pages(since=None))
    assert [len(page.orders) for page in pages] == [2, 2, 1]
    assert [page.cursor is not None for page in pages] == [False, False, True]

    sync_integration(integration)
    assert Sale.objects.count() == 5
    integration.refresh_from_db()
    assert integration.sync_cursor is not None


def test_a_window_over_the_row_cap_is_split_so_no_query_exceeds_it(gestor_client, store, monkeypatch):
    integration = installed_integration(gestor_client, store)
    orders = [sandbox.create_order(store) for _ in range(5)]
    for order in orders:
        sandbox.mark_paid(order)
    monkeypatch.setattr(source_module, "MAX_ROWS_PER_QUERY", 2)
    source = source_module.order_source(integration)
    totals = []
    original = source.client.orders

    def recording(params=None, *, url=None):
        answer = original(params, url=url)
        if params is not None:
            totals.append(answer.total_count)
        return answer

    source.client.orders = recording
    since = timezone.now() - timedelta(hours=1)
    ids = {fetched.store_order_id for page in source.pages(since=since) for fetched in page.orders}
    assert ids == {str(order.order_id) for order in orders}
    assert max(totals) > 2  # the first query was over the cap and was split
    assert len(totals) > 1


def test_401_mid_import_disconnects_with_reason_while_another_store_keeps_importing(
    gestor_client, store, monkeypatch
):
    other_store = sandbox.create_store(name="Outra loja", store_id=900100)
    integration = installed_integration(gestor_client, store)
    other = installed_integration(gestor_client, other_store)
    for _ in range(3):
        sandbox.create_order(store, paid=True)
        sandbox.create_order(other_store, paid=True)
    monkeypatch.setattr(source_module, "PER_PAGE", 2)

    original = source_module.NuvemshopClient.orders

    def token_revoked_after_first_page(client, params=None, *, url=None):
        if url is not None and client.store_id == str(store.store_id):
            store.refresh_from_db()
            store.access_token = "revogado"
            store.save()
        return original(client, params, url=url)

    monkeypatch.setattr(source_module.NuvemshopClient, "orders", token_revoked_after_first_page)
    run = sync_integration(integration)
    integration.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED
    assert "401" in integration.disconnected_reason and integration.disconnected_at is not None
    assert integration.sync_cursor is None  # the window was not finished: nothing skipped
    assert Sale.objects.filter(integration=integration).count() == 2  # the first page stays imported

    assert sync_integration(other).status == ImportRun.Status.DONE
    assert Sale.objects.filter(integration=other).count() == 3


def test_402_pauses_and_a_later_successful_run_resumes(gestor_client, store):
    integration = installed_integration(gestor_client, store)
    sandbox.force_answers(store, 402, count=1)
    sync_integration(integration)
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.SUSPENDED
    sandbox.force_answers(store, None, count=0)
    integration.connection_status = Integration.ConnectionStatus.CONNECTED  # app/resumed would do this
    integration.save()
    sandbox.create_order(store, paid=True)
    assert sync_integration(integration).status == ImportRun.Status.DONE
    assert Sale.objects.count() == 1


def test_a_429_is_waited_out_by_x_rate_limit_reset(gestor_client, store):
    import time

    integration = installed_integration(gestor_client, store)
    order = sandbox.create_order(store, paid=True)
    store.refresh_from_db()
    store.bucket_level, store.bucket_checked_at = store.bucket_size, time.time()
    store.save()
    client = source_module.client_for(integration)
    started = time.monotonic()
    assert client.order(str(order.order_id))["id"] == order.order_id
    elapsed = time.monotonic() - started
    store.refresh_from_db()
    assert store.requests_rejected == 1
    assert elapsed >= 0.45  # the sandbox said: one slot frees in 500 ms
