"""The import run: a whole store (schedule, button, command) or one order (webhook, retry).

One import per store at a time (a lease on the integration row, taken with a conditional
UPDATE so it works on every database and host). The cursor moves only to where the source says
everything before it was handed over and processed, so a crash loses nothing: the next run
reads again from there and the import passes over what it already imported. What the store's
answer means for the integration (credentials refused → disconnected; suspended → paused, and not
called again until the store says it is back; down or rate-limiting → try again on the next run)
is decided here, once, for every provider. Who may import at all is Integration.may_import.
The next page is fetched while this one is written (fetch_ahead), so a run takes about the time
the store's rate limit allows, not that plus Ponte's writing.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import services
from ..errors import AuthError, RateLimited, StoreError, Suspended, Unavailable
from ..models import ImportRecord, ImportRun, Integration
from ..providers import order_source, provider_for
from . import fetch_ahead, orders

logger = logging.getLogger(__name__)

# Longer than a task may run (Q_CLUSTER timeout), so a live run never loses its lease; renewed
# after every page, so a long backlog keeps it too.
LEASE = timedelta(minutes=15)
# Failed orders retried per run, oldest attempt first: each costs a detail call to the store.
RETRY_BATCH = 100
# Retries on every run before backing off, and the longest wait between two retries.
FREE_RETRIES = 3
MAX_RETRY_INTERVAL = timedelta(hours=1)


def acquire_lease(integration: Integration) -> bool:
    """Take the integration for one import run; False when another run holds it."""
    now = timezone.now()
    taken = (
        Integration.objects.filter(pk=integration.pk)
        .filter(Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lt=now))
        .update(sync_lease_until=now + LEASE)
    )
    return taken == 1


def renew_lease(integration: Integration) -> None:
    Integration.objects.filter(pk=integration.pk).update(sync_lease_until=timezone.now() + LEASE)


def release_lease(integration: Integration) -> None:
    Integration.objects.filter(pk=integration.pk).update(sync_lease_until=None)


def run_budget() -> float:
    """Seconds one run may spend before leaving the rest to the next one: under the task timeout."""
    return settings.Q_CLUSTER.get("timeout", 600) * 0.8


def sync_integration(
    integration: Integration,
    *,
    trigger: str = ImportRun.Trigger.SCHEDULE,
    requested_by=None,
    run: ImportRun | None = None,
    budget_seconds: float | None = None,
) -> ImportRun:
    """Import every order the store changed since the cursor, then retry the failed ones.

    The store refusing the credentials disconnects the integration with the reason; a suspended
    store pauses it; a store down or rate-limiting ends the run as "retry later" with the cursor
    where the last fully processed page left it. Other integrations are not affected by any of it.
    """
    run = run or ImportRun.objects.create(integration=integration, trigger=trigger, requested_by=requested_by)
    integration.refresh_from_db()
    if not integration.may_import:
        return _finish_run(
            run,
            ImportRun.Status.SKIPPED,
            error=_("The integration is off, disconnected or suspended by the store."),
        )
    if not acquire_lease(integration):
        return _finish_run(run, ImportRun.Status.SKIPPED, error=_("Another import of this store is running."))
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    deadline = time.monotonic() + (run_budget() if budget_seconds is None else budget_seconds)
    try:
        provider_for(integration).prepare_run(integration)
        source = order_source(integration)
        since = integration.sync_cursor
        # While a page is written the next one is fetched (fetch_ahead): the cursor still moves
        # only here, once the page is written, and a store error met while fetching ahead is
        # raised here when the run reaches that page.
        with fetch_ahead.PagesAhead(
            lambda: source.pages(since=since), still_wanted=lambda: _may_still_import(integration)
        ) as pages:
            for page in pages:
                with pages.writing():
                    _count(run, orders.import_orders(integration, page.orders), seen=len(page.orders))
                    run.save(update_fields=["orders_seen", "imported", "skipped", "failed"])
                    if not _may_still_import(integration):
                        # Switched off mid-run: some orders of this page were not handled; keep the cursor.
                        return _switched_off(run)
                    if page.cursor is not None:
                        Integration.objects.filter(pk=integration.pk).update(sync_cursor=page.cursor)
                    renew_lease(integration)
                if time.monotonic() > deadline:
                    # The rest is left to the next run, which starts from the cursor just saved.
                    break
            else:
                _retry_failed(integration, source, run, started_at=run.started_at)
    except fetch_ahead.Abandoned:
        return _switched_off(run)
    except AuthError as error:
        services.disconnect_integration(integration, _store_refusal(error))
        return _finish_run(run, ImportRun.Status.FAILED, error=str(error))
    except Suspended as error:
        services.suspend_integration(integration, str(error))
        return _finish_run(run, ImportRun.Status.FAILED, error=str(error))
    except (Unavailable, RateLimited) as error:
        message = _store_unavailable(error)
        Integration.objects.filter(pk=integration.pk).update(last_sync_error=message)
        return _finish_run(run, ImportRun.Status.RETRY_LATER, error=message)
    except StoreError as error:
        Integration.objects.filter(pk=integration.pk).update(last_sync_error=str(error))
        return _finish_run(run, ImportRun.Status.FAILED, error=str(error))
    except Exception as error:
        # A bug in a store package must not take the task (or the other stores) down with it.
        logger.exception("import run of %s failed", integration)
        message = _("Unexpected error: %(error)s") % {"error": error}
        Integration.objects.filter(pk=integration.pk).update(last_sync_error=message)
        return _finish_run(run, ImportRun.Status.FAILED, error=message)
    finally:
        release_lease(integration)
    Integration.objects.filter(pk=integration.pk).update(last_sync_at=timezone.now(), last_sync_error="")
    return _finish_run(run, ImportRun.Status.DONE)


def _may_still_import(integration: Integration) -> bool:
    integration.refresh_from_db(fields=["enabled", "connection_status", "activated_at"])
    return integration.may_import


def _switched_off(run: ImportRun) -> ImportRun:
    return _finish_run(run, ImportRun.Status.SKIPPED, error=_("The integration was switched off."))


def import_single_order(integration: Integration, store_order_id: str) -> ImportRecord | None:
    """Fetch one order fresh from the store and import it (webhook, retry); None when the
    integration may not import now (a suspended store is not called): the order is then listed in
    the import log as arrived while off."""
    integration.refresh_from_db()
    if not integration.may_import:
        orders.record_arrival_while_off(integration, store_order_id)
        return None
    try:
        fetched = order_source(integration).fetch(store_order_id)
    except AuthError as error:
        services.disconnect_integration(integration, _store_refusal(error))
        raise
    except Suspended as error:
        services.suspend_integration(integration, str(error))
        raise
    return orders.import_fetched(integration, fetched)


def retry_due(attempts: int, last_attempt_at, now) -> bool:
    """Whether a failed order is tried again now. The first retries come on every run (stock
    arrives within minutes); an order that keeps failing is tried less and less often, at most
    hourly, so it does not spend the store's request budget every few minutes."""
    if attempts <= FREE_RETRIES or last_attempt_at is None:
        return True
    interval = timedelta(minutes=settings.IMPORT_SCHEDULE_MINUTES) * 2 ** (attempts - FREE_RETRIES)
    return last_attempt_at + min(interval, MAX_RETRY_INTERVAL) <= now


