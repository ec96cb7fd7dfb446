"""Read-only queries behind the clerk's review queue."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from catalog.models import Product
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
