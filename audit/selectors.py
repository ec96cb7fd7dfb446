"""What the audit trail shows people: the kinds of objects they follow, and changes in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext

from core.formatting import brl, format_quantity

# The objects people act on in the back office. The trail may hold others (sign-in factors, the
# task queue's schedules, the stores' sandboxes); the object-type filter offers only these.
FOLLOWED_MODELS = (
    "sales.sale",
    "sales.receivable",
    "catalog.product",
    "catalog.stockmovement",
    "catalog.stocksettings",
    "customers.customer",
    "integrations.integration",
    "integrations.importrecord",
)


def followed_object_types() -> list[tuple[int, str]]:
    """(content type id, the kind's plural name) of the installed models people follow in the trail,
    sorted by name: the audit trail's object-type filter offers these and nothing else."""
    installed = [apps.get_model(label) for label in FOLLOWED_MODELS if _installed(label)]
    types = ContentType.objects.get_for_models(*installed, for_concrete_models=True)
    return sorted(
        (
            (content_type.pk, capfirst(model._meta.verbose_name_plural))
            for model, content_type in types.items()
        ),
        key=lambda pair: str(pair[1]),
    )


def _installed(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes_in_words(model: type[models.Model] | None, changes: dict) -> list[Change]:
    """An entry's {field: [before, after]} as a person reads it: the field's name, a choice's label,
    money as R$ 1.234,56, dates as dd/mm/aaaa; a key that is no field of the model stays as written."""
    return [
        Change(_label(model, key), _value(model, key, before), _value(model, key, after))
        for key, (before, after) in changes.items()
    ]


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key.removesuffix("_id"))
    except FieldDoesNotExist:
        return None


def _label(model, key: str) -> str:
    field = _field(model, key)
    return str(capfirst(field.verbose_name)) if field is not None else key


def _value(model, key: str, value) -> str:
    if value is None or value == "":
        return "—"
    field = _field(model, key)
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return gettext("Yes") if value in (True, "True", "true") else gettext("No")
    try:
        if kind == "DecimalField":
            # Two places are money (prices, amounts); more are quantities, shown without useless zeros.
            return brl(value) if field.decimal_places == 2 else format_quantity(Decimal(str(value)))
        if kind == "DateField":
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        if kind == "DateTimeField":
            return date_format(datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT")
    except (InvalidOperation, TypeError, ValueError):
        pass
    return str(value)
