"""The import pipeline: one store order in, one pending sale (or a recorded reason) out.

Provider-agnostic: it sees StoreOrder, never store JSON. Idempotent: the ImportRecord of an
order is created once (unique per integration and store order id) and locked while the order is
handled, so the same order twice, or from two workers at once, makes one sale; an order already
imported is not touched again. Each order is one transaction: a failure leaves no half sale,
only a failed ImportRecord with a reason a clerk can read, retried on later runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

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
from customers.services import find_or_create_customer
from sales import services as sales_services
from sales.models import Sale, to_cents

from .models import ImportRecord, Integration, StoreProductLink
from .page_lookups import PageLookups, current_lookups, page_lookups_var
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
    """Handle a page of orders, each on its own (its own transaction; one bad order fails alone).

    Orders already imported are passed over in one query, and the page's known store products are
    read in one query too (PageLookups), so the queries per order stay few.
    """
    fetched = list(fetched)
    done = set(
        ImportRecord.objects.filter(
            integration=integration,
            status=ImportRecord.Status.IMPORTED,
            store_order_id__in=[f.store_order_id for f in fetched],
        ).values_list("store_order_id", flat=True)
    )
    todo = [f for f in fetched if f.store_order_id not in done]
    if not todo:
        return [None] * len(fetched)
    token = page_lookups_var.set(
        PageLookups.for_page(integration, [f.order for f in todo if f.error is None])
    )
    try:
        return [None if f.store_order_id in done else import_fetched(integration, f) for f in fetched]
    finally:
        page_lookups_var.reset(token)


def import_fetched(integration: Integration, fetched: FetchedOrder) -> ImportRecord | None:
    """A fetched order: mapped → the pipeline; unmappable → a failed record with the mapper's reason."""
    if fetched.error is not None:
        return _record_outcome(
            integration,
            store_order_id=fetched.store_order_id,
            number=fetched.number,
            status=ImportRecord.Status.FAILED,
            code="invalid_order",
            reason=fetched.error.reason,
            payload=fetched.raw,
        )
    return import_order(integration, fetched.order)


def import_order(integration: Integration, order: StoreOrder) -> ImportRecord | None:
    """Turn one store order into a pending sale, or record why not.

    Rules: only while the integration is switched on and connected (otherwise nothing happens);
    only paid/concluded orders placed at or after the activation; customer and products found or
    created by the core rules; with the stock check on, an order short of stock fails with the
    reason and comes in on a later run once the stock is there; the sale is Revisão pendente,
    Dinheiro in one installment, sold by the user who activated the integration. When the store's
    total differs from items + freight − discount, the sale still comes in, flagged with the
    difference.
    """
    integration.refresh_from_db(fields=["enabled", "connection_status", "activated_at"])
    if not integration.is_importing:
        return None
    try:
        skip = eligibility(integration, order)
        if skip is not None:
            return _record_outcome(
                integration,
                store_order_id=order.store_order_id,
                number=order.number,
                status=ImportRecord.Status.SKIPPED,
                code=skip.code,
                reason=skip.reason,
                payload=order.raw,
                order=order,
            )
        lookups = current_lookups()
        lookups.pending = {}
        with transaction.atomic():
            record = _lock_record(integration, order.store_order_id, order.number)
            if record.status == ImportRecord.Status.IMPORTED:
                return record
            sale = _create_pending_sale(integration, order)
            _finish(
                record,
                order,
                status=ImportRecord.Status.IMPORTED,
                code="total_mismatch" if sale.store_total_difference is not None else "",
                reason=_total_mismatch(sale),
                payload=order.raw,
                sale=sale,
            )
        # Committed now: the page's later orders may use them.
        lookups.links.update(lookups.pending)
        return record
    except ImportFailure as failure:
        code, reason = failure.code, failure.reason
    except Exception as error:
        # A bug or an unexpected store shape must not stop the run: the order fails alone.
        logger.exception("import of %s order %s failed", integration, order.store_order_id)
        code, reason = "unexpected_error", _("Unexpected error while importing: %(error)s") % {"error": error}
    return _record_outcome(
        integration,
        store_order_id=order.store_order_id,
        number=order.number,
        status=ImportRecord.Status.FAILED,
        code=code,
        reason=reason,
        payload=order.raw,
        order=order,
    )


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
        store_order_id=store_order_id,
        number="",
        status=ImportRecord.Status.FAILED,
        code=code,
        reason=reason,
        payload=None,
    )


