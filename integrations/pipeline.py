"""The import pipeline: store orders in, pending sales (or recorded reasons) out, a page at a time.

Provider-agnostic: it sees StoreOrder, never store JSON. A page is planned in memory against what
it needs from the database, read in a few queries (PageLookups), then written in one transaction
with bulk inserts: each order's customer, products, sale and ImportRecord. Each order is planned
on its own, so a bad order (unreadable, short of stock, an unexpected error) fails alone, with a
failed ImportRecord saying why, retried on later runs; nothing it would have created is written or
reused by the page's later orders. If writing the page fails (another worker wrote one of its rows
a moment ago, a value the database refuses), nothing of it stays and its orders are imported again
one by one, so the failure again stays with its own order.

Idempotent: the ImportRecord of an order is unique per integration and store order id, and so is a
store order's sale; an order's record is row-locked while it is written, so the same order twice,
or from two workers at once, makes one sale. An order already imported is not touched again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from catalog import services as catalog_services
from catalog.models import Product
from core.templatetags.money import brl
from customers.models import Customer
from sales import services as sales_services
from sales.models import Sale, to_cents

from .models import ImportRecord, Integration
from .page_lookups import PageLookups
from .providers import FetchedOrder
from .store_order import StoreOrder, StoreOrderItem

logger = logging.getLogger(__name__)


class ImportFailure(Exception):
    """The order cannot become a sale now; `reason` says why, for a clerk."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Skip:
    code: str
    reason: str


@dataclass
class Outcome:
    """What became of one order, before it is written: its record's fields and, if imported, its sale."""

    store_order_id: str
    number: str
    status: str
    code: str
    reason: str
    payload: Any
    order: StoreOrder | None = None
    sale: Sale | None = None
    lines: list | None = None


