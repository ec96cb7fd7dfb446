"""Bulk inserts of new rows for the import's hot path.

`QuerySet.bulk_create` builds its statement value by value through the SQL compiler (a
placeholder, an expression check and a flattening step for every field of every row): writing a
page of 200 store orders spent about 40 % of its time there (py-spy, bench/import.py). Here the
statement is built once per batch size and only the values go through each field's own
`pre_save` and `get_db_prep_save`, as Django would send them. Same result as bulk_create for new
objects: their auto primary keys are set (by RETURNING; on PostgreSQL taken from the sequence
before a COPY), related objects saved meanwhile are picked up, `auto_now(_add)` fields are
stamped. Statements go through Django's cursor (its wrappers see them) except PostgreSQL's COPY,
whose errors are still Django's (IntegrityError and the rest). No signals,
as bulk_create. Anything this does not cover (objects with a primary key, a field with its own
placeholder, a database default that is an expression, a backend that cannot return rows from a
bulk insert) goes through bulk_create unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router, transaction
from django.db.models import AutoField, Model
from django.db.models.expressions import DatabaseDefault


class _NotPlain(Exception):
    """A value only the SQL compiler can write."""


def insert_new(model: type[Model], objs: Iterable[Model], *, using: str | None = None) -> list[Model]:
    """Insert unsaved `objs` of `model` in as few statements as the backend allows; returns them
    with their primary keys set."""
    objs = list(objs)
    if not objs:
        return objs
    using = using or router.db_for_write(model)
    connection = connections[using]
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.generated and not isinstance(f, AutoField)]
    rows = None
    if (
        connection.features.can_return_rows_from_bulk_insert
        and isinstance(opts.pk, AutoField)
        and all(obj.pk is None for obj in objs)
        and not any(hasattr(field, "get_placeholder") for field in fields)
    ):
        rows = _plain_rows(objs, fields, connection)
    if rows is None:
        return model._base_manager.using(using).bulk_create(objs)

    with transaction.atomic(using=using, savepoint=False):
        # One row is one INSERT … RETURNING; COPY would cost a second round trip for its key.
        if connection.vendor == "postgresql" and len(rows) > 1:
            keys = _copy(connection, opts, fields, rows)
        else:
            keys = _values(connection, opts, fields, rows)
        for obj, pk in zip(objs, keys, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = using
    return objs


def _head(connection, opts, fields) -> tuple[str, str]:
    # Only the model's own table and column names go into the statement; every value is a parameter.
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    return f"INSERT INTO {quote(opts.db_table)} ({columns}) ", f" RETURNING {quote(opts.pk.column)}"


def _values(connection, opts, fields, rows) -> list:
    """Multi-row VALUES … RETURNING the keys, as many rows a statement as the backend takes
    parameters."""
    head, tail = _head(connection, opts, fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
    keys = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                head + "VALUES " + ", ".join([row] * len(chunk)) + tail, [v for r in chunk for v in r]
            )
            keys += [pk for (pk,) in cursor.fetchall()]
    return keys


def _copy(connection, opts, fields, rows) -> list:
    """PostgreSQL: the keys are taken from the table's sequence, then the rows go by COPY, whose
    rows psycopg formats in C. An INSERT from arrays (bulk_create's way there) has the driver quote
    and escape every element of every array in Python, the store's JSON of each import record
    included: a third of the import's CPU on PostgreSQL (py-spy, bench/import.py)."""
    quote = connection.ops.quote_name
    table, key = quote(opts.db_table), opts.pk.column
    columns = ", ".join(quote(column) for column in [key, *(field.column for field in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, key, len(rows)],
        )
        keys = [pk for (pk,) in cursor.fetchall()]
        # COPY goes round Django's cursor wrapper: its errors are Django's all the same.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for pk, values in zip(keys, rows, strict=True):
                copy.write_row([pk, *values])
    return keys


def _plain_rows(objs, fields, connection) -> list[list] | None:
    """Each object's values as the driver takes them; None when one needs the SQL compiler."""
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    try:
        return [[_db_value(obj, field, connection) for field in fields] for obj in objs]
    except _NotPlain:
        return None


def _db_value(obj: Model, field, connection):
    value = field.pre_save(obj, add=True)
    if isinstance(value, DatabaseDefault):
        default = field.db_default
        if hasattr(default, "resolve_expression"):
            raise _NotPlain
        setattr(obj, field.attname, default)  # what the row will hold, as bulk_create returns it
        value = default
    elif hasattr(value, "resolve_expression"):
        raise _NotPlain
    return field.get_db_prep_save(value, connection)
