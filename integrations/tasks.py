"""Background tasks (django-q2): thin wrappers that call the import and the integration services.

The schedule runs `import_all_enabled` every IMPORT_SCHEDULE_MINUTES; it queues one
`run_import` per store, so stores import in parallel on however many workers there are and one
slow store does not hold up the others or run past the task timeout.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections

from . import services
from .errors import StoreError
from .importing import import_single_order, sync_integration
from .models import ImportRun, Integration

logger = logging.getLogger(__name__)

IMPORT_SCHEDULE_NAME = "Importar vendas das lojas"


def run_import(integration_id: int, run_id: int | None = None, trigger: str = ImportRun.Trigger.SCHEDULE):
    """Import one store now (the run queued by services.queue_import, or a new one)."""
    integration = Integration.objects.filter(pk=integration_id).first()
    if integration is None:
        return None
    run = ImportRun.objects.filter(pk=run_id).first() if run_id else None
    run = sync_integration(integration, trigger=trigger, run=run)
    return {"run": run.pk, "status": run.status, "imported": run.imported, "failed": run.failed}


def import_all_enabled() -> int:
    """Queue an import of every store that may import; returns how many were queued."""
    services.prune_import_runs()
    queued = 0
    for integration in Integration.objects.importable():
        try:
            _run, created = services.queue_import(integration, trigger=ImportRun.Trigger.SCHEDULE)
        except Exception:
            # One store that cannot be queued must not keep the others from importing.
            logger.exception("could not queue the import of %s", integration)
            continue
        queued += created
    return queued


def retry_orders(integration_id: int, store_order_ids: list[str]) -> dict:
    """Fetch these orders again and import them (the import log's retry)."""
    integration = Integration.objects.filter(pk=integration_id).first()
    done = {"imported": 0, "skipped": 0, "failed": 0}
    if integration is None:
        return done
    for store_order_id in store_order_ids:
        try:
            record = import_single_order(integration, store_order_id)
        except StoreError as error:
            # The store is down or refused us: the rest stay as they were, for a later retry.
            logger.warning("retry of %s stopped: %s", integration, error)
            break
        if record is not None:
            done[record.status] += 1
    return done


def ensure_import_schedule(using: str = "default") -> None:
    """Create (or update) the one schedule of store imports. update_or_create by name, because
    django-q2's schedule(name=…) raises when the name exists."""
    from django_q.models import Schedule

    if Schedule._meta.db_table not in connections[using].introspection.table_names():
        return
    Schedule.objects.using(using).update_or_create(
        name=IMPORT_SCHEDULE_NAME,
        defaults={
            "func": "integrations.tasks.import_all_enabled",
            "schedule_type": Schedule.MINUTES,
            "minutes": settings.IMPORT_SCHEDULE_MINUTES,
            "repeats": -1,
        },
    )
