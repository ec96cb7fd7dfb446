"""Per-integration counts of import records by status, kept by triggers on the import records.

The integration pages read these counts instead of counting the records (a COUNT grows with the
records: 228 ms at 500k on PostgreSQL). Triggers rather than application code, so that every
writer moves them in the same transaction: the page's bulk insert, one order, the admin, a
test's factory, a later feature. On SQLite a migration that rebuilds integrations_importrecord
(Django's table remake) drops its triggers: such a migration must run CREATE_TRIGGERS again
(tests/integrations/test_record_counts.py fails otherwise).
"""

import django.db.models.deletion
from django.db import migrations, models

COUNTS = "integrations_importrecordcount"
RECORDS = "integrations_importrecord"
ADD = (
    f"INSERT INTO {COUNTS} (integration_id, status, total) VALUES (NEW.integration_id, NEW.status, 1) "
    f"ON CONFLICT (integration_id, status) DO UPDATE SET total = {COUNTS}.total + 1"
)
REMOVE = f"UPDATE {COUNTS} SET total = total - 1 WHERE integration_id = OLD.integration_id AND status = OLD.status"
MOVED = "OLD.status IS DISTINCT FROM NEW.status OR OLD.integration_id IS DISTINCT FROM NEW.integration_id"

SQLITE = [
    f"CREATE TRIGGER importrecord_count_insert AFTER INSERT ON {RECORDS} BEGIN {ADD}; END",
    f"CREATE TRIGGER importrecord_count_delete AFTER DELETE ON {RECORDS} BEGIN {REMOVE}; END",
    f"CREATE TRIGGER importrecord_count_update AFTER UPDATE OF status, integration_id ON {RECORDS} "
    f"WHEN {MOVED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {REMOVE}; {ADD}; END",
]
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION importrecord_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {REMOVE}; END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN {ADD}; END IF;
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER importrecord_count_insert AFTER INSERT ON {RECORDS} "
    "FOR EACH ROW EXECUTE FUNCTION importrecord_count()",
    f"CREATE TRIGGER importrecord_count_delete AFTER DELETE ON {RECORDS} "
    "FOR EACH ROW EXECUTE FUNCTION importrecord_count()",
    f"CREATE TRIGGER importrecord_count_update AFTER UPDATE OF status, integration_id ON {RECORDS} "
    f"FOR EACH ROW WHEN ({MOVED}) EXECUTE FUNCTION importrecord_count()",
]
DROP = "DROP TRIGGER IF EXISTS importrecord_count_{event}{on}"
# The records that exist already are counted once, before the triggers count the new ones.
BACKFILL = (
    f"INSERT INTO {COUNTS} (integration_id, status, total) "
    f"SELECT integration_id, status, COUNT(*) FROM {RECORDS} GROUP BY integration_id, status"
)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"import record counts need triggers written for {vendor}")
    schema_editor.execute(BACKFILL)
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    on = f" ON {RECORDS}" if schema_editor.connection.vendor == "postgresql" else ""
    for event in ("insert", "delete", "update"):
        schema_editor.execute(DROP.format(event=event, on=on))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS importrecord_count()")


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0007_use_store_payment'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportRecordCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('imported', 'Imported'), ('skipped', 'Skipped'), ('failed', 'Failed')], max_length=10)),
                ('total', models.BigIntegerField(default=0)),
                ('integration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='record_counts', to='integrations.integration')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('integration', 'status'), name='importrecordcount_unique_status')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