def _local(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def eligibility(integration: Integration, order: StoreOrder) -> Skip | None:
    """Why this order is not a sale to import (not paid, cancelled, placed before activation), or None."""
    if order.is_cancelled:
        return Skip(
            "cancelled", _("Order cancelled at the store (%(status)s).") % {"status": order.status_label}
        )
    if not order.is_paid:
        return Skip(
            "not_paid",
            _("Order not paid or not concluded at the store (%(status)s); it comes in once it is.")
            % {"status": order.status_label},
        )
    if integration.activated_at is None or order.placed_at < integration.activated_at:
        return Skip(
            "before_activation",
            _(
                "Order placed on %(placed)s, before the integration was activated (%(activated)s). "
                "Sales before the activation are entered by hand."
            )
            % {
                "placed": _local(order.placed_at),
                "activated": _local(integration.activated_at) if integration.activated_at else "—",
            },
        )
    return None


def import_orders(integration: Integration, fetched: Iterable[FetchedOrder]) -> list[ImportRecord | None]:
    """Handle a page of orders: one record per order (None for those already imported).

    The page is planned and written as a whole (a few queries for the page, not per order);
    should writing it fail, its orders are imported one by one, each failing alone.
    """
    fetched = list(fetched)
    records = _records(integration, [f.store_order_id for f in fetched])
    todo, seen = [], set()
    for f in fetched:
        record = records.get(f.store_order_id)
        if f.store_order_id in seen or (record is not None and record.status == ImportRecord.Status.IMPORTED):
            continue
        seen.add(f.store_order_id)
        todo.append(f)
    if not todo:
        return [None] * len(fetched)
    try:
        written = _import_page(integration, todo, records)
    except Exception:
        logger.warning(
            "writing a page of %s failed; importing its orders one by one", integration, exc_info=True
        )
        written = {f.store_order_id: import_fetched(integration, f) for f in todo}
    results, given = [], set()
    for f in fetched:
        results.append(written.get(f.store_order_id) if f.store_order_id not in given else None)
        given.add(f.store_order_id)
    return results


def import_fetched(integration: Integration, fetched: FetchedOrder) -> ImportRecord | None:
    """One fetched order (webhook, retry): mapped → the pipeline; unmappable → a failed record.

    Writing it is tried twice: a first failure is most often another worker having just written
    the same customer, product or order, which the second reading then finds.
    """
    for attempt in (1, 2):
        try:
            records = _records(integration, [fetched.store_order_id])
            record = records.get(fetched.store_order_id)
            if record is not None and record.status == ImportRecord.Status.IMPORTED:
                return record
            return _import_page(integration, [fetched], records).get(fetched.store_order_id)
        except Exception as error:
            if attempt == 1:
                continue
            # A bug or an unexpected store shape must not stop the run: the order fails alone.
            logger.exception("import of %s order %s failed", integration, fetched.store_order_id)
            return _record_outcome(
                integration,
                Outcome(
                    store_order_id=fetched.store_order_id,
                    number=fetched.number,
                    status=ImportRecord.Status.FAILED,
                    code="unexpected_error",
                    reason=_("Unexpected error while importing: %(error)s") % {"error": error},
                    payload=fetched.raw,
                    order=fetched.order,
                ),
            )
    return None  # not reached


def import_order(integration: Integration, order: StoreOrder) -> ImportRecord | None:
    """Turn one store order into a pending sale, or record why not (see `plan_order` for the rules)."""
    return import_fetched(integration, FetchedOrder.mapped(order))


def _records(integration: Integration, store_order_ids: list[str]) -> dict[str, ImportRecord]:
    return {
        record.store_order_id: record
        for record in ImportRecord.objects.filter(integration=integration, store_order_id__in=store_order_ids)
    }


def _import_page(
    integration: Integration, fetched: list[FetchedOrder], records: dict[str, ImportRecord]
) -> dict[str, ImportRecord]:
    """Plan every order of the page, then write the page in one transaction. Nothing happens
    while the integration is switched off or disconnected."""
    integration.refresh_from_db(fields=["enabled", "connection_status", "activated_at"])
    if not integration.is_importing:
        return {}
    lookups = PageLookups.for_page(integration, [f.order for f in fetched if f.order is not None])
    outcomes = [plan_order(integration, f, lookups) for f in fetched]
    return _write_page(integration, outcomes, records, lookups)


def plan_order(integration: Integration, fetched: FetchedOrder, lookups: PageLookups) -> Outcome:
    """What becomes of one order, decided in memory against the page's lookups.

    Rules: only paid/concluded orders placed at or after the activation; customer and products
    found or created by the core rules; with the stock check on, an order short of stock fails
    with the reason and comes in on a later run once the stock is there; the sale is Revisão
    pendente, Dinheiro in one installment, sold by the user who activated the integration. When
    the store's total differs from items + freight − discount, the sale still comes in, flagged
    with the difference.
    """
    if fetched.error is not None:
        return Outcome(
            store_order_id=fetched.store_order_id,
            number=fetched.number,
            status=ImportRecord.Status.FAILED,
            code="invalid_order",
            reason=fetched.error.reason,
            payload=fetched.raw,
        )
    order = fetched.order
    outcome = Outcome(
        store_order_id=order.store_order_id,
        number=order.number,
        status=ImportRecord.Status.FAILED,
        code="",
        reason="",
        payload=order.raw,
        order=order,
    )
    lookups.begin_order()
    try:
        skip = eligibility(integration, order)
        if skip is not None:
            outcome.status, outcome.code, outcome.reason = ImportRecord.Status.SKIPPED, skip.code, skip.reason
            return outcome
        outcome.sale, outcome.lines = _plan_sale(integration, order, lookups)
        lookups.keep_order()
        outcome.status = ImportRecord.Status.IMPORTED
        outcome.code = "total_mismatch" if outcome.sale.store_total_difference is not None else ""
        outcome.reason = _total_mismatch(outcome.sale)
    except ImportFailure as failure:
        outcome.code, outcome.reason = failure.code, failure.reason
    except Exception as error:
        # A bug or an unexpected store shape must not stop the run: the order fails alone.
        logger.exception("import of %s order %s failed", integration, order.store_order_id)
        outcome.code = "unexpected_error"
        outcome.reason = _("Unexpected error while importing: %(error)s") % {"error": error}
    return outcome


def _write_page(
    integration: Integration, outcomes: list[Outcome], records: dict[str, ImportRecord], lookups: PageLookups
) -> dict[str, ImportRecord]:
    """One transaction: lock the records the page already had (an order another worker imported
    meanwhile is left as it is), then insert the new customers, products, links, sales with their
    items, and the records. A new order's record is inserted last: a worker racing for the same
    order fails on the sale's or the record's unique key and reads the outcome again."""
    now = timezone.now()
    written: dict[str, ImportRecord] = {}
    with transaction.atomic():
        existing = [records[o.store_order_id].pk for o in outcomes if o.store_order_id in records]
        locked = {
            record.store_order_id: record
            for record in ImportRecord.objects.select_for_update().filter(pk__in=existing).order_by("pk")
        } if existing else {}  # fmt: skip
        to_write = []
        for outcome in outcomes:
            record = locked.get(outcome.store_order_id)
            if record is not None and record.status == ImportRecord.Status.IMPORTED:
                written[outcome.store_order_id] = record
            else:
                to_write.append(outcome)
        with_sale = [o for o in to_write if o.sale is not None]
        lookups.save_new(
            customers={id(o.sale.customer) for o in with_sale},
            products={id(line.product) for o in with_sale for line in o.lines},
        )
        sales_services.create_sales([o.sale for o in with_sale], [o.lines for o in with_sale])
        new = []
        for outcome in to_write:
            record = locked.get(outcome.store_order_id)
            if record is None:
                record = ImportRecord(
                    integration=integration, store_order_id=outcome.store_order_id, attempts=0
                )
                new.append(record)
            _finish(record, outcome, now)
            if record.pk is not None:
                record.save()
            written[outcome.store_order_id] = record
        ImportRecord.objects.bulk_create(new)
    return written


def _total_mismatch(sale: Sale) -> str:
    """Said on the sale and its import record when the store's total is not items + freight − discount."""
    difference = sale.store_total_difference
    if difference is None:
        return ""
    return _(
        "The store's total (%(store)s) differs from items + freight − discount (%(ours)s): "
        "difference of %(difference)s. Check the sale before confirming it."
    ) % {"store": brl(sale.store_total_amount), "ours": brl(sale.total_amount), "difference": brl(difference)}


def record_failure(integration: Integration, store_order_id: str, *, reason: str, code: str = "fetch_failed"):
    """An order that could not even be read: a failed attempt with the reason (an imported one stays)."""
    return _record_outcome(
        integration,
        Outcome(
            store_order_id=store_order_id,
            number="",
            status=ImportRecord.Status.FAILED,
            code=code,
            reason=reason,
            payload=None,
        ),
    )


def _plan_sale(integration: Integration, order: StoreOrder, lookups: PageLookups) -> tuple[Sale, list]:
    if order.currency and order.currency.upper() != settings.COMPANY_CURRENCY:
        raise ImportFailure(
            "currency",
            _("Order in %(currency)s; Ponte books sales in %(company)s only.")
            % {"currency": order.currency, "company": settings.COMPANY_CURRENCY},
        )
    if not order.items:
        raise ImportFailure("no_items", _("The order has no items."))
    if integration.seller_id is None:
        raise ImportFailure("no_seller", _("The integration has no seller; connect it again."))

    customer, attention = _customer_for(order, lookups)
    lines = [
        sales_services.ItemLine(
            product=_product_for(item, lookups),
            quantity=item.quantity,
            unit_price=item.unit_price,
            details=item.description,
        )
        for item in order.items
    ]
    if lookups.check_stock:
        shortages = catalog_services.shortages_against(
            ((line.product, line.quantity) for line in lines), lookups.stock
        )
        if shortages:
            raise ImportFailure("insufficient_stock", "; ".join(str(shortage) for shortage in shortages))

    sale = sales_services.SaleDraft(
        customer=customer,
        seller=integration.seller,
        lines=lines,
        shipping_amount=order.shipping_amount,
        discount_amount=order.discount_amount,
        sale_date=timezone.localdate(order.placed_at),
        payment_method=Sale.PaymentMethod.CASH,
        installments=1,
        store_fields={
            "integration": integration,
            "external_id": order.store_order_id,
            "external_number": order.number,
            "store_total_amount": to_cents(order.total_amount) if order.total_amount is not None else None,
            "attention_reason": attention,
        },
    ).build()
    mismatch = _total_mismatch(sale)
    if mismatch:
        sale.attention_reason = "\n".join(filter(None, [sale.attention_reason, mismatch]))
    return sale, lines


def _customer_for(order: StoreOrder, lookups: PageLookups) -> tuple[Customer, str]:
    """The customer by rule 4; a document the store sent that is not a valid CPF/CNPJ is left out
    and said on the sale, rather than losing the sale."""
    data = order.customer
    if not (data.name or "").strip():
        raise ImportFailure("no_customer_name", _("The order has no customer name."))
    contacts = {"email": data.email, "business_phone": data.business_phone, "mobile_phone": data.mobile_phone}
    try:
        key = lookups.customer_key(name=data.name, document=data.document, email=data.email)
        attention = ""
    except ValidationError:
        key = lookups.customer_key(name=data.name, document="", email=data.email)
        attention = _(
            "The store sent the document %(document)s, which is not a valid CPF or CNPJ; "
            "the customer was recorded without it."
        ) % {"document": data.document}
    return lookups.customer(key, **contacts), attention


def _product_for(item: StoreOrderItem, lookups: PageLookups) -> Product:
    """The product this store item was matched to before; else rule 5 (SKU, then description)."""
    known = lookups.linked_product(item)
    if known is not None:
        return known
    if not (item.description or "").strip():
        raise ImportFailure("no_description", _("An item of the order has no description."))
    return lookups.product(item)


def _lock_record(integration: Integration, store_order_id: str, number: str) -> ImportRecord:
    """The order's record, created if new, row-locked until the transaction ends."""
    record, _created = ImportRecord.objects.select_for_update().get_or_create(
        integration=integration,
        store_order_id=store_order_id,
        defaults={"store_order_number": number, "status": ImportRecord.Status.FAILED, "reason": "…"},
    )
    return record


def _finish(record: ImportRecord, outcome: Outcome, now) -> None:
    record.status = outcome.status
    record.reason_code = outcome.code
    record.reason = outcome.reason
    record.attempts += 1
    record.last_attempt_at = now
    if outcome.payload is not None:  # a failed fetch keeps what the store sent last time
        record.payload = _storable(outcome.payload)
    if outcome.sale is not None:
        record.sale = outcome.sale
    record.store_order_number = outcome.number or record.store_order_number
    order = outcome.order
    if order is not None:
        record.placed_at = order.placed_at
        record.store_updated_at = order.updated_at


def _storable(payload):
    """The store's payload as the JSON column can keep it; never lose the outcome over its shape."""
    if payload is None:
        return {}
    try:
        json.dumps(payload, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        return {"unreadable": repr(payload)[:10_000]}
    return payload


def _record_outcome(integration: Integration, outcome: Outcome) -> ImportRecord:
    """A failed outcome written on its own, in its own transaction. An imported order keeps its record."""
    with transaction.atomic():
        record = _lock_record(integration, outcome.store_order_id, outcome.number)
        if record.status == ImportRecord.Status.IMPORTED:
            return record
        _finish(record, outcome, timezone.now())
        record.save()
        return record
