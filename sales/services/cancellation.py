"""Cancelling a sale still in Revisão pendente (a clerk's decision, or the store's word)."""

from django.db import transaction
from django.utils import timezone

from audit.services import Action, record_audit

from ..models import Sale
from .refusals import ensure_pending


def cancel_sale(sale: Sale, user, *, reason: str = "") -> Sale:
    """Cancel a sale still pending review. A confirmed sale has books behind it: not here.

    The reason, when given, is added to the sale's notes and to the audit entry.
    """
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        ensure_pending(locked)
        locked.status = Sale.Status.CANCELLED
        locked.cancelled_by = user
        locked.cancelled_at = timezone.now()
        if reason:
            locked.notes = f"{locked.notes}\n{reason}".strip()
        locked.save(update_fields=["status", "cancelled_by", "cancelled_at", "notes", "updated_at"])
        record_audit(
            actor=user,
            action=Action.SALE_CANCELLED,
            obj=locked,
            changes={"status": (Sale.Status.REVIEW_PENDING, Sale.Status.CANCELLED)},
            note=reason,
        )
    return locked
