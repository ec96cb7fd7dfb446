"""Bulk inserts of new rows for the import's hot path.

`QuerySet.bulk_create` builds its statement value by value through the SQL compiler (a
placeholder, an expression check and a flattening step for every field of every row): writing a
page of 200 store orders spent about 40 % of its time there (py-spy, bench/import.py). Here the
statement is built once per batch size and only the values go through each field's own
`pre_save` and `get_db_prep_save`, as Django would send them. Same result as bulk_create for new
objects: their auto primary keys are set (RETURNING, in row order as bulk_create relies on too),
related objects saved meanwhile are picked up, `auto_now(_add)` fields are stamped. No signals,
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

    statements = _unnest(connection, opts, fields, rows) or _values(connection, opts, fields, rows)
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        done = 0
        for sql, params, count in statements:
            cursor.execute(sql, params)
            for obj, (pk,) in zip(objs[done : done + count], cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = using
            done += count
    return objs


def _head(connection, opts, fields) -> tuple[str, str]:
    # Only the model's own table and column names go into the statement; every value is a parameter.
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    return f"INSERT INTO {quote(opts.db_table)} ({columns}) ", f" RETURNING {quote(opts.pk.column)}"


def _values(connection, opts, fields, rows):
    """Multi-row VALUES, as many rows a statement as the backend takes parameters."""
    head, tail = _head(connection, opts, fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        params = [value for values in chunk for value in values]
        yield head + "VALUES " + ", ".join([row] * len(chunk)) + tail, params, len(chunk)


def _unnest(connection, opts, fields, rows):
    """PostgreSQL: one array a column (what bulk_create does there too), so the statement has a
    parameter per column, not per value, and the driver need not parse thousands of them."""
    if connection.vendor != "postgresql" or len(rows) < 2:
        return None
    kinds = [(f.target_field if f.is_relation else f).get_internal_type() for f in fields]
    if any(kind not in connection.data_types for kind in kinds):
        return None
    # Without the length (varchar, not varchar(50)), so no value is cut to fit the array's type.
    arrays = ", ".join(f"(%s)::{field.db_type(connection).split('(')[0]}[]" for field in fields)
    head, tail = _head(connection, opts, fields)
    sql = f"{head}SELECT * FROM UNNEST({arrays}){tail}"  # noqa: S608 (names and types only)
    return [(sql, [list(column) for column in zip(*rows, strict=True)], len(rows))]


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
