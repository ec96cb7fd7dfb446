"""Running imports: a whole store (schedule, button, command) or one order (webhook, retry).

One import per store at a time (a lease on the integration row, taken with a conditional
UPDATE so it works on every database and host). The cursor moves only to where the source says
everything before it was handed over and processed, so a crash loses nothing: the next run
reads again from there and the pipeline passes over what it already imported. What the store's
answer means for the integration (credentials refused → disconnected; suspended → paused) is
decided here, once, for every provider.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import pipeline, services
from .errors import AuthError, StoreError, Suspended
from .models import ImportRecord, ImportRun, Integration
from .providers import order_source

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)


def acquire_lease(integration: Integration) -> bool:
    """Take the integration for one import run; False when another run holds it."""
    now = timezone.now()
    taken = (
        Integration.objects.filter(pk=integration.pk)
        .filter(Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lt=now))
        .update(sync_lease_until=now + LEASE)
    )
    return taken == 1


def release_lease(integration: Integration) -> None:
    Integration.objects.filter(pk=integration.pk).update(sync_lease_until=None)


def sync_integration(
    integration: Integration, *, trigger: str = ImportRun.Trigger.SCHEDULE, requested_by=None, run=None
) -> ImportRun:
    """Import every order the store changed since the cursor, then retry the failed ones."""
    run = run or ImportRun.objects.create(integration=integration, trigger=trigger, requested_by=requested_by)
    integration.refresh_from_db()
    if not integration.is_importing:
        return _finish_run(run, ImportRun.Status.SKIPPED, error=_("The integration is off or disconnected."))
    if not acquire_lease(integration):
        return _finish_run(run, ImportRun.Status.SKIPPED, error=_("Another import of this store is running."))
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        source = order_source(integration)
        for page in source.pages(since=integration.sync_cursor):
            _count(run, pipeline.import_orders(integration, page.orders), seen=len(page.orders))
            if page.cursor is not None:
                Integration.objects.filter(pk=integration.pk).update(sync_cursor=page.cursor)
            run.save(update_fields=["orders_seen", "imported", "skipped", "failed"])
        _retry_failed(integration, source, run)
    except AuthError as error:
        services.disconnect_integration(integration, _store_refusal(error))
        return _finish_run(run, ImportRun.Status.FAILED, error=str(error))
    except Suspended as error:
        services.suspend_integration(integration, str(error))
        return _finish_run(run, ImportRun.Status.FAILED, error=str(error))
    except StoreError as error:
        Integration.objects.filter(pk=integration.pk).update(last_sync_error=str(error))
        return _finish_run(run, ImportRun.Status.FAILED, error=str(error))
    finally:
        release_lease(integration)
    Integration.objects.filter(pk=integration.pk).update(last_sync_at=timezone.now(), last_sync_error="")
    if integration.connection_status == Integration.ConnectionStatus.SUSPENDED:
        services.resume_integration(integration)
    return _finish_run(run, ImportRun.Status.DONE)


def import_single_order(integration: Integration, store_order_id: str) -> ImportRecord | None:
    """Fetch one order fresh from the store and run it through the pipeline (webhook, retry)."""
    integration.refresh_from_db()
    if not integration.is_importing:
        return None
    try:
        fetched = order_source(integration).fetch(store_order_id)
    except AuthError as error:
        services.disconnect_integration(integration, _store_refusal(error))
        raise
    except Suspended as error:
        services.suspend_integration(integration, str(error))
        raise
    return pipeline.import_fetched(integration, fetched)


def _retry_failed(integration: Integration, source, run: ImportRun) -> None:
    """Failed orders are tried again on every run (stock may have arrived, the store fixed data)."""
    failed_ids = list(
        ImportRecord.objects.filter(integration=integration, status=ImportRecord.Status.FAILED).values_list(
            "store_order_id", flat=True
        )
    )
    for store_order_id in failed_ids:
        record = pipeline.import_fetched(integration, source.fetch(store_order_id))
        if record is not None and record.status == ImportRecord.Status.IMPORTED:
            run.imported += 1
            run.failed = max(0, run.failed - 1) if run.failed else 0


def _count(run: ImportRun, records, *, seen: int) -> None:
    run.orders_seen += seen
    for record in records:
        if record is None:
            continue
        if record.status == ImportRecord.Status.IMPORTED:
            run.imported += 1
        elif record.status == ImportRecord.Status.SKIPPED:
            run.skipped += 1
        else:
            run.failed += 1


def _store_refusal(error: Exception) -> str:
    return _("The store refused the credentials (%(error)s). Connect the integration again.") % {
        "error": error
    }


def _finish_run(run: ImportRun, status: str, *, error: str = "") -> ImportRun:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.save()
    return run
