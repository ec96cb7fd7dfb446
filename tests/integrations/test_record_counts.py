"""The per-integration counts of import records follow every write, so the pages never count."""

import pytest
from django.db import connection

from integrations import selectors
from integrations.models import ImportRecord
from tests.integrations.factories import IntegrationFactory

pytestmark = pytest.mark.django_db


def _record(integration, number, status=ImportRecord.Status.FAILED, **fields):
    return ImportRecord(
        integration=integration,
        store_order_id=str(number),
        status=status,
        reason="" if status == ImportRecord.Status.IMPORTED else "sem estoque",
        **fields,
    )


def _counted(integration):
    return {status: total for status, total in selectors.integration_counts(integration).items() if total}


def _recounted(integration):
    return {
        status: ImportRecord.objects.filter(integration=integration, status=status).count()
        for status in ImportRecord.Status.values
        if ImportRecord.objects.filter(integration=integration, status=status).exists()
    }


def test_counts_follow_inserts_status_changes_and_deletes_of_each_integration():
    store, other = IntegrationFactory(), IntegrationFactory()
    ImportRecord.objects.bulk_create([_record(store, n) for n in range(3)] + [_record(other, 9)])
    skipped = _record(store, 3, ImportRecord.Status.SKIPPED)
    skipped.save()
    assert _counted(store) == {"failed": 3, "skipped": 1} and _counted(other) == {"failed": 1}

    record = ImportRecord.objects.get(integration=store, store_order_id="0")
    record.status = ImportRecord.Status.SKIPPED
    record.save()  # a failed order found cancelled on a retry
    ImportRecord.objects.filter(integration=store, store_order_id="1").update(reason="outro motivo")
    skipped.delete()

    assert _counted(store) == {"skipped": 1, "failed": 2} == _recounted(store)
    assert _counted(other) == {"failed": 1}


def test_the_integrations_page_reads_the_counts_without_counting_the_records():
    store = IntegrationFactory()
    ImportRecord.objects.bulk_create([_record(store, n) for n in range(4)])
    sql = []
    with connection.execute_wrapper(lambda execute, query, *rest: sql.append(query) or execute(query, *rest)):
        (row,) = selectors.integrations_with_counts().filter(pk=store.pk)
        counts = selectors.integration_counts(store)
    assert (row.imported_count, row.failed_count) == (0, 4) and counts["failed"] == 4
    assert sql and not any('"integrations_importrecord"' in query for query in sql), sql


def test_the_counting_triggers_survive_every_migration():
    """A migration that rebuilds the import records table on SQLite drops its triggers: it must
    create them again (see integrations/migrations/0008_import_record_counts.py)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {name for (name,) in cursor.fetchall()}
    assert {"importrecord_count_insert", "importrecord_count_update", "importrecord_count_delete"} <= names
