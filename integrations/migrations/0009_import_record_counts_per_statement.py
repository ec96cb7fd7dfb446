"""On PostgreSQL the import record counts move once per statement, not once per row.

The row-level triggers of 0008 update a counter row once for every record a statement writes: a
statement that writes a million records (a data load, a mass status change) updates the same row
a million times in one transaction, each update a new row version, and took over 25 minutes.
Statement-level triggers read the statement's rows from its transition tables and move each
integration's count by the group's size in one upsert. An update that changes neither status nor
integration moves nothing and locks no counter row, as the row-level WHEN clause ensured.
SQLite keeps 0008's row-level triggers (it has no statement-level ones, and its triggers run in
the writing process without a row version per update).
"""

from django.db import migrations

COUNTS = "integrations_importrecordcount"
RECORDS = "integrations_importrecord"

# The counter rows are locked in one order (integration, status) by every statement, so two
# transactions moving the same counts cannot deadlock on them.
ADD = f"""INSERT INTO {COUNTS} (integration_id, status, total)
    SELECT integration_id, status, SUM(moved) FROM ({{moves}}) AS moves
    GROUP BY integration_id, status HAVING SUM(moved) <> 0 ORDER BY integration_id, status
    ON CONFLICT (integration_id, status) DO UPDATE SET total = {COUNTS}.total + EXCLUDED.total"""
INSERTED = "SELECT integration_id, status, 1 AS moved FROM inserted_records"
DELETED = "SELECT integration_id, status, -1 AS moved FROM deleted_records"
UPDATED = (
    "SELECT integration_id, status, -1 AS moved FROM old_records "
    "UNION ALL SELECT integration_id, status, 1 FROM new_records"
)

STATEMENT_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION importrecord_count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN {ADD.format(moves=INSERTED)};
        ELSIF TG_OP = 'DELETE' THEN {ADD.format(moves=DELETED)};
        ELSE {ADD.format(moves=UPDATED)};
        END IF;
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER importrecord_count_insert AFTER INSERT ON {RECORDS} "
    "REFERENCING NEW TABLE AS inserted_records FOR EACH STATEMENT EXECUTE FUNCTION importrecord_count_statement()",
    f"CREATE TRIGGER importrecord_count_delete AFTER DELETE ON {RECORDS} "
    "REFERENCING OLD TABLE AS deleted_records FOR EACH STATEMENT EXECUTE FUNCTION importrecord_count_statement()",
    # A trigger with transition tables takes no column list: every UPDATE fires it, and one that
    # moves no status or integration adds nothing (HAVING above).
    f"CREATE TRIGGER importrecord_count_update AFTER UPDATE ON {RECORDS} "
    "REFERENCING OLD TABLE AS old_records NEW TABLE AS new_records "
    "FOR EACH STATEMENT EXECUTE FUNCTION importrecord_count_statement()",
]
DROP_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS importrecord_count_{event} ON {RECORDS}"
    for event in ("insert", "delete", "update")
]


def _row_triggers():
    from importlib import import_module

    return import_module("integrations.migrations.0008_import_record_counts").POSTGRESQL


def per_statement(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in [*DROP_TRIGGERS, "DROP FUNCTION IF EXISTS importrecord_count()", *STATEMENT_TRIGGERS]:
        schema_editor.execute(statement)


def per_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in [
        *DROP_TRIGGERS,
        "DROP FUNCTION IF EXISTS importrecord_count_statement()",
        *_row_triggers(),
    ]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0008_import_record_counts"),
    ]

    operations = [migrations.RunPython(per_statement, per_row)]
