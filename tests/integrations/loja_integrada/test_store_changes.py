"""What the store says after the import, through the Loja Integrada sandbox over loopback. The store
sends no webhooks: every run reads the orders changed since its cursor, imported or not, and an
imported order's new situation is read from its search row, without fetching its detail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from integrations.importing import sync_integration
from integrations.models import ImportRecord, ImportRun, Integration
from sales.models import Receivable, Sale
from sales.services import confirm_sale
from sandboxes.loja_integrada import store as sandbox
from sandboxes.loja_integrada.models import SandboxStore
from tests.integrations.factories import IntegrationFactory


@pytest.fixture
def integration(sandbox_api, sandbox_store):
    return IntegrationFactory(
        name="Loja do teste",
        credential=sandbox_store.api_key,
        activated_at=timezone.now() - timedelta(days=1),
    )


@pytest.fixture
def imported(integration, sandbox_store):
    """One paid order imported by a run: (order, sale)."""
    order = sandbox.add_paid_order(sandbox_store, placed_at=timezone.now() - timedelta(minutes=30))
    run = sync_integration(integration)
    assert run.status == ImportRun.Status.DONE, run.error
    return order, Sale.objects.get(integration=integration)


@pytest.fixture
def confirmed(imported, gestor):
    order, sale = imported
    return order, confirm_sale(sale, gestor)


def served(store) -> int:
    return SandboxStore.objects.get(pk=store.pk).requests_served


def audit_of(sale, action):
    return AuditEntry.objects.filter(object_id=str(sale.pk), action=action)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (sandbox.cancel_order, "foi cancelado"),
        (sandbox.refund_order, "foi reembolsado"),
        (sandbox.charge_back, "sofreu chargeback"),
    ],
)
def test_money_gone_back_cancels_a_pending_sale_without_fetching_the_order_again(
    integration, sandbox_store, imported, change, said
):
    order, sale = imported
    change(order)
    before = served(sandbox_store)
    run = sync_integration(integration)
    assert run.status == ImportRun.Status.DONE, run.error
    assert served(sandbox_store) == before + 1  # the search page only: its row says the situation
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CANCELLED and sale.cancelled_by is None
    assert f"Loja do teste (Loja Integrada): o pedido {order.numero} {said} na loja em" in sale.notes
    assert audit_of(sale, AuditEntry.Action.SALE_CANCELLED).get().actor is None


@pytest.mark.parametrize("change", [sandbox.cancel_order, sandbox.refund_order, sandbox.charge_back])
def test_money_gone_back_flags_a_confirmed_sale_and_leaves_its_books(integration, confirmed, change):
    order, sale = confirmed
    receivables = list(Receivable.objects.filter(sale=sale).values_list("status", "amount"))
    change(order)
    sync_integration(integration)
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CONFIRMED and sale.store_changed_at is not None
    assert "depois que esta venda foi confirmada" in sale.attention_reason
    assert list(Receivable.objects.filter(sale=sale).values_list("status", "amount")) == receivables


def test_a_chargeback_won_is_paid_again_flagged_and_not_imported_twice(integration, confirmed):
    order, sale = confirmed
    sandbox.charge_back(order)
    sync_integration(integration)
    sandbox.set_situation(order, sandbox.PAID)
    sync_integration(integration)
    sale.refresh_from_db()
    assert Sale.objects.filter(integration=integration).count() == 1
    assert "está pago de novo na loja" in sale.attention_reason
    assert "antes estava em chargeback" in sale.attention_reason


def test_a_dispute_or_a_move_along_changes_nothing(integration, confirmed):
    order, sale = confirmed
    for code in (sandbox.IN_DISPUTE, "pedido_enviado", "pedido_entregue"):
        sandbox.set_situation(order, code)
        sync_integration(integration)
    sale.refresh_from_db()
    assert sale.attention_reason == "" and sale.store_changed_at is None
    assert not audit_of(sale, AuditEntry.Action.SALE_CHANGED).exists()


def test_the_same_change_read_ten_times_has_one_effect(integration, sandbox_store, confirmed):
    order, sale = confirmed
    sandbox.cancel_order(order)
    for _ in range(10):
        # Every run reads the change again, as if each had crashed before moving its cursor.
        Integration.objects.filter(pk=integration.pk).update(sync_cursor=None)
        sync_integration(integration)
    sale.refresh_from_db()
    assert sale.attention_reason.count("foi cancelado na loja") == 1
    assert audit_of(sale, AuditEntry.Action.SALE_CHANGED).count() == 1
    assert ImportRecord.objects.get(sale=sale).store_state == "cancelled"


def test_a_refund_after_a_cancellation_is_no_news(integration, imported):
    order, sale = imported
    sandbox.cancel_order(order)
    sync_integration(integration)
    sandbox.refund_order(order)
    sync_integration(integration)
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CANCELLED
    assert audit_of(sale, AuditEntry.Action.SALE_CANCELLED).count() == 1
    assert sale.notes.count("Loja do teste") == 1
