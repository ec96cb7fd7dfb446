"""Read-only queries behind the clerk's review queue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import history
from catalog.models import Product
from core.formatting import brl
from core.request_ids import parse_id
from customers.documents import searched_document
from customers.models import Customer, normalise_name

from .models import BulkConfirmation, Sale, SaleItem

# The queue is worked oldest first, so no paid order waits behind newer ones; served by the
# (status, sale_date, number) index. Every other list is newest first, served by (sale_date, number).
QUEUE_ORDERING = ("sale_date", "number")
LIST_ORDERING = ("-sale_date", "-number")


def with_review_flags(sales: QuerySet[Sale]) -> QuerySet[Sale]:
    """Annotate what a clerk scans in the queue, in one query (no query per row):

    - `items_count`: how many lines the sale has;
    - `has_imported_product`: a line's product was created by a store import (maybe a duplicate
      of a product already in the catalogue);
    - `possible_duplicate_customer`: another customer has the same CPF/CNPJ under another name
      (the import creates a new customer then, as the help pages say);
    - `new_customer`: the import created the customer with this very sale, i.e. the customer came
      from an import and has no earlier sale (their later sales are of a known customer);
    - `short_of_stock`: some product's quantity on the sale (its lines added up) exceeds the
      product's stock now, so confirming it with the stock check on is refused.
    The store's total comes with the row.
    """
    other_customer_same_document = Customer.objects.filter(document=OuterRef("customer__document")).exclude(
        Q(pk=OuterRef("customer_id")) | Q(name_key=OuterRef("customer__name_key"))
    )
    imported_product_line = SaleItem.objects.filter(
        sale=OuterRef("pk"), product__origin=Product.Origin.IMPORT
    )
    items = SaleItem.objects.filter(sale=OuterRef("pk")).order_by().values("sale").annotate(n=Count("pk"))
    earlier_sale_of_customer = Sale.objects.filter(customer=OuterRef("customer_id"), pk__lt=OuterRef("pk"))
    product_short = (
        SaleItem.objects.filter(sale=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(needed=Sum("quantity"))
        .filter(needed__gt=F("product__stock_quantity"))
    )
    return sales.annotate(
        items_count=Subquery(items.values("n"), output_field=IntegerField()),
        has_imported_product=Exists(imported_product_line),
        # A CASE, so a customer without a document never looks up the (many) others without one.
        possible_duplicate_customer=Case(
            When(customer__document="", then=Value(False)),
            default=Exists(other_customer_same_document),
            output_field=BooleanField(),
        ),
        new_customer=Case(
            When(customer__origin=Customer.Origin.IMPORT, then=~Exists(earlier_sale_of_customer)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        short_of_stock=Exists(product_short),
    )


REVIEW_FLAGS = (
    "items_count",
    "has_imported_product",
    "possible_duplicate_customer",
    "new_customer",
    "short_of_stock",
)


def review_flags(sale: Sale) -> Sale:
    """with_review_flags for one sale (the review page), set on the instance given."""
    return attach_review_flags([sale])[0]


def attach_review_flags(sales: list[Sale]) -> list[Sale]:
    """with_review_flags for a page of sales already read, in one query over their primary keys.

    The list pages first read their 50 rows in index order, then flag just those: annotating the
    list's own query would make SQLite compute the flags of every filtered sale before sorting.
    """
    flags = {
        pk: values
        for pk, *values in with_review_flags(Sale.objects.filter(pk__in=[sale.pk for sale in sales]))
        .order_by()
        .values_list("pk", *REVIEW_FLAGS)
    }
    for sale in sales:
        for name, value in zip(REVIEW_FLAGS, flags[sale.pk], strict=True):
            setattr(sale, name, value)
    return sales


def next_pending_sale(after: Sale, *, passed_over: Iterable[int] = ()) -> Sale | None:
    """The pending sale that follows `after` in queue order, wrapping to the oldest pending one, and
    never one of `passed_over`: the sales the clerk skipped (*Pular*) or saw refused in this round of
    *Confirmar e próxima*, so the round ends instead of coming back to them."""
    pending = Sale.objects.filter(status=Sale.Status.REVIEW_PENDING).exclude(pk__in=[after.pk, *passed_over])
    later = pending.filter(
        Q(sale_date__gt=after.sale_date) | Q(sale_date=after.sale_date, number__gt=after.number)
    )
    return later.order_by(*QUEUE_ORDERING).first() or pending.order_by(*QUEUE_ORDERING).first()


def round_passed_over(raw: str) -> list[int]:
    """The sales passed over in this round, as the review page carries them ("12,15"); anything
    that is not a sale id is ignored."""
    ids = (parse_id(part) for part in raw.split(","))
    return list(dict.fromkeys(pk for pk in ids if pk))[:500]


@dataclass(frozen=True)
class BulkConfirmationQuestion:
    sales: list[Sale]  # the first LISTED of the selection, in queue order
    count: int
    total: Decimal
    not_pending: int  # selected but already confirmed or cancelled: they will be listed as refused

    @property
    def more(self) -> int:
        return self.count - len(self.sales)


# The "are you sure" page names this many sales; past it, it says how many more and the sum of all.
LISTED = 200


def bulk_confirmation_question(selected: QuerySet[Sale]) -> BulkConfirmationQuestion:
    """What "Confirmar vendas selecionadas" is about to book, for the clerk to see before it does:
    each sale's customer, total, payment method and installments, and the sum of them all."""
    selected = selected.order_by()
    figures = selected.aggregate(
        count=Count("pk"),
        total=Sum("total_amount"),
        not_pending=Count("pk", filter=~Q(status=Sale.Status.REVIEW_PENDING)),
    )
    listed = list(selected.select_related("customer").order_by(*QUEUE_ORDERING)[:LISTED])
    return BulkConfirmationQuestion(
        sales=listed,
        count=figures["count"],
        total=figures["total"] or Decimal("0"),
        not_pending=figures["not_pending"],
    )


