"""Nuvemshop order JSON → StoreOrder. Pure functions, tested field by field on the official examples.

Both documented shapes are read: v1 (freight in `shipping_cost_customer`) and 2025-03
(`contact_identification`, `billing_*`, freight in the fulfillment orders' `consumer_cost`). The
official examples themselves drift in types (ids and quantities as strings or numbers, `sku`
null), so every value goes through a tolerant reader that fails with a reason a clerk can read.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.parser import isoparse
from django.utils.translation import gettext as _

from integrations.store_order import (
    MONEY_GONE_BACK,
    StoreAddress,
    StoreCustomer,
    StoreOrder,
    StoreOrderError,
    StoreOrderItem,
    StoreState,
)

PAID = "paid"
CANCELLED = "cancelled"
# payment_status values saying the money went back, in part or whole (partially_refunded: 2025-03).
# The documented list has no chargeback status; "charged_back" is read should the store send it.
PAYMENT_GONE_BACK = {
    "refunded": StoreState.REFUNDED,
    "voided": StoreState.VOIDED,
    "charged_back": StoreState.CHARGED_BACK,
}
PARTIALLY_REFUNDED = "partially_refunded"


def store_state(payment_status: str, status: str) -> StoreState:
    """What the order's payment_status and status say about the money. A refund or void is named
    by payment_status; an order cancelled otherwise (`status: cancelled`) is cancelled even if it
    was paid; any other status (pending, authorized, abandoned, unknown) is not paid."""
    if payment_status in PAYMENT_GONE_BACK:
        return PAYMENT_GONE_BACK[payment_status]
    if status == CANCELLED:
        return StoreState.CANCELLED
    if payment_status == PARTIALLY_REFUNDED:
        return StoreState.PARTIALLY_REFUNDED
    return StoreState.PAID if payment_status == PAID else StoreState.AWAITING


def map_order(data: dict[str, Any]) -> StoreOrder:
    """The order as the import pipeline sees it; raises StoreOrderError when it cannot be read."""
    if not isinstance(data, dict) or data.get("id") in (None, ""):
        raise StoreOrderError(_("The store sent an order without an id."), raw=data)
    order_id, number = str(data["id"]), str(data.get("number") or data["id"])

    def fail(reason: str) -> StoreOrderError:
        return StoreOrderError(reason, store_order_id=order_id, number=number, raw=data)

    try:
        return _map_order(data, order_id, number, fail)
    except StoreOrderError:
        raise
    except (AttributeError, KeyError, TypeError, ValueError, InvalidOperation) as error:
        # A field of another shape than documented (an object where text was expected, …): the
        # order is refused with a reason, never a crash of the whole run.
        raise fail(
            _("The order has a field in an unexpected format: %(error)s") % {"error": error}
        ) from error


def _map_order(data: dict[str, Any], order_id: str, number: str, fail) -> StoreOrder:
    placed_at = _datetime(data.get("created_at"))
    if placed_at is None:
        raise fail(_("The order has no valid creation date (created_at)."))
    payment_status = str(data.get("payment_status") or "")
    status = str(data.get("status") or "")
    try:
        items = tuple(_item(line) for line in data.get("products") or [])
        shipping = _freight(data)
        discount = _decimal(data.get("discount"), default=Decimal("0"))
        total = _decimal(data.get("total"), default=None)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise fail(_("The order has a value that is not a number: %(error)s") % {"error": error}) from error
    if not items:
        raise fail(_("The order has no products."))
    state = store_state(payment_status, status)
    return StoreOrder(
        store_order_id=order_id,
        number=number,
        placed_at=placed_at,
        updated_at=_datetime(data.get("updated_at")),
        is_paid=state == StoreState.PAID,
        status_label=f"payment_status={payment_status or '—'}, status={status or '—'}",
        currency=str(data.get("currency") or ""),
        customer=map_customer(data),
        items=items,
        shipping_amount=shipping,
        discount_amount=discount,
        total_amount=total,
        paid_at=_datetime(data.get("paid_at")),
        is_cancelled=state in MONEY_GONE_BACK,
        store_state=state,
        refunded_amount=_refunded_amount(data) if state == StoreState.PARTIALLY_REFUNDED else None,
        raw=data,
    )


def map_customer(data: dict[str, Any]) -> StoreCustomer:
    """Name, CPF/CNPJ, phones and e-mail: the customer object first, then contact_*, then billing_*.

    `customer` only comes with the read_customers scope, so the order's own contact and billing
    fields are the fallbacks.
    """
    customer = data.get("customer") or {}
    name = _first(customer.get("name"), data.get("contact_name"), data.get("billing_name"))
    document = _first(
        customer.get("identification"),
        data.get("contact_identification"),
        data.get("billing_document"),
        data.get("billing_identification"),
    )
    email = _first(customer.get("email"), data.get("contact_email"))
    business, mobile = split_phones(
        [customer.get("phone"), data.get("contact_phone"), data.get("billing_phone")]
    )
    return StoreCustomer(
        name=name,
        document=document,
        email=email,
        business_phone=business,
        mobile_phone=mobile,
        address=map_address(data),
        state_registration=_first(
            data.get("billing_state_registration"), customer.get("billing_state_registration")
        ),
    )


def map_address(data: dict[str, Any]) -> StoreAddress | None:
    """The billing address: the order's `billing_*` fields (v1 and 2025-03, where
    `billing_address` may also come as an object), else its `shipping_address`, else the
    customer's own billing fields or default address. None when the order carries none.

    The address is as recent as the order (or its own `updated_at` when it has one)."""
    customer = data.get("customer") if isinstance(data.get("customer"), dict) else {}
    placed_at = _datetime(data.get("created_at"))
    for candidate in (
        _billing_address(data),
        _address_object(data.get("shipping_address")),
        _billing_address(customer),
        _address_object(customer.get("default_address")),
    ):
        if candidate is not None and not candidate.is_empty:
            if candidate.updated_at is None or (placed_at and candidate.updated_at < placed_at):
                candidate = StoreAddress(**{**candidate.__dict__, "updated_at": placed_at})
            return candidate
    return None


def _billing_address(data: dict[str, Any]) -> StoreAddress | None:
    street = data.get("billing_address")
    if isinstance(street, dict):  # 2025-03 may send the billing address as one object
        return _address_object(street)
    return StoreAddress(
        street=_first(street),
        number=_first(data.get("billing_number")),
        complement=_first(data.get("billing_floor")),
        district=_first(data.get("billing_locality")),
        postal_code=_first(data.get("billing_zipcode")),
        city=_first(data.get("billing_city")),
        state=_first(data.get("billing_province")),
        country=_first(data.get("billing_country")),
    )


def _address_object(address: Any) -> StoreAddress | None:
    if not isinstance(address, dict):
        return None
    return StoreAddress(
        street=_first(address.get("address"), address.get("street")),
        number=_first(address.get("number")),
        complement=_first(address.get("floor"), address.get("complement")),
        district=_first(address.get("locality"), address.get("neighborhood")),
        postal_code=_first(address.get("zipcode"), address.get("zip_code")),
        city=_first(address.get("city")),
        state=_first(address.get("province"), address.get("state")),
        country=_first(address.get("country")),
        updated_at=_datetime(address.get("updated_at")),
    )


_BR_COUNTRY = "55"


def phone_kind(phone: str) -> str:
    """ "mobile", "landline" or "" (unknown), by the Brazilian numbering plan.

    Brazilian numbers are a two-digit area code then 9 digits starting with 9 (mobile) or 8 digits
    starting with 2–5 (landline); a leading 0, a carrier code or +55 may come before.
    """
    digits = re.sub(r"\D", "", phone or "")
    if phone.strip().startswith("+") and not digits.startswith(_BR_COUNTRY):
        return ""  # another country's number: nothing to say about it
    if digits.startswith(_BR_COUNTRY) and len(digits) in (12, 13):
        digits = digits[2:]
    digits = digits.lstrip("0")
    if len(digits) == 11 and digits[2] == "9":
        return "mobile"
    if len(digits) == 10 and digits[2] in "2345":
        return "landline"
    return ""


def split_phones(candidates: list[Any]) -> tuple[str, str]:
    """(business phone, mobile phone) from the phones the order carries, first of each kind.

    A number whose kind cannot be told fills the business phone, or the mobile one if that is taken.
    """
    business = mobile = ""
    unknown: list[str] = []
    seen: set[str] = set()
    for candidate in candidates:
        phone = str(candidate or "").strip()
        key = re.sub(r"\D", "", phone)
        if not key or key in seen or "@" in phone:
            continue
        seen.add(key)
        kind = phone_kind(phone)
        if kind == "mobile" and not mobile:
            mobile = phone
        elif kind == "landline" and not business:
            business = phone
        elif not kind:
            unknown.append(phone)
    for phone in unknown:
        if not business:
            business = phone
        elif not mobile:
            mobile = phone
    return business, mobile


def _item(line: dict[str, Any]) -> StoreOrderItem:
    # The same variant may come on two lines: each line stays a line of its own.
    quantity = _decimal(line.get("quantity"))
    if quantity <= 0:
        raise ValueError(_("quantity %(quantity)s") % {"quantity": quantity})
    return StoreOrderItem(
        description=" ".join(str(line.get("name") or "").split()),
        quantity=quantity,
        unit_price=_decimal(line.get("price")),
        sku=str(line.get("sku") or "").strip(),
        store_product_id=str(line.get("product_id") or ""),
        store_variant_id=str(line.get("variant_id") or ""),
        gtin=_first(line.get("barcode")),
    )


def _refunded_amount(data: dict[str, Any]) -> Decimal | None:
    """How much of a partially refunded order went back, when the order says (`refunded_amount`;
    the documented examples show no refund total, so None means "not stated by the store")."""
    try:
        return _decimal(data.get("refunded_amount"), default=None)
    except ValueError:
        return None


def _freight(data: dict[str, Any]) -> Decimal:
    """What the customer paid for shipping: v1's field, else the sum of the fulfillment orders'."""
    if data.get("shipping_cost_customer") not in (None, ""):
        return _decimal(data["shipping_cost_customer"])
    total = Decimal("0")
    for fulfillment in data.get("fulfillments") or data.get("fulfillment_orders") or []:
        shipping = (fulfillment or {}).get("shipping") or {}
        cost = shipping.get("consumer_cost", fulfillment.get("consumer_cost"))
        if isinstance(cost, dict):  # {"value": "10.00", "currency": "BRL"}
            cost = cost.get("value")
        if cost not in (None, ""):
            total += _decimal(cost)
    return total


def _decimal(value: Any, default: Decimal | None = ...) -> Decimal | None:
    if value in (None, "") and default is not ...:
        return default
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(repr(value)) from None
    if not result.is_finite():
        raise ValueError(str(value))
    return result


def _datetime(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        moment = isoparse(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _first(*values: Any) -> str:
    for value in values:
        text = " ".join(str(value or "").split())
        if text:
            return text
    return ""
