"""Confirming sales: the rules behind "Confirmar venda" and "Confirmar vendas selecionadas".

A confirm turns a sale in Revisão pendente into a real one, in one transaction: receivables for
the total (items + freight − discount), one per installment, due a month apart, cents balanced;
one stock movement out per item; the sale confirmed, by whom and when, and an audit entry.
It is atomic (a refusal writes nothing), row-locked (the sale, then its products, in
primary-key order, so concurrent confirms neither double-book nor deadlock) and idempotent (a
second click, worker or bulk run finds the sale confirmed and changes nothing). With the stock
check on, a sale short of stock is refused with every shortage listed.

There is one implementation: `confirm_sales` books a chunk of sales at a time, and `confirm_sale`
(the name other tools rely on) is that same path with one sale, raising its refusal.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action, audit_entry, record_audits
from catalog import services as catalog_services

from ..models import CENT, Receivable, Sale, SaleItem, to_cents
from .amounts import items_amount, set_amounts
from .refusals import (
    DueDatesOutOfRange,
    InsufficientStock,
    SaleError,
    SaleHasNoItems,
    UnexpectedConfirmFailure,
    ensure_pending,
)
from .review import update_sale_terms

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    amount: Decimal


def installment_plan(total: Decimal, installments: int, first_due_date: date) -> list[Installment]:
    """Split `total` into `installments` due a calendar month apart, adding up to the cent.

    Every installment is the total divided evenly, rounded down to the cent; the cents left over
    go one each to the first installments (100.00 in 3 → 33.34, 33.33, 33.33). Due dates past the
    calendar's end (a first due date of 31/12/9999) are refused with DueDatesOutOfRange.
    """
    if installments < 1:
        raise ValueError("installments must be at least 1")
    total_cents = int((to_cents(total) / CENT).to_integral_value())
    base, remainder = divmod(total_cents, installments)
    try:
        due_dates = [first_due_date + relativedelta(months=index) for index in range(installments)]
    except (OverflowError, ValueError) as error:
        raise DueDatesOutOfRange(
            _("The installments would fall due after 31/12/9999; correct the first due date.")
        ) from error
    return [
        Installment(
            number=index + 1,
            due_date=due_date,
            amount=(Decimal(base + (1 if index < remainder else 0)) * CENT).quantize(CENT),
        )
        for index, due_date in enumerate(due_dates)
    ]


@dataclass(frozen=True)
class ConfirmOutcome:
    sale: Sale
    confirmed: bool
    message: str
    error: SaleError | None = None


def confirm_sale(sale: Sale, user) -> Sale:
    """Turn a pending sale into a real one: receivables and stock movements, in one transaction.

    Locks the sale row, so a second click, a second worker or a bulk action racing a single
    confirm finds it confirmed and changes nothing (SaleNotPending). With the stock check on,
    every item short of stock is listed and nothing is written (InsufficientStock); a sale with
    no items is refused (SaleHasNoItems). Returns the confirmed sale.
    """
    (outcome,) = _confirm_chunk([sale], user)
    if outcome.error is not None:
        raise outcome.error
    return outcome.sale


def confirm_sale_with_terms(sale: Sale, *, user, **terms) -> Sale:
    """The review page's "Confirmar venda": save the clerk's terms and confirm, or change nothing."""
    with transaction.atomic():
        update_sale_terms(sale, **terms, by=user)
        return confirm_sale(sale, user)


# Sales confirmed per transaction by confirm_sales: large enough that the per-statement cost is
# spread thin, small enough that the locks it holds are short and a progress page moves.
CONFIRM_CHUNK = 200


def confirm_sales(sales: Iterable[Sale], user) -> list[ConfirmOutcome]:
    """Confirm many sales, in order, with confirm_sale's rules; one refusal does not stop the others.

    Works a chunk at a time (one transaction each): the chunk's sales are locked, their items
    and products read once, and each sale checked in turn against the stock the sales before it
    left, so a sale short of stock is refused alone, with confirm_sale's message, and the next
    ones still confirm. Receivables, stock movements and audit entries are inserted in bulk and
    each product's stock goes down once per chunk.
    """
    outcomes = []
    pending = iter(sales)
    while chunk := list(islice(pending, CONFIRM_CHUNK)):
        outcomes.extend(_confirm_chunk(chunk, user))
    return outcomes


@transaction.atomic
def _confirm_chunk(sales: list[Sale], user) -> list[ConfirmOutcome]:
    # Sales then products, each in primary-key order: two chunks never wait on each other crosswise.
    locked = Sale.objects.select_for_update().filter(pk__in={sale.pk for sale in sales}).order_by("pk")
    locked = {sale.pk: sale for sale in locked}
    items_of = defaultdict(list)
    pending_ids = [pk for pk, sale in locked.items() if sale.is_pending]
    for item in SaleItem.objects.filter(sale_id__in=pending_ids).order_by("sale_id", "position", "pk"):
        items_of[item.sale_id].append(item)
    products = {
        product.pk: product
        for product in catalog_services.lock_products(
            item.product_id for items in items_of.values() for item in items
        )
    }
    stock = {pk: product.stock_quantity for pk, product in products.items()}
    check_stock = catalog_services.stock_check_enabled() if products else False

    outcomes, confirmed, receivables, out_lines = [], [], [], []
    now = timezone.now()
    for sale in sales:
        if sale.pk not in locked:
            raise Sale.DoesNotExist(f"Sale pk={sale.pk} does not exist.")
        current = locked[sale.pk]
        items = items_of[current.pk]
        try:
            plan, lines, total = _plan_confirmation(current, items, products, stock if check_stock else None)
        except SaleError as error:
            outcomes.append(ConfirmOutcome(sale=sale, confirmed=False, message=str(error), error=error))
            continue
        except Exception as error:
            # A sale no rule foresaw failing stays pending with its reason; the chunk goes on.
            logger.exception("Confirming sale %s failed", current.number)
            refusal = UnexpectedConfirmFailure(current, error)
            outcomes.append(ConfirmOutcome(sale=sale, confirmed=False, message=str(refusal), error=refusal))
            continue
        for product_id, quantity in catalog_services.requested_quantities(lines).items():
            stock[product_id] -= quantity
        if total != current.items_amount:
            # The receivables are for the items as they are now, so the stored amounts follow them.
            set_amounts(current, items=total)
            Sale.objects.filter(pk=current.pk).update(
                items_amount=current.items_amount, total_amount=current.total_amount
            )
        receivables.extend(
            Receivable(
                sale=current,
                number=part.number,
                due_date=part.due_date,
                amount=part.amount,
                payment_method=current.payment_method,
                integration_id=current.integration_id,
            )
            for part in plan
        )
        out_lines.extend((current, item, products[item.product_id], item.quantity) for item in items)
        current.status = Sale.Status.CONFIRMED
        current.confirmed_by = user
        current.confirmed_at = current.updated_at = now
        confirmed.append(current)
        message = _("Sale %(number)s confirmed.") % {"number": current.number}
        outcomes.append(ConfirmOutcome(sale=current, confirmed=True, message=message))

    if confirmed:
        Receivable.objects.bulk_create(receivables)
        catalog_services.record_sales_out(user=user, lines=out_lines)
        Sale.objects.filter(pk__in=[sale.pk for sale in confirmed]).update(
            status=Sale.Status.CONFIRMED, confirmed_by=user, confirmed_at=now, updated_at=now
        )
        record_audits(
            audit_entry(
                actor=user,
                action=Action.SALE_CONFIRMED,
                obj=sale,
                changes={"status": (Sale.Status.REVIEW_PENDING, Sale.Status.CONFIRMED)},
            )
            for sale in confirmed
        )
    return outcomes


def _plan_confirmation(current: Sale, items: list[SaleItem], products: dict, stock: dict | None):
    """What confirming one locked sale would write, or its refusal: (installments, lines, items
    amount). Nothing is changed here, so a refused sale leaves no trace in its chunk."""
    ensure_pending(current)
    if not items:
        raise SaleHasNoItems(_("Sale %(number)s has no items.") % {"number": current.number})
    lines = [(products[item.product_id], item.quantity) for item in items]
    if stock is not None:
        shortages = catalog_services.shortages_against(lines, stock)
        if shortages:
            raise InsufficientStock(shortages)
    total = items_amount(items)
    amounts = Sale(
        items_amount=total,
        shipping_amount=current.shipping_amount,
        discount_amount=current.discount_amount,
    )
    set_amounts(amounts, items=total)
    plan = []
    if amounts.total_amount > 0:
        plan = installment_plan(amounts.total_amount, current.installments, current.first_due_date)
    return plan, lines, total
