"""Receipts (baixas) of receivables: registering the money that came in, and undoing a receipt.

A receipt settles `amount + fees − interest` of a receivable: the money that reached the account,
plus what the card acquirer (or a discount) kept, minus the interest or fine paid on top. When the
settled parts reach the receivable's amount it is Recebido; a partial receipt leaves the rest open
on the same receivable, which keeps its installment number and due date (the number the customer
and the accountant know it by) and lets every receipt stay attached to the installment it paid.

Each service is atomic and locks the receivable row, so two clerks (or two clicks) cannot settle
the same money twice: the second finds what the first wrote. A submit sent twice is recognised by
the form's one-time key, or, without one, as the same values from the same person on the same
receivable within a minute, and changes nothing. A cancelled receivable takes no receipt.
Everything is audited on the receivable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import Action, audit_entry, record_audit, record_audits
from core.formatting import brl

from ..models import Receipt, Receivable, to_cents
from .refusals import SaleError

REGISTER_PERMISSION = "sales.register_receipt"
UNDO_PERMISSION = "sales.undo_receipt"
# Two identical receipts from one person on one receivable this close together are one double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=1)


class ReceiptError(SaleError):
    """A receipt refused; the message is for the clerk, and nothing was written."""


class ReceiptNotAllowed(ReceiptError):
    pass


def register_receipt(
    receivable: Receivable,
    *,
    amount: Decimal,
    received_on: date,
    user,
    fees: Decimal = Decimal(0),
    interest: Decimal = Decimal(0),
    note: str = "",
    key: str = "",
) -> Receivable:
    """Record that money came in for an open receivable: on `received_on`, `amount` reached the
    account, `fees` were withheld and `interest` was paid on top.

    The receipt settles amount + fees − interest, which must be more than zero and at most what is
    open; settling all of it makes the receivable Recebido, less leaves the rest open. Refused on a
    cancelled or already received receivable, with a date in the future, or for a user without
    the permission to register receipts. `key` (the form's one-time token) makes a repeated submit
    return the first one's result. Returns the receivable as saved, with `.receipt`.
    """
    _check_permission(user, REGISTER_PERMISSION)
    amount, fees, interest = (to_cents(value or 0) for value in (amount, fees, interest))
    if min(amount, fees, interest) < 0:
        raise ReceiptError(_("Amounts received, fees and interest cannot be negative."))
    if received_on > timezone.localdate():
        raise ReceiptError(_("The receipt date cannot be in the future."))
    settled = amount + fees - interest
    note = " ".join((note or "").split())[:255]
    with transaction.atomic():
        locked = (
            Receivable.objects.select_for_update(of=("self",)).select_related("sale").get(pk=receivable.pk)
        )
        repeated = _same_submit(
            locked,
            key=key,
            user=user,
            amount=amount,
            received_on=received_on,
            fees=fees,
            interest=interest,
            note=note,
        )
        if repeated is not None:
            return _result(receivable, locked, repeated)
        _ensure_open(locked)
        if settled <= 0:
            raise ReceiptError(_("The amount received plus fees, less interest, must be more than zero."))
        if settled > locked.open_amount:
            raise ReceiptError(
                _("This receipt settles %(settled)s, more than the %(open)s open on %(receivable)s.")
                % {"settled": brl(settled), "open": brl(locked.open_amount), "receivable": locked}
            )
        receipt = Receipt.objects.create(
            receivable=locked,
            received_on=received_on,
            amount=amount,
            fees=fees,
            interest=interest,
            settled=settled,
            note=note,
            key=key,
            created_by=_person(user),
        )
        before = _state(locked)
        locked.settled_amount += settled
        locked.received_amount += amount
        locked.fees_amount += fees
        locked.interest_amount += interest
        locked.received_on = max(filter(None, [locked.received_on, received_on]))
        if locked.settled_amount == locked.amount:
            locked.status = Receivable.Status.RECEIVED
        locked.save(update_fields=[*_TOTALS, "status", "received_on"])
        record_audit(
            actor=user,
            action=Action.RECEIPT_REGISTERED,
            obj=locked,
            changes=_changes(before, _state(locked)),
            note=_receipt_note(receipt),
        )
    return _result(receivable, locked, receipt)


def undo_receipt(receivable: Receivable, *, user, reason: str, receipt: Receipt | None = None) -> Receivable:
    """Take back the receivable's latest standing receipt (or the one given), with the reason.

    What it settled is open again (a Recebido receivable goes back to Em aberto); the receipt
    stays, marked undone by whom, when and why. A reason is required. Sent twice, the second
    finds the receipt already undone (or, without `receipt`, the same person's same undo within a
    minute) and changes nothing rather than undoing the receipt before it.
    """
    _check_permission(user, UNDO_PERMISSION)
    reason = (reason or "").strip()
    if not reason:
        raise ReceiptError(_("Say why the receipt is undone."))
    with transaction.atomic():
        locked = (
            Receivable.objects.select_for_update(of=("self",)).select_related("sale").get(pk=receivable.pk)
        )
        receipts = locked.receipts.order_by("-created_at", "-pk")
        if receipt is not None:
            target = receipts.get(pk=receipt.pk)
            if target.undone_at is not None:
                return _result(receivable, locked, target)
        else:
            target = receipts.filter(undone_at__isnull=True).first()
            last_undone = receipts.filter(undone_at__isnull=False).order_by("-undone_at", "-pk").first()
            if last_undone is not None and _is_repeat_undo(last_undone, user, reason):
                return _result(receivable, locked, last_undone)
        if locked.status == Receivable.Status.CANCELLED:
            raise ReceiptError(_("%(receivable)s is cancelled; its receipts stay.") % {"receivable": locked})
        if target is None:
            raise ReceiptError(_("%(receivable)s has no receipt to undo.") % {"receivable": locked})
        target.undone_at = timezone.now()
        target.undone_by = _person(user)
        target.undo_reason = reason
        target.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        before = _state(locked)
        locked.settled_amount -= target.settled
        locked.received_amount -= target.amount
        locked.fees_amount -= target.fees
        locked.interest_amount -= target.interest
        latest = locked.receipts.filter(undone_at__isnull=True).order_by("-received_on").first()
        locked.received_on = latest.received_on if latest else None
        locked.status = Receivable.Status.OPEN
        locked.save(update_fields=[*_TOTALS, "status", "received_on"])
        record_audit(
            actor=user,
            action=Action.RECEIPT_UNDONE,
            obj=locked,
            changes=_changes(before, _state(locked)),
            note=f"{_receipt_note(target)} — {reason}",
        )
    return _result(receivable, locked, target)


@dataclass(frozen=True)
class BulkReceiptOutcome:
    received: int
    skipped: list[tuple[Receivable, str]]


# Receivables settled per transaction by register_full_receipts: a few statements per chunk, and
# locks held briefly.
RECEIPT_CHUNK = 500


def register_full_receipts(
    receivables: Iterable[Receivable], *, received_on: date, user
) -> BulkReceiptOutcome:
    """ "Registrar recebimento" on many receivables: each open one received in full on one date,
    with no fees or interest, under register_receipt's rules (permission, date, row locks).

    A chunk at a time (one transaction each, rows locked in primary-key order): the receipts, the
    receivables' totals and the audit entries are written in bulk. Receivables that are not open
    (received meanwhile, cancelled) are skipped with the reason; the others are received.
    """
    _check_permission(user, REGISTER_PERMISSION)
    if received_on > timezone.localdate():
        raise ReceiptError(_("The receipt date cannot be in the future."))
    received, skipped = 0, []
    pending = iter(receivables)
    while chunk := list(islice(pending, RECEIPT_CHUNK)):
        done, refused = _receive_chunk([item.pk for item in chunk], received_on, user)
        received += done
        skipped.extend(refused)
    return BulkReceiptOutcome(received=received, skipped=skipped)


@transaction.atomic
def _receive_chunk(pks: list[int], received_on: date, user) -> tuple[int, list]:
    # The sale comes along for each receivable's name in the audit entries; only receivables are locked.
    locked = list(
        Receivable.objects.select_for_update(of=("self",))
        .select_related("sale")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    person = _person(user)
    receipts, entries, refused, open_ids = [], [], [], []
    for receivable in locked:
        try:
            _ensure_open(receivable)
        except ReceiptError as error:
            refused.append((receivable, str(error)))
            continue
        settled = receivable.open_amount
        if settled <= 0:
            refused.append((receivable, _("%(receivable)s has nothing open.") % {"receivable": receivable}))
            continue
        open_ids.append(receivable.pk)
        receipt = Receipt(
            receivable=receivable, received_on=received_on, amount=settled, settled=settled, created_by=person
        )
        receipts.append(receipt)
        entries.append(
            audit_entry(
                actor=user,
                action=Action.RECEIPT_REGISTERED,
                obj=receivable,
                changes={"status": (Receivable.Status.OPEN, Receivable.Status.RECEIVED)},
                note=_receipt_note(receipt),
            )
        )
    if open_ids:
        Receipt.objects.bulk_create(receipts)
        # Every row is settled in full: the money received is what was open, in one statement.
        Receivable.objects.filter(pk__in=open_ids).update(
            received_amount=F("received_amount") + F("amount") - F("settled_amount"),
            settled_amount=F("amount"),
            status=Receivable.Status.RECEIVED,
            received_on=received_on,
        )
        record_audits(entries)
    return len(open_ids), refused


# --- helpers ---------------------------------------------------------------------------------------
_TOTALS = ["settled_amount", "received_amount", "fees_amount", "interest_amount"]


def _check_permission(user, permission: str) -> None:
    # None is the system itself (a reconciliation job); a person needs the role's permission.
    if user is not None and not user.has_perm(permission):
        raise ReceiptNotAllowed(_("You are not allowed to do this with receipts."))


def _person(user):
    return user if getattr(user, "is_authenticated", False) else None


def _ensure_open(locked: Receivable) -> None:
    if locked.status == Receivable.Status.CANCELLED:
        raise ReceiptError(_("%(receivable)s is cancelled; it cannot be received.") % {"receivable": locked})
    if locked.status == Receivable.Status.RECEIVED:
        raise ReceiptError(
            _("%(receivable)s was already received on %(date)s; nothing was changed.")
            % {"receivable": locked, "date": date_format(locked.received_on, "SHORT_DATE_FORMAT")}
        )


def _same_submit(locked: Receivable, *, key: str, user, **values) -> Receipt | None:
    """The receipt this submit already made: by its one-time key, or the same values from the same
    person within DOUBLE_SUBMIT_WINDOW."""
    if key:
        return locked.receipts.filter(key=key).first()
    latest = locked.receipts.filter(undone_at__isnull=True).order_by("-created_at", "-pk").first()
    if latest is None or latest.created_at < timezone.now() - DOUBLE_SUBMIT_WINDOW:
        return None
    if latest.created_by_id != getattr(_person(user), "pk", None):
        return None
    mine = {name: getattr(latest, name) for name in values}
    return latest if mine == values else None


def _is_repeat_undo(receipt: Receipt, user, reason: str) -> bool:
    return (
        receipt.undone_at >= timezone.now() - DOUBLE_SUBMIT_WINDOW
        and receipt.undone_by_id == getattr(_person(user), "pk", None)
        and receipt.undo_reason == reason
    )


def _state(receivable: Receivable) -> dict:
    return {name: getattr(receivable, name) for name in ["status", *_TOTALS, "received_on"]}


def _changes(before: dict, after: dict) -> dict:
    return {name: (before[name], after[name]) for name in before if before[name] != after[name]}


def _receipt_note(receipt: Receipt) -> str:
    parts = [f"{date_format(receipt.received_on, 'SHORT_DATE_FORMAT')}: {brl(receipt.amount)}"]
    if receipt.fees:
        parts.append(_("fees %(amount)s") % {"amount": brl(receipt.fees)})
    if receipt.interest:
        parts.append(_("interest %(amount)s") % {"amount": brl(receipt.interest)})
    if receipt.note:
        parts.append(receipt.note)
    return ", ".join(parts)


def _result(given: Receivable, locked: Receivable, receipt: Receipt) -> Receivable:
    # The caller's copy follows the row, as a form or a list holding it expects.
    for name in ["status", *_TOTALS, "received_on"]:
        setattr(given, name, getattr(locked, name))
    locked.receipt = receipt
    return locked
