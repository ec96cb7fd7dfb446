"""What becomes of one store order, decided in memory: the import's business rules.

Eligibility (paid or concluded, placed at or after the activation, not cancelled), the customer
and the products (matched by the customers' and the catalogue's own rules, among what the page
read and what its earlier orders added), the stock check when the company asks for it, and the
pending sale itself. Nothing here writes: the unit of work writes the page's outcomes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from catalog import services as catalog_services
from catalog.models import Product
from core.templatetags.money import brl
from customers import services as customer_services
from customers.models import Customer
from sales import services as sales_services
from sales.models import Sale, to_cents

from ..models import ImportRecord, Integration
from ..order_source import FetchedOrder
from ..store_order import StoreOrder, StoreOrderItem
from .read_set import PageLookups
from .unit_of_work import Outcome

logger = logging.getLogger(__name__)


class ImportFailure(Exception):
    """The order cannot become a sale now; `reason` says why, for a clerk, `code` in a word."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


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


def plan_order(integration: Integration, fetched: FetchedOrder, lookups: PageLookups) -> Outcome:
    """What becomes of one order, decided in memory against the page's lookups.

    Rules: only paid/concluded orders placed at or after the activation; customer and products
    found or created by the customers' and the catalogue's matching rules; with the stock check
    on, an order short of stock fails with the reason and comes in on a later run once the stock
    is there; the sale is Revisão pendente, Dinheiro in one installment, sold by the user who
    activated the integration. When the store's total differs from items + freight − discount,
    the sale still comes in, flagged with the difference.
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


def _total_mismatch(sale: Sale) -> str:
    """Said on the sale and its import record when the store's total is not items + freight − discount."""
    difference = sale.store_total_difference
    if difference is None:
        return ""
    return _(
        "The store's total (%(store)s) differs from items + freight − discount (%(ours)s): "
        "difference of %(difference)s. Check the sale before confirming it."
    ) % {"store": brl(sale.store_total_amount), "ours": brl(sale.total_amount), "difference": brl(difference)}


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
    """The customer by the matching rule (same name and same CPF/CNPJ, else a new customer); a
    document the store sent that is not a valid CPF/CNPJ is left out and said on the sale, rather
    than losing the sale."""
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
    address = _address_fields(data)
    return lookups.customer(key, address=address, as_of=order.placed_at, **contacts), attention


def _address_fields(data) -> customer_services.StoreAddressFields | None:
    """The store's billing address (and a company's IE) in the customer's terms."""
    address = data.address
    if address is None or address.is_empty:
        return None
    return customer_services.StoreAddressFields(
        street=address.street,
        street_number=address.number,
        address_complement=address.complement,
        district=address.district,
        postal_code=address.postal_code,
        city=address.city,
        state=address.state,
        state_registration=data.state_registration,
    )


def _product_for(item: StoreOrderItem, lookups: PageLookups) -> Product:
    """The product this store item was matched to before; else the product matching rule (an exact
    SKU, then the same description)."""
    known = lookups.linked_product(item)
    if known is not None:
        return known
    if not (item.description or "").strip():
        raise ImportFailure("no_description", _("An item of the order has no description."))
    return lookups.product(item)
