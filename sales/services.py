from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action, diff, record_audit
from catalog import services as catalog_services
from catalog.models import Product
from catalog.services import Shortage, product_label
from integrations.product_links import repoint_store_product

from .models import CENT, Receivable, Sale, SaleItem, SaleNumber, to_cents


class SaleError(Exception):
    """A sale operation refused; the message is for the person who asked."""


class SaleNotPending(SaleError):
    pass


class SaleHasNoItems(SaleError):
    pass


class InsufficientStock(SaleError):
    def __init__(self, shortages: Sequence[Shortage]):
        self.shortages = list(shortages)
        super().__init__("; ".join(str(shortage) for shortage in self.shortages))


@dataclass(frozen=True)
class ItemLine:
    product: object  # catalog.Product
    quantity: Decimal
    unit_price: Decimal
    details: str = ""


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    amount: Decimal


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


def items_amount(lines: Iterable) -> Decimal:
    """Sum of each line's quantity × unit price, each line rounded to the cent."""
    return sum((to_cents(line.quantity * line.unit_price) for line in lines), Decimal("0.00"))


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
        items = items_amount(self.lines)
        shipping = to_cents(self.shipping_amount)
        discount = to_cents(self.discount_amount)
        return Sale(
            customer=self.customer,
            seller=self.seller,
            sale_date=sale_date,
            payment_method=self.payment_method,
            installments=self.installments,
            first_due_date=self.first_due_date or sale_date,
            items_amount=items,
            shipping_amount=shipping,
            discount_amount=discount,
            total_amount=items + shipping - discount,
            notes=self.notes,
            **self.store_fields,
        )


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
    Sale.objects.bulk_create(sales)
    SaleItem.objects.bulk_create(
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


def recalculate_totals(sale: Sale) -> Sale:
    """Recompute items and total from the sale's items, after items, freight or discount changed."""
    sale.items_amount = items_amount(sale.items.all())
    sale.total_amount = sale.items_amount + sale.shipping_amount - sale.discount_amount
    Sale.objects.filter(pk=sale.pk).update(items_amount=sale.items_amount, total_amount=sale.total_amount)
    return sale


def refresh_total(sale: Sale) -> Sale:
    """Recompute the total in memory (items + freight − discount) before saving freight or discount."""
    sale.shipping_amount = to_cents(sale.shipping_amount)
    sale.discount_amount = to_cents(sale.discount_amount)
    sale.total_amount = sale.items_amount + sale.shipping_amount - sale.discount_amount
    return sale


MAX_INSTALLMENTS = 120


def save_sale_changes(sale: Sale, fields: Iterable[str], *, by=None) -> Sale:
    """Save what a clerk edited on a pending sale: only those fields and the total, never the status.

    `sale` may be stale (a form loaded a moment ago): the row is locked and must still be pending,
    so an edit racing a confirm can neither revert the confirmation nor change a booked sale.
    """
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        ensure_pending(locked)
        sale.items_amount = locked.items_amount
        refresh_total(sale)
        saved = [*fields, "shipping_amount", "discount_amount", "total_amount"]
        sale.save(update_fields=[*saved, "updated_at"])
        changes = diff(locked, sale, saved)
        if changes:
            record_audit(actor=by, action=Action.SALE_CHANGED, obj=sale, changes=changes)
    return sale


def update_sale_terms(
    sale: Sale, *, payment_method: str, installments: int, first_due_date: date, seller, by=None
) -> Sale:
    """Change how a pending sale is paid and who sold it, before it is confirmed.

    Only a sale in Revisão pendente can change (the row is locked, so a confirm running at the
    same moment either sees the old terms or refuses); installments go from 1 to 120.
    """
    if not 1 <= installments <= MAX_INSTALLMENTS:
        raise SaleError(_("Installments must be between 1 and %(max)s.") % {"max": MAX_INSTALLMENTS})
    if payment_method not in Sale.PaymentMethod.values:
        raise SaleError(_("Unknown payment method: %(method)s.") % {"method": payment_method})
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        ensure_pending(locked)
        before = Sale(
            payment_method=locked.payment_method,
            installments=locked.installments,
            first_due_date=locked.first_due_date,
            seller_id=locked.seller_id,
        )
        locked.payment_method = payment_method
        locked.installments = installments
        locked.first_due_date = first_due_date
        locked.seller = seller
        locked.save(
            update_fields=["payment_method", "installments", "first_due_date", "seller", "updated_at"]
        )
        changes = diff(before, locked, ["payment_method", "installments", "first_due_date", "seller_id"])
        if changes:
            record_audit(actor=by, action=Action.SALE_TERMS_CHANGED, obj=locked, changes=changes)
    return locked


@dataclass(frozen=True)
class ProductSwap:
    item: SaleItem
    previous: Product
    store_links_moved: int


def replace_item_product(item: SaleItem, product: Product, *, by=None) -> ProductSwap:
    """The clerk picks another product for a line of a pending sale (one of the catalogue instead of
    the one the import created).

    The sale row is locked and must still be pending, so a swap racing a confirm either lands
    before the stock movement is written or is refused. The store's product behind the line is
    linked to the chosen product too, so that store's next orders of it come in with it. Recorded
    in the audit trail: which line, the product before and after.
    """
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=item.sale_id)
        ensure_pending(locked)
        current = SaleItem.objects.select_related("product").get(pk=item.pk, sale=locked)
        previous = current.product
        if previous.pk == product.pk:
            return ProductSwap(item=current, previous=previous, store_links_moved=0)
        current.product = product
        current.save(update_fields=["product"])
        moved = repoint_store_product(locked, current, previous=previous, product=product)
        record_audit(
            actor=by,
            action=Action.SALE_ITEM_PRODUCT_CHANGED,
            obj=locked,
            changes={f"items.{current.position}.product": (product_label(previous), product_label(product))},
        )
    return ProductSwap(item=current, previous=previous, store_links_moved=moved)


