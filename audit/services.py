"""The audit trail: one append-only entry per thing a person (or a store's verdict) did."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry

Action = AuditEntry.Action


def record_audit(
    *, actor, action: str, obj: models.Model, changes: dict | None = None, note: str = ""
) -> AuditEntry:
    """Write who (`actor`, None for the system) did `action` to `obj`, with what changed.

    Call it inside the service's own transaction, so an operation that rolls back leaves no
    entry and one that commits always has one. `changes` is {field: [before, after]}; callers
    must never pass secrets.
    """
    entry = audit_entry(actor=actor, action=action, obj=obj, changes=changes, note=note)
    entry.save(force_insert=True)
    return entry


def audit_entry(
    *, actor, action: str, obj: models.Model, changes: dict | None = None, note: str = ""
) -> AuditEntry:
    """The entry record_audit would write, unsaved, for services that write many at once."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes={key: [_plain(before), _plain(after)] for key, (before, after) in (changes or {}).items()},
        note=note,
    )


def record_audits(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Write entries built by audit_entry in one statement, inside the caller's transaction."""
    return AuditEntry.objects.bulk_create(entries)


def diff(before: models.Model, after: models.Model, fields: Iterable[str]) -> dict:
    """{field: (before, after)} for the fields whose value differs between two copies of a row."""
    changed = {}
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            changed[name] = (old, new)
    return changed


def _plain(value):
    """A JSON-safe rendering of a field value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def history(obj: models.Model):
    """The entries about one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), object_id=str(obj.pk)
    ).select_related("actor")