def sales_confirmed_in_batch(batch: BulkConfirmation) -> list[Sale]:
    """The sales a bulk confirmation booked so far: those it went through, less those it listed as
    staying pending, in the order they were selected."""
    failed = {failure["sale"] for failure in batch.failures}
    ids = [pk for pk in batch.sale_ids[: batch.processed] if pk not in failed]
    found = Sale.objects.filter(pk__in=ids, status=Sale.Status.CONFIRMED).select_related("customer").in_bulk()
    return [found[pk] for pk in ids if pk in found]


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


def search_sales(sales: QuerySet[Sale], term: str) -> QuerySet[Sale]:
    """The sales list's search box, each kind of term answered by an index (no scan of the sales):

    - digits (a leading # allowed): the sale number, the store's order number, and, when it has
      the length of a CPF (11) or CNPJ (14), the customers with that document;
    - a CPF/CNPJ typed with dots, dashes and slashes (or an alphanumeric CNPJ): that document;
    - anything else: customers whose name *starts with* the term (case and extra spaces ignored),
      e.g. "maria si" finds "Maria Silva". A match in the middle of a name ("silva") would need
      reading every customer's name (LIKE '%…%' has no btree index on either database; a trigram
      index is PostgreSQL-only), so it is left out.
    """
    term = " ".join(term.split())
    if not term:
        return sales
    document = searched_document(term)
    is_document = bool(document)
    code = term.removeprefix("#").strip()
    if code.isascii() and code.isdigit():
        match = Q(external_number=code)
        if len(code) <= 18:
            match |= Q(number=int(code))
        if is_document:
            match |= Q(customer_id__in=_customers_with_document(document))
        return sales.filter(match)
    if is_document:
        return sales.filter(customer_id__in=_customers_with_document(document))
    named = Customer.objects.filter(name_key__startswith=normalise_name(term))
    if named[:COMMON_NAME].count() < COMMON_NAME:
        # A rare start: read those customers' few sales through the customer index, then sort them.
        return sales.filter(customer_id__in=named.values("pk"))
    # A common start ("maria"): its sales are everywhere, so walking the list's own ordering index
    # and keeping each sale whose customer matches fills a page long before collecting and sorting
    # all of theirs would. `customer_id + 0` keeps both planners off the customer index.
    customer = ExpressionWrapper(F("customer_id") + 0, output_field=BigIntegerField())
    return sales.alias(customer_key=customer).filter(customer_key__in=named.values("pk"))


# How many customers a name's start must match to count as common (see search_sales).
COMMON_NAME = 200


def _customers_with_document(document: str) -> list[int]:
    # A list, not a subquery: inside an OR with the sales' own columns, PostgreSQL can then use an
    # index for each branch (a bitmap OR) instead of filtering every sale through a subplan.
    return list(Customer.objects.filter(document=document).values_list("pk", flat=True)[:100])


def eligible_sellers(*, keeping=None) -> QuerySet:
    """Who may be named the seller of a sale, on every form: active staff accounts. `keeping` (the
    seller the sale names now) stays acceptable, so a sale whose seller has left can still be
    saved without choosing another; no one else outside the rule is listed or accepted."""
    rule = Q(is_active=True, is_staff=True)
    if keeping is not None:
        rule |= Q(pk=keeping)
    return get_user_model().objects.filter(rule).order_by("username")
