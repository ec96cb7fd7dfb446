"""The fake Nuvemshop's orders: built on the shape of the official v1 example (tests/…/fixtures),
as a Brazilian store would send them (BRL, CPF, Brazilian phones), and what the merchant or the
buyer does to them afterwards (paid, cancelled, refunded, voided, charged back, a privacy request),
each heard by Ponte through its webhook."""

from __future__ import annotations

import re
from datetime import UTC
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import SandboxOrder, SandboxStore
from .webhooks import send_webhook


def store_timestamp(moment) -> str:
    """Nuvemshop's own date format: 2022-11-15T19:36:59+0000."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


DEFAULT_CUSTOMER = {
    "name": "Ana Souza",
    "email": "ana.souza@example.com.br",
    "identification": "52998224725",
    "phone": "+55 11 98765-4321",
    # Written as the order's v1 `billing_*` fields; a buyer given a `billing_address` object
    # instead gets the 2025-03 shape (with the company's fields when it has a CNPJ).
    "billing": {"address": "Avenida Paulista", "number": "1578", "floor": "Conjunto 12",
                "locality": "Bela Vista", "zipcode": "01310-200", "city": "São Paulo",
                "province": "São Paulo", "country": "BR"},
}  # fmt: skip
DEFAULT_ITEMS = [
    {
        "name": "Camiseta básica azul",
        "sku": "CAM-AZ-M",
        "price": "59.90",
        "quantity": 2,
        "barcode": "7891020304055",
    }
]


# The common ways a customer pays, taken in turn by order number, so the demo shows each of them.
PAYMENTS = [
    {"gateway": "mercadopago", "gateway_name": "Mercado Pago", "payment_details": {"method": "pix"}},
    {"gateway": "pagseguro", "gateway_name": "PagSeguro", "payment_details": {"method": "boleto"}},
    *(
        {
            "gateway": "pagarme",
            "gateway_name": "Pagar.me",
            "payment_details": {"method": "credit_card", "credit_card_company": brand, "installments": count},
        }
        for brand, count in [("visa", 1), ("mastercard", "3"), ("elo", 6)]
    ),
    {"gateway": "offline", "gateway_name": "Transferência bancária", "payment_details": {"method": "custom"}},
]


def create_order(
    store: SandboxStore,
    *,
    items: list[dict] | None = None,
    customer: dict | None = None,
    shipping: str = "15.00",
    discount: str = "0.00",
    created_at=None,
    paid: bool = False,
    updated_at=None,
) -> SandboxOrder:
    """A new order in the store (pending payment unless `paid`), placed now unless told otherwise;
    `updated_at` (default: now) stamps the payment of a paid one."""
    # The store keeps whole seconds, as its API shows them.
    created_at = (created_at or timezone.now()).replace(microsecond=0)
    with transaction.atomic():
        row = SandboxStore.objects.select_for_update().get(pk=store.pk)
        row.next_order_number += 1
        row.save(update_fields=["next_order_number"])
        number = row.next_order_number
    order_id = row.store_id * 1000 + number
    items = items or DEFAULT_ITEMS
    customer = {**DEFAULT_CUSTOMER, **(customer or {})}
    billing = _billing_fields(customer)
    customer = {key: value for key, value in customer.items() if key not in ("billing", "billing_address")}
    products = [
        {
            "id": order_id * 10 + position,
            "name": item["name"],
            "price": str(item["price"]),
            "product_id": item.get("product_id", 5000 + position),
            "variant_id": str(item.get("variant_id", 7000 + position)),
            "quantity": item.get("quantity", 1),
            "sku": item.get("sku"),
            "barcode": item.get("barcode"),
        }
        for position, item in enumerate(items, start=1)
    ]
    subtotal = sum(Decimal(str(p["price"])) * Decimal(str(p["quantity"])) for p in products)
    total = subtotal + Decimal(shipping) - Decimal(discount)
    data = {
        "id": order_id,
        "number": number,
        "store_id": str(row.store_id),
        "contact_name": customer["name"],
        "contact_email": customer["email"],
        "contact_phone": customer["phone"],
        "contact_identification": customer["identification"],
        "billing_name": customer["name"],
        "billing_phone": customer["phone"],
        **billing,
        "shipping_cost_customer": shipping,
        "subtotal": f"{subtotal:.2f}",
        "discount": discount,
        "total": f"{total:.2f}",
        "currency": "BRL",
        "language": "pt",
        **PAYMENTS[number % len(PAYMENTS)],
        "created_at": store_timestamp(created_at),
        "updated_at": store_timestamp(created_at),
        "customer": {"id": 900000 + number, **customer},
        "products": products,
        "status": "open",
        "payment_status": "pending",
        "paid_at": None,
        "cancelled_at": None,
    }
    order = SandboxOrder.objects.create(
        store=row, order_id=order_id, data=data, created_at=created_at, updated_at=created_at
    )
    if paid:
        _set_paid(order, at=updated_at)
    return order


def _billing_fields(customer: dict) -> dict:
    """The order's billing address: the 2025-03 object (a company's CNPJ, name and IE beside it)
    when the buyer has a `billing_address`, else v1's flat `billing_*` fields."""
    address = customer.get("billing_address")
    if address:
        fields = {
            "billing_address": address,
            "billing_document_type": "cpf",
            "billing_customer_type": "person",
        }
        if len(re.sub(r"\D", "", customer["identification"])) == 14:
            fields.update(
                billing_document_type="cnpj",
                billing_customer_type="company",
                billing_business_name=customer["name"],
                billing_state_registration=customer.get("billing_state_registration", ""),
            )
        return fields
    flat = customer.get("billing") or {}
    names = ("address", "number", "floor", "locality", "zipcode", "city", "province", "country")
    return {f"billing_{name}": flat.get(name) for name in names}


