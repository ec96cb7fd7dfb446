"""The sales list's search by the start of a customer's name (name_key LIKE 'maria si%').

PostgreSQL already serves that LIKE: Django gave the indexed name_key a second, pattern-ops
index (customers_customer_name_key_..._like). SQLite uses an index for LIKE only when the index
has the NOCASE collation (its LIKE ignores ASCII case), which Django cannot declare portably, so
this index is SQLite-only and outside the model state. name_key is already casefolded, so NOCASE
changes nothing about what matches.
"""

from django.db import migrations

INDEX = "customer_name_key_nocase_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON customers_customer (name_key COLLATE NOCASE)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