def ensure_pending(locked: Sale) -> None:
    if locked.status != Sale.Status.REVIEW_PENDING:
        raise SaleNotPending(
            _("Sale %(number)s is not pending review (it is %(status)s); nothing was changed.")
            % {"number": locked.number, "status": locked.get_status_display().lower()}
        )


def installment_plan(total: Decimal, installments: int, first_due_date: date) -> list[Installment]:
    """Split `total` into `installments` due a calendar month apart, adding up to the cent.

    Every installment is the total divided evenly, rounded down to the cent; the cents left over
    go one each to the first installments (100.00 in 3 → 33.34, 33.33, 33.33).
    """
    if installments < 1:
        raise ValueError("installments must be at least 1")
    total_cents = int((to_cents(total) / CENT).to_integral_value())
    base, remainder = divmod(total_cents, installments)
    return [
        Installment(
            number=index + 1,
            due_date=first_due_date + relativedelta(months=index),
            amount=(Decimal(base + (1 if index < remainder else 0)) * CENT).quantize(CENT),
        )
        for index in range(installments)
    ]


def confirm_sale(sale: Sale, user) -> Sale:
    """Turn a pending sale into a real one: receivables and stock movements, in one transaction.

    Locks the sale row, so a second click, a second worker or a bulk action racing a single
    confirm finds it confirmed and changes nothing (SaleNotPending). With the stock check on,
    every item short of stock is listed and nothing is written (InsufficientStock). Receivables:
    one per installment, for the total, cents balanced; movements: one out per item.
    """
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        ensure_pending(locked)
        items = list(locked.items.select_related("product").order_by("position", "pk"))
        if not items:
            raise SaleHasNoItems(_("Sale %(number)s has no items.") % {"number": locked.number})
        products = {
            product.pk: product for product in catalog_services.lock_products(i.product_id for i in items)
        }
        if catalog_services.stock_check_enabled():
            shortages = catalog_services.find_shortages((products[i.product_id], i.quantity) for i in items)
            if shortages:
                raise InsufficientStock(shortages)

        recalculate_totals(locked)
        if locked.total_amount > 0:
            Receivable.objects.bulk_create(
                Receivable(sale=locked, number=part.number, due_date=part.due_date, amount=part.amount)
                for part in installment_plan(locked.total_amount, locked.installments, locked.first_due_date)
            )
        catalog_services.record_out(
            sale=locked, user=user, lines=((item, products[item.product_id], item.quantity) for item in items)
        )
        locked.status = Sale.Status.CONFIRMED
        locked.confirmed_by = user
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
        record_audit(
            actor=user,
            action=Action.SALE_CONFIRMED,
            obj=locked,
            changes={"status": (Sale.Status.REVIEW_PENDING, Sale.Status.CONFIRMED)},
        )
    return locked


def cancel_sale(sale: Sale, user, reason: str = "") -> Sale:
    """Cancel a sale still pending review. A confirmed sale has books behind it: not here."""
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        ensure_pending(locked)
        locked.status = Sale.Status.CANCELLED
        locked.cancelled_by = user
        locked.cancelled_at = timezone.now()
        if reason:
            locked.notes = f"{locked.notes}\n{reason}".strip()
        locked.save(update_fields=["status", "cancelled_by", "cancelled_at", "notes", "updated_at"])
        record_audit(
            actor=user,
            action=Action.SALE_CANCELLED,
            obj=locked,
            changes={"status": (Sale.Status.REVIEW_PENDING, Sale.Status.CANCELLED)},
            note=reason,
        )
    return locked


# The receipt services live in their own module; other tools import them from here.
from .receipts import register_receipt, undo_receipt  # noqa: E402, F401