def _retry_failed(integration: Integration, source, run: ImportRun, *, started_at) -> None:
    """Orders that failed on an earlier run and are due are tried again (stock may have arrived,
    the store fixed its data); those that failed in this run's pages just now are not asked twice."""
    now = timezone.now()
    candidates = (
        ImportRecord.objects.filter(
            integration=integration, status=ImportRecord.Status.FAILED, last_attempt_at__lt=started_at
        )
        .order_by("last_attempt_at", "pk")
        .values_list("store_order_id", "attempts", "last_attempt_at")
    )
    failed_ids = [order_id for order_id, attempts, last in candidates if retry_due(attempts, last, now)]
    failed_ids = failed_ids[:RETRY_BATCH]
    for store_order_id in failed_ids:
        try:
            fetched = source.fetch(store_order_id)
        except StoreError:
            raise  # the store itself is refusing or down: the run's verdict, above
        except Exception as error:
            # This one order cannot be read back: note the attempt (it goes to the back of the
            # queue) rather than stall every later retry behind it.
            logger.exception("fetching %s order %s failed", integration, store_order_id)
            record = orders.record_failure(
                integration,
                store_order_id,
                reason=_("Could not fetch the order again: %(error)s") % {"error": error},
            )
        else:
            record = orders.import_fetched(integration, fetched)
        _count(run, [record], seen=1)
    if failed_ids:
        run.save(update_fields=["orders_seen", "imported", "skipped", "failed"])


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


def _store_unavailable(error: Exception) -> str:
    return _(
        "The store is unavailable or limiting requests (%(error)s); the next run picks up from here."
    ) % {"error": error}


def _finish_run(run: ImportRun, status: str, *, error: str = "") -> ImportRun:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.save()
    return run
