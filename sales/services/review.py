"""The clerk's edits on the review page, while a sale is in Revisão pendente: freight and discount,
payment terms and seller, another product on a line; and the note that something needs a look."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action, diff, record_audit
from catalog.models import Product
from catalog.services import product_label

from ..models import MAX_INSTALLMENTS, Sale, SaleItem, first_due_date_problem
from ..signals import sale_item_product_replaced
from .amounts import set_amounts
from .refusals import SaleError, ensure_pending


def save_sale_changes(sale: Sale, fields: Iterable[str], *, by=None) -> Sale:
    """Save what a clerk edited on a pending sale: only those fields and the total, never the status.

    `sale` may be stale (a form loaded a moment ago): the row is locked and must still be pending,
    so an edit racing a confirm can neither revert the confirmation nor change a booked sale.
    """
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        ensure_pending(locked)
        set_amounts(sale, items=locked.items_amount)
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
    same moment either sees the old terms or refuses); installments go from 1 to 120, and the first
    due date falls between the sale date and ten years after it.
    """
    if not 1 <= installments <= MAX_INSTALLMENTS:
        raise SaleError(_("Installments must be between 1 and %(max)s.") % {"max": MAX_INSTALLMENTS})
    if payment_method not in Sale.PaymentMethod.values:
        raise SaleError(_("Unknown payment method: %(method)s.") % {"method": payment_method})
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        ensure_pending(locked)
        if problem := first_due_date_problem(locked.sale_date, first_due_date):
            raise SaleError(problem)
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

    The store's side is not the books' business: the apps that link store products listen to
    sale_item_product_replaced and say how many of their links they moved.
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
        responses = sale_item_product_replaced.send(
            sender=Sale, sale=locked, item=current, previous=previous, product=product
        )
        moved = sum(response for _receiver, response in responses if isinstance(response, int))
        record_audit(
            actor=by,
            action=Action.SALE_ITEM_PRODUCT_CHANGED,
            obj=locked,
            changes={f"items.{current.position}.product": (product_label(previous), product_label(product))},
        )
    return ProductSwap(item=current, previous=previous, store_links_moved=moved)


def flag_for_attention(sale: Sale, *, note: str) -> Sale:
    """Something a person must look at on this sale (the store changed the order after it was
    confirmed, …): the note is added to attention_reason, one note per line, earlier ones kept."""
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        locked.attention_reason = f"{locked.attention_reason}\n{note}".strip()
        locked.save(update_fields=["attention_reason", "updated_at"])
    return locked


def flag_store_change(sale: Sale, *, note: str, at=None) -> Sale:
    """The store changed the order after the import in a way a person must decide on (cancelled
    or refunded after the confirmation, a partial refund, paid again): the sale is flagged with the
    note and shows under "Changed at the store"; its books are not touched. Audited as done by the
    store (no user), with the note naming it."""
    with transaction.atomic():
        locked = Sale.objects.select_for_update().get(pk=sale.pk)
        locked.attention_reason = f"{locked.attention_reason}\n{note}".strip()
        locked.store_changed_at = at or timezone.now()
        locked.save(update_fields=["attention_reason", "store_changed_at", "updated_at"])
        record_audit(actor=None, action=Action.SALE_CHANGED, obj=locked, note=note)
    return locked
