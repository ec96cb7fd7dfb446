"""Read-only queries behind the clerk's review queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import history
from catalog.models import Product
from core.templatetags.money import brl
from customers.models import Customer

from .models import Sale, SaleItem

# The queue is worked oldest first, so no paid order waits behind newer ones.
QUEUE_ORDERING = ("sale_date", "number")


def with_review_flags(sales: QuerySet[Sale]) -> QuerySet[Sale]:
    """Annotate what a clerk scans in the queue, in the list's single query (no query per row):

    - `items_count`: how many lines the sale has;
    - `has_imported_product`: a line's product was created by a store import (maybe a duplicate
      of a product already in the catalogue);
    - `possible_duplicate_customer`: another customer has the same CPF/CNPJ under another name
      (the import creates a new customer then, as the help pages say).
    The customer's own origin and the store's total come with the row (select_related, fields).
    """
    other_customer_same_document = Customer.objects.filter(document=OuterRef("customer__document")).exclude(
        Q(pk=OuterRef("customer_id")) | Q(name_key=OuterRef("customer__name_key"))
    )
    imported_product_line = SaleItem.objects.filter(
        sale=OuterRef("pk"), product__origin=Product.Origin.IMPORT
    )
    return sales.annotate(
        items_count=Count("items", distinct=True),
        has_imported_product=Exists(imported_product_line),
        possible_duplicate_customer=Exists(other_customer_same_document.exclude(document="")),
    )


def next_pending_sale(after: Sale) -> Sale | None:
    """The pending sale that follows `after` in queue order; wraps to the oldest pending one."""
    pending = Sale.objects.filter(status=Sale.Status.REVIEW_PENDING).exclude(pk=after.pk)
    later = pending.filter(
        Q(sale_date__gt=after.sale_date) | Q(sale_date=after.sale_date, number__gt=after.number)
    )
    return later.order_by(*QUEUE_ORDERING).first() or pending.order_by(*QUEUE_ORDERING).first()


def customers_sharing_document(customer: Customer) -> list[Customer]:
    """Other customers with this customer's CPF/CNPJ under another name: maybe the same person."""
    if not customer.document:
        return []
    return list(
        Customer.objects.filter(document=customer.document)
        .exclude(Q(pk=customer.pk) | Q(name_key=customer.name_key))
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    who: str
    action: str
    changes: list[tuple[str, str, str]]  # (what, before, after), as the clerk reads them
    note: str


def sale_history(sale: Sale) -> list[HistoryLine]:
    """The audit trail of one sale, newest first, in words: terms, products swapped or removed, confirm."""
    entries = list(history(sale))
    user_ids = {
        value for entry in entries for value in entry.changes.get("seller_id", []) if isinstance(value, int)
    }
    users = {user.pk: str(user) for user in get_user_model().objects.filter(pk__in=user_ids)}
    return [
        HistoryLine(
            when=entry.created_at,
            who=str(entry.actor) if entry.actor else _("the system"),
            action=entry.get_action_display(),
            changes=[
                (_change_label(key), _change_value(key, before, users), _change_value(key, after, users))
                for key, (before, after) in entry.changes.items()
            ],
            note=entry.note,
        )
        for entry in entries
    ]


def _change_label(key: str) -> str:
    if key.startswith("items.") and key.endswith(".product"):
        return _("product of item %(line)s") % {"line": key.split(".")[1]}
    if key == "product":
        return _("product")
    try:
        return str(Sale._meta.get_field(key.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return key


def _change_value(key: str, value, users: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if key == "seller_id":
        return users.get(value, str(value))
    try:
        field = Sale._meta.get_field(key)
    except FieldDoesNotExist:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DecimalField":
        return brl(value)
    if field.get_internal_type() == "DateField":
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return str(value)
