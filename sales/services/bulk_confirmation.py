"""Confirming many sales at once ("Confirmar vendas selecionadas") with progress the clerk can watch."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from ..models import BulkConfirmation, Sale
from . import confirmation
from .refusals import UnexpectedConfirmFailure

logger = logging.getLogger(__name__)

# Sales per call of confirm_sales: the progress page moves every chunk.
CHUNK_SIZE = 25


def inline_limit() -> int:
    """Up to this many sales are confirmed during the click itself (a second or two)."""
    return settings.SALES_BULK_CONFIRM_INLINE_LIMIT


def start_bulk_confirmation(sale_ids: Sequence[int], user) -> BulkConfirmation:
    """Record a bulk confirmation of these sales and run it: at once when there are few (the clerk
    lands on a finished page), else on a worker, chunk by chunk, while the page shows the counts.

    Each sale succeeds or fails alone: one refused (stock, confirmed meanwhile, a due date past the
    calendar) or failing on something unforeseen stays pending with its reason, and the others of
    its chunk and of the batch are confirmed all the same.
    """
    ids = list(dict.fromkeys(int(pk) for pk in sale_ids))
    batch = BulkConfirmation.objects.create(
        requested_by=user, sale_ids=ids, total=len(ids), language=translation.get_language() or ""
    )
    if len(ids) <= inline_limit():
        return run_bulk_confirmation(batch.pk)
    try:
        async_task("sales.tasks.confirm_sales_in_bulk", batch.pk, group="bulk-confirmations")
    except Exception as error:
        # The broker is down: say so on the page rather than leave the batch queued forever.
        _fail(batch.pk, str(error))
        logger.exception("Could not queue bulk confirmation %s", batch.pk)
    batch.refresh_from_db()
    return batch


def run_bulk_confirmation(batch_id: int) -> BulkConfirmation | None:
    """Confirm the batch's sales from where it stopped, a chunk at a time, counting as it goes.

    A task delivered again after its worker died resumes at `processed`; a sale of the chunk it was
    in is found confirmed and listed as not pending.
    """
    batch = BulkConfirmation.objects.select_related("requested_by").filter(pk=batch_id).first()
    if batch is None or batch.is_finished:
        return batch
    batch.status = BulkConfirmation.Status.RUNNING
    batch.started_at = batch.started_at or timezone.now()
    batch.save(update_fields=["status", "started_at"])
    try:
        with translation.override(batch.language or settings.LANGUAGE_CODE):
            for start in range(batch.processed, len(batch.sale_ids), CHUNK_SIZE):
                _confirm_chunk(batch, batch.sale_ids[start : start + CHUNK_SIZE])
    except Exception as error:
        logger.exception("Bulk confirmation %s stopped", batch.pk)
        _fail(batch.pk, str(error))
    else:
        BulkConfirmation.objects.filter(pk=batch.pk).update(
            status=BulkConfirmation.Status.DONE, finished_at=timezone.now()
        )
    batch.refresh_from_db()
    return batch


def _confirm_chunk(batch: BulkConfirmation, ids: list[int]) -> None:
    found = Sale.objects.in_bulk(ids)
    sales = [found[pk] for pk in ids if pk in found]
    try:
        outcomes = confirmation.confirm_sales(sales, batch.requested_by)
    except Exception:
        # Writing the chunk failed as a whole: nothing of it stayed, so each sale is tried alone
        # and the failure stays with its own sale.
        logger.exception("Bulk confirmation %s: a chunk failed; confirming its sales one by one", batch.pk)
        outcomes = [_confirm_alone(sale, batch.requested_by) for sale in sales]
    failures = [
        {"sale": outcome.sale.pk, "number": outcome.sale.number, "reason": outcome.message}
        for outcome in outcomes
        if not outcome.confirmed
    ]
    failures += [
        {"sale": pk, "number": None, "reason": _("Sale not found.")} for pk in ids if pk not in found
    ]
    batch.failures = [*batch.failures, *failures]
    batch.processed += len(ids)
    BulkConfirmation.objects.filter(pk=batch.pk).update(
        processed=batch.processed,
        confirmed=F("confirmed") + (len(ids) - len(failures)),
        failed=F("failed") + len(failures),
        failures=batch.failures,
    )


def _confirm_alone(sale: Sale, user) -> confirmation.ConfirmOutcome:
    try:
        (outcome,) = confirmation.confirm_sales([sale], user)
    except Exception as error:
        logger.exception("Bulk confirmation: sale %s failed", sale.number)
        refusal = UnexpectedConfirmFailure(sale, error)
        return confirmation.ConfirmOutcome(sale=sale, confirmed=False, message=str(refusal), error=refusal)
    return outcome


def _fail(batch_id: int, error: str) -> None:
    BulkConfirmation.objects.filter(pk=batch_id).update(
        status=BulkConfirmation.Status.FAILED, finished_at=timezone.now(), error=error
    )
