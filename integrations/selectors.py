"""Read-only queries behind the integration pages (list, detail, import log)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.models import Sale

from .models import ImportRecord, ImportRecordCount, ImportRun, Integration

# What the import log lists: the orders that did not come in, and why.
LOG_STATUSES = (ImportRecord.Status.FAILED, ImportRecord.Status.SKIPPED)


def import_stopped_reason(integration: Integration) -> str:
    """Why this store is not being called for its orders now, in the manager's words; "" when it is.

    A store that suspended the app (Nuvemshop app/suspended, or a 402) is not called at all, not even
    to check: Ponte waits for the store to resume the app (app/resumed) or for a new connection.
    """
    if integration.may_import:
        return ""
    if integration.connection_status == Integration.ConnectionStatus.SUSPENDED:
        return _(
            "The store suspended the Ponte app. Ponte will not call this store, not even to import "
            "now, until the store resumes the app or the integration is connected again."
        )
    if integration.connection_status == Integration.ConnectionStatus.DISCONNECTED:
        return _("The store refused the credentials: connect the integration again to import its orders.")
    if not integration.enabled:
        return _("The integration is disabled: switch it on to import its orders.")
    return _("The integration is not activated yet.")


def integrations_with_counts() -> QuerySet[Integration]:
    """Every integration with how many orders it imported, skipped and failed.

    Read from the counts the database keeps per (integration, status) (ImportRecordCount): the
    same cost at a thousand import records or ten million.
    """
    return Integration.objects.select_related("seller").annotate(
        imported_count=_records_with_status(ImportRecord.Status.IMPORTED),
        skipped_count=_records_with_status(ImportRecord.Status.SKIPPED),
        failed_count=_records_with_status(ImportRecord.Status.FAILED),
    )


def _records_with_status(status: str) -> Coalesce:
    total = ImportRecordCount.objects.filter(integration=OuterRef("pk"), status=status).values("total")[:1]
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def integration_counts(integration: Integration) -> dict[str, int]:
    """Imported, skipped and failed orders of one integration, in one query of its counts."""
    counts = dict.fromkeys(ImportRecord.Status.values, 0)
    counts.update(integration.record_counts.values_list("status", "total"))
    return counts


def failed_orders(integration: Integration, *, limit: int = 50) -> list[ImportRecord]:
    """The integration's failed orders with their reasons, most recently tried first."""
    return list(
        ImportRecord.objects.filter(integration=integration, status=ImportRecord.Status.FAILED).order_by(
            "-last_attempt_at", "-pk"
        )[:limit]
    )


def recent_runs(integration: Integration, *, limit: int = 10) -> list[ImportRun]:
    return list(integration.import_runs.select_related("requested_by").order_by("-queued_at", "-pk")[:limit])


def active_run(integration: Integration) -> ImportRun | None:
    """The import queued or running now, if any."""
    return (
        integration.import_runs.filter(status__in=[ImportRun.Status.QUEUED, ImportRun.Status.RUNNING])
        .order_by("-queued_at")
        .first()
    )


def import_log(*, integration_id: int | None = None, status: str | None = None) -> QuerySet[ImportRecord]:
    """Failed and skipped orders (or only one of the two), of every integration or of one."""
    statuses = [status] if status in LOG_STATUSES else list(LOG_STATUSES)
    records = ImportRecord.objects.filter(status__in=statuses).select_related("integration")
    if integration_id:
        records = records.filter(integration_id=integration_id)
    return records.order_by("-last_attempt_at", "-pk")


def sales_per_day(
    integrations, *, days: int = 30, today: date | None = None
) -> dict[int, list[tuple[date, int]]]:
    """Sales imported per day over the last `days` days (today included), for every integration given,
    in one grouped query. Days without a sale count 0, so a store that went quiet shows as a gap."""
    today = today or timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    ids = [integration.pk for integration in integrations]
    rows = (
        Sale.objects.filter(
            integration_id__in=ids,
            created_at__gte=datetime.combine(first_day, time.min, tzinfo=timezone.get_current_timezone()),
        )
        .annotate(day=TruncDate("created_at"))
        .values("integration_id", "day")
        .annotate(total=Count("pk"))
        .values_list("integration_id", "day", "total")
    )
    counts = {(integration_id, day): total for integration_id, day, total in rows}
    calendar = [first_day + timedelta(days=offset) for offset in range(days)]
    return {pk: [(day, counts.get((pk, day), 0)) for day in calendar] for pk in ids}


def run_of(integration_pk: int, run_pk: int) -> ImportRun | None:
    return (
        ImportRun.objects.select_related("integration", "requested_by")
        .filter(integration_id=integration_pk, pk=run_pk)
        .first()
    )
