"""What the store says after the import, through the Nuvemshop sandbox over loopback: webhooks and
the poll go through the same code, and each change is applied once."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from integrations.importing import sync_integration
from integrations.models import ImportRecord, ImportRun, Integration
from integrations.nuvemshop.connect import WEBHOOK_EVENTS
from sales.models import Receivable, Sale
from sales.services import confirm_sale
from sandboxes.nuvemshop import services as sandbox
from sandboxes.nuvemshop.models import SandboxStore, SandboxWebhook

from .conftest import installed_integration

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def imported(gestor_client, store):
    """An installed store with one paid order imported by its webhook: (integration, order, sale)."""
    integration = installed_integration(gestor_client, store)
    order = sandbox.create_order(store)
    sandbox.mark_paid(order)
    sale = Sale.objects.get(external_id=str(order.order_id))
    return integration, order, sale


@pytest.fixture
def confirmed(imported, gestor):
    integration, order, sale = imported
    return integration, order, confirm_sale(sale, gestor)


def audit_of(sale, action):
    return AuditEntry.objects.filter(object_id=str(sale.pk), action=action)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (sandbox.cancel_order, "foi cancelado"),
        (sandbox.refund_order, "foi reembolsado"),
        (sandbox.void_order, "teve o pagamento anulado"),
        (sandbox.charge_back, "sofreu chargeback"),
    ],
)
def test_money_gone_back_cancels_a_pending_sale_with_the_store_named(imported, change, said):
    _integration, order, sale = imported
    change(order)
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CANCELLED and sale.cancelled_at is not None
    assert sale.cancelled_by is None  # the store's word, not a clerk's
    assert f"Loja da Ana (Nuvemshop): o pedido {order.data['number']} {said} na loja em" in sale.notes
    entry = audit_of(sale, AuditEntry.Action.SALE_CANCELLED).get()
    assert entry.actor is None and "Loja da Ana (Nuvemshop)" in entry.note
    assert sale.store_changed_at is None  # nothing left for a person to do


@pytest.mark.parametrize(
    "change", [sandbox.cancel_order, sandbox.refund_order, sandbox.void_order, sandbox.charge_back]
)
def test_money_gone_back_flags_a_confirmed_sale_and_leaves_its_books(confirmed, change):
    _integration, order, sale = confirmed
    receivables = list(Receivable.objects.filter(sale=sale).values_list("status", "amount"))
    change(order)
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CONFIRMED and sale.store_changed_at is not None
    assert "depois que esta venda foi confirmada. Estorne a venda" in sale.attention_reason
    assert list(Receivable.objects.filter(sale=sale).values_list("status", "amount")) == receivables
    assert audit_of(sale, AuditEntry.Action.SALE_CHANGED).get().actor is None


@pytest.mark.parametrize("fixture", ["imported", "confirmed"])
def test_a_partial_refund_is_flagged_with_its_amount_and_the_books_stay(request, fixture):
    _integration, order, sale = request.getfixturevalue(fixture)
    status, total = sale.status, sale.total_amount
    sandbox.refund_order(order, amount="50.00")
    sale.refresh_from_db()
    assert sale.status == status and sale.total_amount == total
    assert "R$ 50,00 do pedido" in sale.attention_reason and "reembolso parcial" in sale.attention_reason
    record = ImportRecord.objects.get(sale=sale)
    assert record.store_state == "partially_refunded" and record.store_refunded_amount == Decimal("50.00")

    sandbox.refund_order(order, amount="70.00")  # a second partial refund is news
    sale.refresh_from_db()
    assert "R$ 70,00 do pedido" in sale.attention_reason


def test_paid_again_after_a_refund_is_flagged_and_never_imported_twice(confirmed):
    integration, order, sale = confirmed
    sandbox.refund_order(order)
    sandbox.mark_paid(order)  # the chargeback was won, the payment is back
    sync_integration(integration)
    sale.refresh_from_db()
    assert Sale.objects.filter(integration=integration).count() == 1
    assert "está pago de novo na loja" in sale.attention_reason
    assert "antes estava reembolsado" in sale.attention_reason
    assert ImportRecord.objects.get(sale=sale).store_state == "paid"


def test_a_lost_webhook_is_caught_by_the_next_poll(imported):
    integration, order, sale = imported
    sandbox.cancel_order(order, notify=False)  # the store gave up delivering it
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING

    run = sync_integration(integration)
    assert run.status == ImportRun.Status.DONE, run.error
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CANCELLED


def test_a_lost_refund_of_a_confirmed_sale_is_caught_by_the_next_poll(confirmed):
    integration, order, sale = confirmed
    sandbox.refund_order(order, amount="10.00", notify=False)
    sync_integration(integration)
    sale.refresh_from_db()
    assert "R$ 10,00 do pedido" in sale.attention_reason


@pytest.mark.parametrize("fixture", ["imported", "confirmed"])
def test_the_same_change_delivered_ten_times_has_one_effect(request, fixture):
    integration, order, sale = request.getfixturevalue(fixture)
    sandbox.cancel_order(order)
    for _ in range(9):
        sandbox.send_webhook(order.store, "order/cancelled", order.order_id)
    sync_integration(integration)  # and read again by the poll
    sync_integration(integration)
    sale.refresh_from_db()
    text = sale.notes if fixture == "imported" else sale.attention_reason
    assert text.count("foi cancelado na loja") == 1
    action = AuditEntry.Action.SALE_CANCELLED if fixture == "imported" else AuditEntry.Action.SALE_CHANGED
    assert audit_of(sale, action).count() == 1


def test_unpaid_orders_in_the_listing_are_passed_over_without_a_write(imported, store):
    integration, _order, _sale = imported
    unpaid = [sandbox.create_order(store) for _ in range(3)]
    run = sync_integration(integration)
    assert run.status == ImportRun.Status.DONE, run.error
    assert not ImportRecord.objects.filter(store_order_id__in=[str(o.order_id) for o in unpaid]).exists()


def test_an_older_install_gets_the_missing_webhook_on_its_next_run_and_only_once(gestor_client, store):
    integration = installed_integration(gestor_client, store)
    assert set(store.webhooks.values_list("event", flat=True)) == set(WEBHOOK_EVENTS)
    # As installed before order/voided was subscribed.
    SandboxWebhook.objects.filter(store=store, event="order/voided").delete()
    Integration.objects.filter(pk=integration.pk).update(
        subscribed_events=[event for event in WEBHOOK_EVENTS if event != "order/voided"]
    )
    sync_integration(integration)
    assert store.webhooks.filter(event="order/voided").count() == 1

    served = SandboxStore.objects.get(pk=store.pk).requests_served
    sync_integration(integration)
    # The second run asks only for orders: one listing request, no webhook calls.
    assert SandboxStore.objects.get(pk=store.pk).requests_served == served + 1
    assert store.webhooks.filter(event="order/voided").count() == 1


def test_the_voided_webhook_is_subscribed_and_acted_on(imported, store):
    _integration, order, sale = imported
    assert store.webhooks.filter(event="order/voided").exists()
    sandbox.void_order(order)
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CANCELLED


def test_a_suspended_app_answers_402_and_the_integration_waits_for_resumed(imported, store):
    integration, order, sale = imported
    sandbox.suspend_app(store)
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.SUSPENDED
    served = SandboxStore.objects.get(pk=store.pk).requests_served
    sandbox.cancel_order(order)  # its webhook arrives, but the store is not called
    assert SandboxStore.objects.get(pk=store.pk).requests_served == served
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING

    sandbox.resume_app(store)
    sync_integration(integration)  # the poll catches what happened meanwhile
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CANCELLED