def touch_order(order: SandboxOrder, *, at=None, **fields) -> None:
    """Change the order as the store would: its fields and its `updated_at` (now, or `at`)."""
    now = (at or timezone.now()).replace(microsecond=0)
    order.data = {**order.data, **fields, "updated_at": store_timestamp(now)}
    order.updated_at = now
    order.payment_status = order.data["payment_status"]
    order.save(update_fields=["data", "updated_at", "payment_status"])


def _set_paid(order: SandboxOrder, *, at=None) -> None:
    touch_order(order, at=at, payment_status="paid", paid_at=store_timestamp(at or timezone.now()))


def _notify(order: SandboxOrder, event: str, notify: bool) -> list[tuple[str, int | None]]:
    """Send the order's webhook; `notify=False` plays a delivery the store gave up on (lost)."""
    return send_webhook(order.store, event, order.order_id) if notify else []


def mark_paid(order: SandboxOrder, *, notify: bool = True) -> list[tuple[str, int | None]]:
    """The merchant received the payment (again, after a refund or a chargeback won): the order is
    paid and Ponte hears order/paid."""
    _set_paid(order)
    return _notify(order, "order/paid", notify)


def cancel_order(order: SandboxOrder, *, notify: bool = True) -> list[tuple[str, int | None]]:
    touch_order(
        order, status="cancelled", cancelled_at=store_timestamp(timezone.now()), cancel_reason="customer"
    )
    return _notify(order, "order/cancelled", notify)


def refund_order(
    order: SandboxOrder, *, amount: Decimal | str | None = None, notify: bool = True
) -> list[tuple[str, int | None]]:
    """The merchant gave the money back: all of it (payment_status refunded) or `amount` of it
    (partially_refunded, the amount in `refunded_amount`). The store says so with order/updated."""
    if amount is None or Decimal(str(amount)) >= Decimal(order.data["total"]):
        touch_order(order, payment_status="refunded", refunded_amount=order.data["total"])
    else:
        touch_order(order, payment_status="partially_refunded", refunded_amount=f"{Decimal(str(amount)):.2f}")
    return _notify(order, "order/updated", notify)


def void_order(order: SandboxOrder, *, notify: bool = True) -> list[tuple[str, int | None]]:
    """The payment authorised is voided (and the order cancelled): order/voided."""
    touch_order(
        order, payment_status="voided", status="cancelled", cancelled_at=store_timestamp(timezone.now())
    )
    return _notify(order, "order/voided", notify)


def charge_back(order: SandboxOrder, *, notify: bool = True) -> list[tuple[str, int | None]]:
    """The buyer's card issuer took the money back (payment_status charged_back): order/updated."""
    touch_order(order, payment_status="charged_back")
    return _notify(order, "order/updated", notify)


def privacy_request(order: SandboxOrder, event: str) -> list[tuple[str, int | None]]:
    """The order's buyer asked the merchant (LGPD): send customers/redact or customers/data_request."""
    customer = order.data.get("customer") or {}
    about = {key: customer.get(key) for key in ("id", "email", "phone", "identification")}
    extra = {"customer": about}
    if event == "customers/redact":
        extra["orders_to_redact"] = [order.order_id]
    else:
        extra["orders_requested"] = [order.order_id]
        extra["data_request"] = {"id": order.order_id}
    return send_webhook(order.store, event, customer.get("id"), extra=extra)


def orders_query(store: SandboxStore, params) -> list[SandboxOrder]:
    """The orders a GET /orders with these filters returns, oldest first."""
    from dateutil.parser import isoparse

    orders = SandboxOrder.objects.filter(store=store)
    if params.get("payment_status"):
        orders = orders.filter(payment_status=params["payment_status"])
    for param, lookup in (
        ("updated_at_min", "updated_at__gte"),
        ("updated_at_max", "updated_at__lte"),
        ("created_at_min", "created_at__gte"),
        ("created_at_max", "created_at__lte"),
    ):
        if params.get(param):
            orders = orders.filter(**{lookup: isoparse(params[param])})
    return orders.order_by("created_at", "order_id")
