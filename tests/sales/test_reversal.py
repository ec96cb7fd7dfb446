"""Reversing (estornar) a confirmed sale: the books after it, idempotence, refusals, the audit trail."""

from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from catalog.models import StockMovement
from catalog.services import record_in
from sales.models import Receivable, Sale, SaleReversal
from sales.services import (
    ItemLine,
    ReceivablesAlreadyReceived,
    SaleNotReversible,
    cancel_sale,
    confirm_sale,
    flag_for_attention,
    register_receipt,
    reverse_sale,
)
from tests.catalog.factories import ProductFactory
from tests.invariants import assert_books_consistent
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_sale(financeiro):
    """A confirmed sale of two products (5 and 3 in stock before), in three installments."""
    coat, shirt = ProductFactory(description="Casaco infantil"), ProductFactory(description="Camiseta")
    record_in(product=coat, quantity=Decimal("5"))
    record_in(product=shirt, quantity=Decimal("3"))
    sale = PendingSaleFactory(
        lines=[
            ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("45.50")),
            ItemLine(product=shirt, quantity=Decimal("1"), unit_price=Decimal("20.00")),
        ],
        installments=3,
    )
    return confirm_sale(sale, financeiro)


def _stock(description):
    from catalog.models import Product

    return Product.objects.get(description=description).stock_quantity


def test_a_reversal_cancels_the_receivables_and_puts_the_stock_back_with_movements_linked_to_the_sale(
    confirmed_sale, financeiro
):
    assert (_stock("Casaco infantil"), _stock("Camiseta")) == (Decimal("3"), Decimal("2"))

    outcome = reverse_sale(confirmed_sale, user=financeiro, reason="Cliente devolveu tudo")

    sale = Sale.objects.get(pk=confirmed_sale.pk)
    assert outcome.reversed and outcome.receivables_cancelled == 3
    assert sale.status == Sale.Status.CANCELLED
    assert (sale.reversal.reversed_by, sale.reversal.reason) == (financeiro, "Cliente devolveu tudo")
    assert sale.reversal.reversed_at == sale.cancelled_at and sale.cancelled_by == financeiro
    assert sale.reversal.receivables_cancelled == 3
    assert set(Receivable.objects.filter(sale=sale).values_list("status", flat=True)) == {"cancelled"}
    assert (_stock("Casaco infantil"), _stock("Camiseta")) == (Decimal("5"), Decimal("3"))
    back_in = StockMovement.objects.filter(sale=sale, kind=StockMovement.Kind.SALE_REVERSAL_IN)
    assert sorted((m.sale_item.position, m.quantity) for m in back_in) == [
        (1, Decimal("2.000")),
        (2, Decimal("1.000")),
    ]
    assert all(m.created_by == financeiro for m in back_in)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SALE_REVERSED, object_id=str(sale.pk))
    assert entry.actor == financeiro and entry.note == "Cliente devolveu tudo"
    assert entry.changes["status"] == ["confirmed", "cancelled"]
    assert_books_consistent()


def test_a_second_reversal_changes_nothing_and_says_so(confirmed_sale, financeiro, gestor):
    reverse_sale(confirmed_sale, user=financeiro, reason="Devolução")

    again = reverse_sale(confirmed_sale, user=gestor, reason="De novo")

    assert not again.reversed
    assert "já foi estornada" in again.message and "nada foi alterado" in again.message
    sale = Sale.objects.get(pk=confirmed_sale.pk)
    assert (sale.reversal.reversed_by, sale.reversal.reason) == (financeiro, "Devolução")
    assert SaleReversal.objects.count() == 1
    assert StockMovement.objects.filter(sale=sale, kind=StockMovement.Kind.SALE_REVERSAL_IN).count() == 2
    assert _stock("Casaco infantil") == Decimal("5")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SALE_REVERSED).count() == 1


def test_a_received_installment_refuses_the_reversal_naming_it_and_changes_nothing(
    confirmed_sale, financeiro
):
    for receivable in Receivable.objects.filter(sale=confirmed_sale, number__in=[1, 3]):
        register_receipt(
            receivable, amount=receivable.amount, received_on=timezone.localdate(), user=financeiro
        )

    with pytest.raises(ReceivablesAlreadyReceived) as refused:
        reverse_sale(confirmed_sale, user=financeiro, reason="Cliente devolveu")

    assert refused.value.numbers == [1, 3]
    assert str(refused.value) == (
        f"A venda {confirmed_sale.number} não pode ser estornada: as parcelas 1, 3 já foram recebidas. "
        "Desfaça esses recebimentos antes; nada foi alterado."
    )
    sale = Sale.objects.get(pk=confirmed_sale.pk)
    assert sale.status == Sale.Status.CONFIRMED and not SaleReversal.objects.exists()
    assert Receivable.objects.filter(sale=sale, status=Receivable.Status.OPEN).count() == 1
    assert _stock("Casaco infantil") == Decimal("3")
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.SALE_REVERSAL_IN).exists()


def test_a_partly_received_installment_refuses_the_reversal_too(confirmed_sale, financeiro):
    """Money that came in for an installment still open is received money: cancelling the
    installment would hide it."""
    first = Receivable.objects.get(sale=confirmed_sale, number=1)
    register_receipt(first, amount=Decimal("1.00"), received_on=timezone.localdate(), user=financeiro)

    with pytest.raises(ReceivablesAlreadyReceived) as refused:
        reverse_sale(confirmed_sale, user=financeiro, reason="Cliente devolveu")

    assert refused.value.numbers == [1]
    assert not Receivable.objects.filter(sale=confirmed_sale, status=Receivable.Status.CANCELLED).exists()


def test_a_pending_sale_is_not_reversed_but_cancelled(financeiro):
    sale = PendingSaleFactory()
    with pytest.raises(SaleNotReversible, match="ainda está em revisão pendente: cancele-a"):
        reverse_sale(sale, user=financeiro, reason="Engano")
    cancel_sale(sale, financeiro)
    with pytest.raises(SaleNotReversible, match="cancelada antes de ser confirmada"):
        reverse_sale(sale, user=financeiro, reason="Engano")
    assert not SaleReversal.objects.exists()


def test_a_reversal_needs_a_reason(confirmed_sale, financeiro):
    with pytest.raises(SaleNotReversible, match="Diga por que"):
        reverse_sale(confirmed_sale, user=financeiro, reason="   ")
    assert Sale.objects.get(pk=confirmed_sale.pk).status == Sale.Status.CONFIRMED


def test_the_note_that_the_sale_needed_attention_is_kept_and_marked_handled(confirmed_sale, financeiro):
    flag_for_attention(confirmed_sale, note="Pedido cancelado na Nuvemshop depois da confirmação.")

    reverse_sale(confirmed_sale, user=financeiro, reason="Cancelado na loja")

    reason = Sale.objects.get(pk=confirmed_sale.pk).attention_reason
    first, second = reason.splitlines()
    assert first == "Pedido cancelado na Nuvemshop depois da confirmação."
    assert second.startswith("Resolvido: venda estornada em ")
