"""Receipts (baixas): full, partial, with fees and interest, undone, sent twice, refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from sales.models import Receipt, Receivable
from sales.services import register_receipt, undo_receipt
from sales.services.receipts import ReceiptError, ReceiptNotAllowed, register_full_receipts
from tests.core.factories import UserFactory
from tests.sales.factories import confirmed_sale

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = timezone.localdate


@pytest.fixture
def receivable(financeiro):
    return confirmed_sale(total=D("100.00"), user=financeiro).receivables.get()


def test_full_receipt_makes_the_receivable_received_and_is_audited(receivable, financeiro):
    result = register_receipt(receivable, amount=D("100"), received_on=TODAY(), user=financeiro, note="Itaú")
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.RECEIVED
    assert (receivable.settled_amount, receivable.received_amount, receivable.received_on) == (
        D("100.00"), D("100.00"), TODAY(),
    )  # fmt: skip
    assert receivable.open_amount == 0
    assert result.receipt.note == "Itaú" and result.receipt.created_by == financeiro
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RECEIPT_REGISTERED, object_id=str(receivable.pk))
    assert entry.actor == financeiro and entry.changes["status"] == ["open", "received"]


def test_card_fee_withheld_settles_the_whole_installment(receivable, financeiro):
    register_receipt(receivable, amount=D("97.01"), fees=D("2.99"), received_on=TODAY(), user=financeiro)
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.RECEIVED
    assert (receivable.received_amount, receivable.fees_amount) == (D("97.01"), D("2.99"))


def test_interest_paid_late_is_on_top_of_the_installment(receivable, financeiro):
    register_receipt(receivable, amount=D("102.50"), interest=D("2.50"), received_on=TODAY(), user=financeiro)
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.RECEIVED
    assert (receivable.received_amount, receivable.interest_amount) == (D("102.50"), D("2.50"))


def test_partial_receipt_leaves_the_rest_open_on_the_same_receivable(receivable, financeiro):
    register_receipt(receivable, amount=D("40"), received_on=TODAY() - timedelta(days=1), user=financeiro)
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.OPEN and receivable.open_amount == D("60.00")
    assert receivable.display_status == "Parcialmente recebida"
    register_receipt(receivable, amount=D("60"), received_on=TODAY(), user=financeiro)
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.RECEIVED
    assert receivable.received_on == TODAY()
    assert Receivable.objects.filter(sale=receivable.sale).count() == 1
    assert receivable.receipts.count() == 2


def test_more_than_what_is_open_is_refused_and_nothing_changes(receivable, financeiro):
    register_receipt(receivable, amount=D("70"), received_on=TODAY(), user=financeiro)
    with pytest.raises(ReceiptError, match="mais que os R\\$ 30,00 em aberto"):
        register_receipt(receivable, amount=D("31"), received_on=TODAY(), user=financeiro)
    receivable.refresh_from_db()
    assert receivable.settled_amount == D("70.00") and receivable.receipts.count() == 1


@pytest.mark.parametrize(
    "values",
    [
        {"amount": D("-1")},
        {"amount": D("0")},
        {"amount": D("5"), "interest": D("5")},
        {"amount": D("10"), "fees": D("-1")},
    ],
)
def test_negative_or_empty_receipts_are_refused(receivable, financeiro, values):
    with pytest.raises(ReceiptError):
        register_receipt(receivable, received_on=TODAY(), user=financeiro, **values)
    assert not Receipt.objects.exists()


def test_a_receipt_dated_in_the_future_is_refused(receivable, financeiro):
    with pytest.raises(ReceiptError, match="futuro"):
        register_receipt(
            receivable, amount=D("100"), received_on=TODAY() + timedelta(days=1), user=financeiro
        )


def test_a_cancelled_receivable_takes_no_receipt(receivable, financeiro):
    Receivable.objects.filter(pk=receivable.pk).update(status=Receivable.Status.CANCELLED)
    with pytest.raises(ReceiptError, match="cancelad"):
        register_receipt(receivable, amount=D("100"), received_on=TODAY(), user=financeiro)
    assert not Receipt.objects.exists()


def test_double_submit_with_the_form_key_registers_one_receipt(receivable, financeiro):
    for _ in range(2):
        register_receipt(receivable, amount=D("40"), received_on=TODAY(), user=financeiro, key="form-1")
    receivable.refresh_from_db()
    assert receivable.receipts.count() == 1 and receivable.settled_amount == D("40.00")


def test_double_submit_without_key_is_recognised_by_its_values(receivable, financeiro):
    first = register_receipt(receivable, amount=D("40"), received_on=TODAY(), user=financeiro)
    second = register_receipt(receivable, amount=D("40"), received_on=TODAY(), user=financeiro)
    assert second.receipt == first.receipt
    receivable.refresh_from_db()
    assert receivable.settled_amount == D("40.00")
    # The same full receipt twice: the second finds it and changes nothing, without an error.
    register_receipt(receivable, amount=D("60"), received_on=TODAY(), user=financeiro)
    register_receipt(receivable, amount=D("60"), received_on=TODAY(), user=financeiro)
    assert receivable.receipts.count() == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RECEIPT_REGISTERED).count() == 2


def test_an_older_identical_receipt_is_a_new_payment(receivable, financeiro):
    register_receipt(receivable, amount=D("40"), received_on=TODAY(), user=financeiro)
    Receipt.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    register_receipt(receivable, amount=D("40"), received_on=TODAY(), user=financeiro)
    assert receivable.receipts.count() == 2


def test_a_received_receivable_refuses_another_receipt(receivable, financeiro):
    register_receipt(receivable, amount=D("100"), received_on=TODAY(), user=financeiro)
    with pytest.raises(ReceiptError, match="já foi recebid"):
        register_receipt(receivable, amount=D("50"), received_on=TODAY(), user=financeiro)


def test_undo_reopens_what_the_receipt_settled_keeps_it_and_is_audited(receivable, financeiro):
    register_receipt(receivable, amount=D("30"), received_on=TODAY() - timedelta(days=2), user=financeiro)
    register_receipt(receivable, amount=D("68"), fees=D("2"), received_on=TODAY(), user=financeiro)
    undo_receipt(receivable, user=financeiro, reason="Cheque devolvido")
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.OPEN
    assert (receivable.settled_amount, receivable.fees_amount) == (D("30.00"), D("0.00"))
    assert receivable.received_on == TODAY() - timedelta(days=2)
    undone = receivable.receipts.get(undone_at__isnull=False)
    assert (undone.amount, undone.undone_by, undone.undo_reason) == (
        D("68.00"),
        financeiro,
        "Cheque devolvido",
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RECEIPT_UNDONE)
    assert "Cheque devolvido" in entry.note and entry.changes["status"] == ["received", "open"]


def test_undo_sent_twice_undoes_one_receipt(receivable, financeiro):
    register_receipt(receivable, amount=D("30"), received_on=TODAY(), user=financeiro)
    register_receipt(receivable, amount=D("70"), received_on=TODAY(), user=financeiro)
    undo_receipt(receivable, user=financeiro, reason="Erro de digitação")
    undo_receipt(receivable, user=financeiro, reason="Erro de digitação")
    receivable.refresh_from_db()
    assert receivable.settled_amount == D("30.00")
    assert receivable.receipts.filter(undone_at__isnull=True).count() == 1


def test_undo_needs_a_reason_and_a_receipt(receivable, financeiro):
    with pytest.raises(ReceiptError, match="Diga por que"):
        undo_receipt(receivable, user=financeiro, reason="  ")
    with pytest.raises(ReceiptError, match="não tem recebimento"):
        undo_receipt(receivable, user=financeiro, reason="engano")


def test_financeiro_and_gestor_may_register_and_undo(receivable, financeiro, gestor):
    register_receipt(receivable, amount=D("10"), received_on=TODAY(), user=gestor)
    undo_receipt(receivable, user=financeiro, reason="engano")
    register_receipt(receivable, amount=D("10"), received_on=TODAY(), user=financeiro)
    undo_receipt(receivable, user=gestor, reason="engano de novo")


def test_a_user_without_a_role_may_not_register_or_undo(receivable, financeiro):
    outsider = UserFactory(is_staff=True)
    with pytest.raises(ReceiptNotAllowed):
        register_receipt(receivable, amount=D("10"), received_on=TODAY(), user=outsider)
    register_receipt(receivable, amount=D("10"), received_on=TODAY(), user=financeiro)
    with pytest.raises(ReceiptNotAllowed):
        undo_receipt(receivable, user=outsider, reason="não")
    with pytest.raises(ReceiptNotAllowed):
        register_full_receipts([receivable], received_on=TODAY(), user=outsider)
    assert receivable.receipts.count() == 1


def test_bulk_receipt_receives_each_open_one_in_full_and_skips_the_others(financeiro):
    sale = confirmed_sale(total=D("100.00"), installments=4, user=financeiro)
    first, second, third, fourth = sale.receivables.order_by("number")
    register_receipt(first, amount=D("10"), received_on=TODAY(), user=financeiro)
    register_receipt(second, amount=D("25"), received_on=TODAY(), user=financeiro)
    Receivable.objects.filter(pk=fourth.pk).update(status=Receivable.Status.CANCELLED)

    outcome = register_full_receipts([first, second, third, fourth], received_on=TODAY(), user=financeiro)

    assert outcome.received == 2
    assert [receivable.pk for receivable, _reason in outcome.skipped] == [second.pk, fourth.pk]
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.status == third.status == Receivable.Status.RECEIVED
    assert (first.received_amount, first.receipts.order_by("pk").last().amount) == (D("25.00"), D("15.00"))
    assert third.received_amount == D("25.00") and third.received_on == TODAY()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RECEIPT_REGISTERED).count() == 4


def test_overdue_is_open_past_the_due_date(receivable, financeiro):
    Receivable.objects.filter(pk=receivable.pk).update(due_date=TODAY() - timedelta(days=1))
    receivable.refresh_from_db()
    assert receivable.is_overdue and receivable.display_status == "Vencida"
    register_receipt(receivable, amount=D("100"), received_on=TODAY(), user=financeiro)
    receivable.refresh_from_db()
    assert not receivable.is_overdue and receivable.display_status == "Recebida"