def _create_pending_sale(integration: Integration, order: StoreOrder) -> Sale:
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

    customer, attention = _customer_for(integration, order)
    lines = [
        sales_services.ItemLine(
            product=_product_for(integration, item),
            quantity=item.quantity,
            unit_price=item.unit_price,
            details=item.description,
        )
        for item in order.items
    ]
    check_stock = current_lookups().check_stock
    if check_stock is None:
        check_stock = catalog_services.stock_check_enabled()
    if check_stock:
        shortages = catalog_services.find_shortages((line.product, line.quantity) for line in lines)
        if shortages:
            raise ImportFailure("insufficient_stock", "; ".join(str(shortage) for shortage in shortages))

    sale = sales_services.create_sale(
        customer=customer,
        seller=integration.seller,
        lines=lines,
        shipping_amount=order.shipping_amount,
        discount_amount=order.discount_amount,
        sale_date=timezone.localdate(order.placed_at),
        payment_method=Sale.PaymentMethod.CASH,
        installments=1,
        integration=integration,
        external_id=order.store_order_id,
        external_number=order.number,
        store_total_amount=to_cents(order.total_amount) if order.total_amount is not None else None,
        attention_reason=attention,
    )
    mismatch = _total_mismatch(sale)
    if mismatch:
        sale.attention_reason = "\n".join(filter(None, [sale.attention_reason, mismatch]))
        Sale.objects.filter(pk=sale.pk).update(attention_reason=sale.attention_reason)
    return sale


def _customer_for(integration: Integration, order: StoreOrder) -> tuple[Customer, str]:
    """The customer by rule 4; a document the store sent that is not a valid CPF/CNPJ is left out
    and said on the sale, rather than losing the sale."""
    data = order.customer
    contact = {
        "name": data.name,
        "email": data.email,
        "business_phone": data.business_phone,
        "mobile_phone": data.mobile_phone,
        "origin": Customer.Origin.IMPORT,
        "origin_integration": integration,
    }
    if not (data.name or "").strip():
        raise ImportFailure("no_customer_name", _("The order has no customer name."))
    try:
        customer, _created = find_or_create_customer(document=data.document, **contact)
        return customer, ""
    except ValidationError:
        customer, _created = find_or_create_customer(document="", **contact)
        return customer, _(
            "The store sent the document %(document)s, which is not a valid CPF or CNPJ; "
            "the customer was recorded without it."
        ) % {"document": data.document}


def _product_for(integration: Integration, item: StoreOrderItem) -> Product:
    """The product this store item was matched to before; else rule 5 (SKU, then description).

    A link made or read here waits in `pending` until this order commits, then serves the page.
    """
    key = (item.store_product_id, item.store_variant_id)
    lookups = current_lookups()
    if item.store_product_id:
        known = lookups.pending.get(key) or lookups.links.get(key)
        if known is not None:
            return known
        link = (
            StoreProductLink.objects.filter(
                integration=integration,
                store_product_id=item.store_product_id,
                store_variant_id=item.store_variant_id,
            )
            .select_related("product")
            .first()
        )
        if link is not None:
            lookups.pending[key] = link.product
            return link.product
    if not (item.description or "").strip():
        raise ImportFailure("no_description", _("An item of the order has no description."))
    product, _created = catalog_services.find_or_create_product(
        description=item.description,
        sku=item.sku,
        sale_price=item.unit_price.quantize(Decimal("0.01")),
        origin=Product.Origin.IMPORT,
        origin_integration=integration,
    )
    if item.store_product_id:
        StoreProductLink.objects.get_or_create(
            integration=integration,
            store_product_id=item.store_product_id,
            store_variant_id=item.store_variant_id,
            defaults={"product": product},
        )
        lookups.pending[key] = product
    return product


def _lock_record(integration: Integration, store_order_id: str, number: str) -> ImportRecord:
    """The order's record, created if new, row-locked until the transaction ends."""
    record, _created = ImportRecord.objects.select_for_update().get_or_create(
        integration=integration,
        store_order_id=store_order_id,
        defaults={"store_order_number": number, "status": ImportRecord.Status.FAILED, "reason": "…"},
    )
    return record


def _finish(
    record: ImportRecord, order: StoreOrder | None, *, status, code, reason, payload, sale=None
) -> None:
    record.status = status
    record.reason_code = code
    record.reason = reason
    record.attempts += 1
    record.last_attempt_at = timezone.now()
    if payload is not None:  # a failed fetch keeps what the store sent last time
        record.payload = _storable(payload)
    if sale is not None:
        record.sale = sale
    if order is not None:
        record.store_order_number = order.number or record.store_order_number
        record.placed_at = order.placed_at
        record.store_updated_at = order.updated_at
    record.save()


def _storable(payload):
    """The store's payload as the JSON column can keep it; never lose the outcome over its shape."""
    if payload is None:
        return {}
    try:
        json.dumps(payload, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        return {"unreadable": repr(payload)[:10_000]}
    return payload


def _record_outcome(integration, *, store_order_id, number, status, code, reason, payload, order=None):
    """A skipped or failed outcome, in its own transaction. An imported order keeps its record."""
    with transaction.atomic():
        record = _lock_record(integration, store_order_id, number)
        if record.status == ImportRecord.Status.IMPORTED:
            return record
        _finish(record, order, status=status, code=code, reason=reason, payload=payload)
        return record
