"""The per-integration counts of import records follow every write, so the pages never count."""

import pytest
from django.db import connection, transaction

from integrations import selectors
from integrations.models import ImportRecord
from tests.concurrency import ON_POSTGRES, run_together
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


def test_one_statement_moving_many_records_between_statuses_and_stores_moves_each_count_by_its_group():
    store, other = IntegrationFactory(), IntegrationFactory()
    ImportRecord.objects.bulk_create(
        [_record(store, n) for n in range(5)]
        + [_record(store, n, ImportRecord.Status.SKIPPED) for n in range(5, 8)]
    )
    ImportRecord.objects.filter(integration=store, store_order_id__in=["0", "1"]).update(
        status=ImportRecord.Status.SKIPPED
    )
    ImportRecord.objects.filter(integration=store, store_order_id__in=["2", "6"]).update(integration=other)
    ImportRecord.objects.filter(integration=store).update(attempts=3)  # moves nothing
    assert _counted(store) == {"failed": 2, "skipped": 4} == _recounted(store)
    assert _counted(other) == {"failed": 1, "skipped": 1} == _recounted(other)

    ImportRecord.objects.filter(status=ImportRecord.Status.FAILED).delete()
    assert _counted(store) == {"skipped": 4} == _recounted(store)
    assert _counted(other) == {"skipped": 1}


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has row-level triggers only")
def test_on_postgresql_a_statement_of_a_thousand_records_writes_its_counter_row_once():
    """A row-level count rewrote the counter row once per record: a million-record statement
    made a million row versions of one row and took over 25 minutes."""
    store = IntegrationFactory()

    def counter_row_writes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
                ["integrations_importrecordcount"],
            )
            return cursor.fetchone()[0]

    before = counter_row_writes()
    ImportRecord.objects.bulk_create([_record(store, n) for n in range(1000)])
    ImportRecord.objects.filter(integration=store, store_order_id__in=["1", "2"]).update(
        status=ImportRecord.Status.SKIPPED
    )
    assert counter_row_writes() - before == 3  # failed inserted; failed and skipped moved
    assert _counted(store) == {"failed": 998, "skipped": 2}


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_writers_racing_on_one_stores_counts_lose_no_record():
    """Each statement adds its group sizes to the counter rows under their row locks: writers at
    the same instant (a webhook, a run, a retry) wait for one another instead of each adding to a
    total it read before the other committed."""
    store = IntegrationFactory()
    ImportRecord.objects.bulk_create([_record(store, f"old-{n}") for n in range(100)])

    def insert(batch):
        def call():
            statuses = [ImportRecord.Status.FAILED, ImportRecord.Status.SKIPPED]
            if batch % 2:  # the other writers list their rows in the other order
                statuses.reverse()
            with transaction.atomic():
                ImportRecord.objects.bulk_create(
                    [_record(store, f"{batch}-{n}", statuses[n % 2]) for n in range(250)]
                )

        return call

    def move_old_ones():
        ImportRecord.objects.filter(integration=store, store_order_id__startswith="old-").update(
            status=ImportRecord.Status.SKIPPED
        )

    results = run_together(*(insert(batch) for batch in range(4)), move_old_ones)

    assert not [result for result in results if isinstance(result, BaseException)], results
    assert _counted(store) == {"failed": 500, "skipped": 600} == _recounted(store)
