"""Reversing a confirmed sale (estorno): the books undone, with who, when and why.

A reversal cancels the sale's open receivables, puts every item back in stock (one movement in
per item, linked to the sale and the item) and closes the sale as cancelled, in one transaction.
It locks the sale, then its receivables, then its products in primary-key order (the confirm
locks the sale, then the products, in the same order), so a reversal racing a confirm, another
reversal or an edit either waits for it or finds the sale changed. A second reversal changes
nothing and says so. Money already received is not erased: while an installment is received the
reversal is refused, naming those installments.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import Action, record_audit
from catalog import services as catalog_services

from ..models import Receivable, Sale, SaleItem, SaleReversal
from .refusals import SaleError


class SaleNotReversible(SaleError):
    """Not a confirmed sale (a pending one is cancelled instead), or no reason given."""


class ReceivablesAlreadyReceived(SaleError):
    """Some installments were received: the money came in, and a reversal would hide it."""

    def __init__(self, sale: Sale, numbers: list[int]):
        self.numbers = numbers
        installments = ", ".join(str(number) for number in numbers)
        message = ngettext(
            "Sale %(number)s cannot be reversed: installment %(installments)s was already received. "
            "Undo that receipt first; nothing was changed.",
            "Sale %(number)s cannot be reversed: installments %(installments)s were already received. "
            "Undo those receipts first; nothing was changed.",
            len(numbers),
        ) % {"number": sale.number, "installments": installments}
        super().__init__(message)


@dataclass(frozen=True)
class ReversalOutcome:
    sale: Sale
    reversed: bool
    message: str
    receivables_cancelled: int = 0


def reverse_sale(sale: Sale, *, user, reason: str) -> ReversalOutcome:
    """Reverse (estornar) a confirmed sale: its open receivables cancelled, its stock back in, the
    sale cancelled with who reversed it, when and why; audited; all or nothing.

    Idempotent: a sale already reversed is left as it is and the outcome says so
    (`reversed=False`). Refused (SaleError, nothing written): no reason; a sale still pending
    review (it is cancelled, not reversed) or cancelled before confirmation; a sale with an
    installment already received (the message names them). Any note that the sale needed
    attention is kept and marked as handled by the reversal.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise SaleNotReversible(_("Say why the sale is being reversed."))
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        done = SaleReversal.objects.select_related("reversed_by").filter(sale=locked).first()
        if done is not None:
            return ReversalOutcome(sale=locked, reversed=False, message=_already_reversed(done))
        _ensure_reversible(locked)
        receivables = list(Receivable.objects.select_for_update().filter(sale=locked).order_by("pk"))
        # Received in full, or in part (an open installment with a receipt): money that came in.
        received = [
            r.number for r in receivables if r.status == Receivable.Status.RECEIVED or r.settled_amount
        ]
        if received:
            raise ReceivablesAlreadyReceived(locked, sorted(received))
        items = list(SaleItem.objects.filter(sale=locked).order_by("position", "pk"))
        products = {
            product.pk: product
            for product in catalog_services.lock_products(item.product_id for item in items)
        }

        now = timezone.now()
        cancelled = Receivable.objects.filter(sale=locked, status=Receivable.Status.OPEN).update(
            status=Receivable.Status.CANCELLED
        )
        note = _("Reversal of sale %(number)s") % {"number": locked.number}
        catalog_services.record_sales_back_in(
            user=user,
            lines=[(locked, item, products[item.product_id], item.quantity) for item in items],
            note=note,
        )
        handled = ""
        if locked.attention_reason:
            handled = _("Handled: sale reversed on %(when)s.") % {"when": _when(now)}
        SaleReversal.objects.create(
            sale=locked, reversed_by=user, reversed_at=now, reason=reason, receivables_cancelled=cancelled
        )
        locked.status = Sale.Status.CANCELLED
        locked.cancelled_by, locked.cancelled_at = user, now
        locked.attention_reason = f"{locked.attention_reason}\n{handled}".strip()
        locked.save(
            update_fields=["status", "cancelled_by", "cancelled_at", "attention_reason", "updated_at"]
        )
        record_audit(
            actor=user,
            action=Action.SALE_REVERSED,
            obj=locked,
            changes={
                "status": (Sale.Status.CONFIRMED, Sale.Status.CANCELLED),
                "receivables_cancelled": (0, cancelled),
                "items_back_in_stock": (0, len(items)),
            },
            note=reason,
        )
    message = _("Sale %(number)s reversed: receivables cancelled and stock put back.") % {
        "number": locked.number
    }
    return ReversalOutcome(sale=locked, reversed=True, message=message, receivables_cancelled=cancelled)


def _ensure_reversible(locked: Sale) -> None:
    if locked.status == Sale.Status.REVIEW_PENDING:
        raise SaleNotReversible(
            _("Sale %(number)s is still pending review: cancel it instead; nothing was changed.")
            % {"number": locked.number}
        )
    if locked.status != Sale.Status.CONFIRMED:
        raise SaleNotReversible(
            _("Sale %(number)s was cancelled before it was confirmed: there is nothing to reverse.")
            % {"number": locked.number}
        )


def _already_reversed(done: SaleReversal) -> str:
    return _("Sale %(number)s was already reversed on %(when)s by %(who)s; nothing was changed.") % {
        "number": done.sale.number,
        "when": _when(done.reversed_at),
        "who": done.reversed_by,
    }


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
