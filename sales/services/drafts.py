"""New sales in Revisão pendente: from a draft (the import's page, the demo, a test) to numbered rows."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk_insert import insert_new

from ..models import Sale, SaleItem, SaleNumber
from .amounts import items_amount, set_amounts
from .refusals import SaleHasNoItems


@dataclass(frozen=True)
class ItemLine:
    product: object  # catalog.Product
    quantity: Decimal
    unit_price: Decimal
    details: str = ""


def allocate_sale_numbers(count: int = 1) -> int:
    """Reserve `count` consecutive sale numbers; returns the first. Call inside a transaction.

    One UPDATE … RETURNING advances the counter row: it is row-locked (PostgreSQL) or written
    under SQLite's single writer until the transaction ends, so numbers are never handed out twice.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    # Raw SQL because the ORM's update() cannot return the new value; both databases have RETURNING.
    sql = "UPDATE sales_salenumber SET last_number = last_number + %s WHERE id = 1 RETURNING last_number"
    with connection.cursor() as cursor:
        cursor.execute(sql, [count])
        row = cursor.fetchone()
        if row is None:  # the counter's first use
            SaleNumber.objects.get_or_create(pk=1)
            cursor.execute(sql, [count])
            row = cursor.fetchone()
    return row[0] - count + 1


@dataclass
class SaleDraft:
    """A sale to create: what create_sale takes, held until a batch of sales is written at once.

    `store_fields` are the store-import fields: integration, external_id, external_number,
    store_total_amount, attention_reason.
    """

    customer: object  # customers.Customer (saved, or saved before create_sales runs)
    seller: object
    lines: Sequence[ItemLine]
    shipping_amount: Decimal = Decimal("0")
    discount_amount: Decimal = Decimal("0")
    sale_date: date | None = None
    payment_method: str = Sale.PaymentMethod.CASH
    installments: int = 1
    first_due_date: date | None = None
    notes: str = ""
    store_fields: dict = field(default_factory=dict)

    def build(self) -> Sale:
        """The unsaved sale (no number yet), its total computed: items + freight − discount."""
        if not self.lines:
            raise SaleHasNoItems(_("A sale needs at least one item."))
        sale_date = self.sale_date or timezone.localdate()
        sale = Sale(
            customer=self.customer,
            seller=self.seller,
            sale_date=sale_date,
            payment_method=self.payment_method,
            installments=self.installments,
            first_due_date=self.first_due_date or sale_date,
            shipping_amount=self.shipping_amount,
            discount_amount=self.discount_amount,
            notes=self.notes,
            **self.store_fields,
        )
        return set_amounts(sale, items=items_amount(self.lines))


def create_sales(sales: Sequence[Sale], lines: Sequence[Sequence[ItemLine]]) -> list[Sale]:
    """Write built sales (SaleDraft.build) and their items, numbered consecutively in one go.
    Call inside a transaction (the numbers, the sales and their items stand or fall together).

    A batch costs the same few statements whatever its size: one counter update, one insert of
    the sales, one of the items. `lines[i]` are the items of `sales[i]`.
    """
    if not sales:
        return []
    first = allocate_sale_numbers(len(sales))
    for offset, sale in enumerate(sales):
        sale.number = first + offset
    insert_new(Sale, sales)
    insert_new(
        SaleItem,
        [
            SaleItem(
                sale=sale,
                position=position,
                product=line.product,
                details=line.details,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for sale, sale_lines in zip(sales, lines, strict=True)
            for position, line in enumerate(sale_lines, start=1)
        ],
    )
    return list(sales)


@transaction.atomic
def create_sale(**draft) -> Sale:
    """A new sale in Revisão pendente, with its items and its total (items + freight − discount).

    Takes SaleDraft's fields; `store_fields` (integration, external_id, external_number,
    store_total_amount, attention_reason) may be given as keywords.
    """
    known = set(SaleDraft.__dataclass_fields__)
    store_fields = {key: draft.pop(key) for key in list(draft) if key not in known}
    draft = SaleDraft(**draft, store_fields={**draft.pop("store_fields", {}), **store_fields})
    return create_sales([draft.build()], [draft.lines])[0]
