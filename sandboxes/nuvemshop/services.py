"""What the fake Nuvemshop does: install codes and tokens, orders, its rate limit, signed webhooks.

Orders are built on the shape of the official v1 example (tests/…/fixtures), as a Brazilian
store would send them (BRL, CPF, Brazilian phones).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from .models import SandboxAuthCode, SandboxOrder, SandboxStore, SandboxWebhook

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=5)


def _stamp(moment) -> str:
    """Nuvemshop's own date format: 2022-11-15T19:36:59+0000."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def create_store(*, name: str, store_id: int | None = None) -> SandboxStore:
    if store_id is None:
        store_id = (SandboxStore.objects.aggregate(m=Max("store_id"))["m"] or 817000) + 1
    return SandboxStore.objects.create(store_id=store_id, name=name)


# --- install ---------------------------------------------------------------------------------------
def issue_code(store: SandboxStore) -> str:
    """The merchant pressed Instalar: a one-time code for the app to exchange."""
    code = secrets.token_hex(20)
    SandboxAuthCode.objects.create(code=code, store=store)
    return code


@dataclass
class TokenAnswer:
    status: int
    body: dict


def exchange_code(*, client_id: str, client_secret: str, code: str, grant_type: str) -> TokenAnswer:
    """Like Nuvemshop: wrong app → 401; bad, reused or expired code → HTTP 200 with an error body."""
    if client_id != settings.NUVEMSHOP_APP_ID or not hmac.compare_digest(
        client_secret.encode(), settings.NUVEMSHOP_CLIENT_SECRET.encode()
    ):
        return TokenAnswer(
            401, {"error": "invalid_client", "error_description": "Invalid client credentials"}
        )
    if grant_type != "authorization_code":
        return TokenAnswer(200, {"error": "unsupported_grant_type", "error_description": grant_type})
    with transaction.atomic():
        found = SandboxAuthCode.objects.select_for_update().select_related("store").filter(code=code).first()
        if found is None or found.used_at is not None:
            return TokenAnswer(
                200, {"error": "invalid_grant", "error_description": "The authorization code is invalid"}
            )
        if timezone.now() - found.created_at > CODE_LIFETIME:
            return TokenAnswer(
                200, {"error": "invalid_grant", "error_description": "The authorization code has expired"}
            )
        found.used_at = timezone.now()
        found.save(update_fields=["used_at"])
        store = found.store
        store.installed = True
        store.access_token = secrets.token_hex(20)  # a reinstall kills the old token
        store.save(update_fields=["installed", "access_token"])
    return TokenAnswer(
        200,
        {
            "access_token": store.access_token,
            "token_type": "bearer",
            "scope": store.scope,
            "user_id": str(store.store_id),
        },
    )


def uninstall(store: SandboxStore) -> list[tuple[str, int | None]]:
    """The merchant removed the app: the token dies, Ponte hears app/uninstalled, webhooks go."""
    store.installed = False
    store.access_token = ""
    store.save(update_fields=["installed", "access_token"])
    sent = send_webhook(store, "app/uninstalled", store.store_id)
    store.webhooks.all().delete()
    return sent


# --- rate limit ------------------------------------------------------------------------------------
@dataclass
class Slot:
    allowed: bool
    limit: int
    remaining: int
    reset_ms: int


def take_slot(store: SandboxStore) -> Slot:
    """Nuvemshop's leaky bucket: each call adds one, `drain_per_second` leak out; full → 429."""
    with transaction.atomic():
        row = SandboxStore.objects.select_for_update().get(pk=store.pk)
        now = time.time()
        level = max(0.0, row.bucket_level - (now - row.bucket_checked_at) * row.drain_per_second)
        allowed = level + 1 <= row.bucket_size
        if allowed:
            level += 1
            row.requests_served += 1
        else:
            row.requests_rejected += 1
        row.bucket_level, row.bucket_checked_at = level, now
        row.save(update_fields=["bucket_level", "bucket_checked_at", "requests_served", "requests_rejected"])
    # Milliseconds until the bucket is empty again (allowed) or one request fits (rejected).
    empty_in = level / row.drain_per_second
    fits_in = (level + 1 - row.bucket_size) / row.drain_per_second
    return Slot(
        allowed=allowed,
        limit=row.bucket_size,
        remaining=max(0, int(row.bucket_size - level)),
        reset_ms=int(1000 * (empty_in if allowed else max(fits_in, 0.001))),
    )


def force_answers(store: SandboxStore, status: int | None, count: int = 1, *, after: int = 0) -> None:
    """Make `count` API calls answer `status` (402 suspended, 500, 401, or a SandboxStore.Fault),
    once `after` more calls have been answered normally."""
    SandboxStore.objects.filter(pk=store.pk).update(
        forced_status=status, forced_count=count, forced_after=after
    )


def change_between_pages(store: SandboxStore, change: str) -> None:
    """Once, between the reads of page 1 and page 2 of an order listing (SandboxStore.PageChange)."""
    SandboxStore.objects.filter(pk=store.pk).update(page_change=change)


def take_forced_status(store: SandboxStore) -> int | None:
    with transaction.atomic():
        row = SandboxStore.objects.select_for_update().get(pk=store.pk)
        if not row.forced_status or row.forced_count <= 0:
            return None
        if row.forced_after > 0:
            row.forced_after -= 1
            row.save(update_fields=["forced_after"])
            return None
        row.forced_count -= 1
        row.save(update_fields=["forced_count"])
        return row.forced_status


def take_page_change(store: SandboxStore) -> None:
    """Play the store's switched-on page change, once."""
    with transaction.atomic():
        row = SandboxStore.objects.select_for_update().get(pk=store.pk)
        change, row.page_change = row.page_change, ""
        row.save(update_fields=["page_change"])
    if change == SandboxStore.PageChange.LATE_PAID_ORDER:
        first = SandboxOrder.objects.filter(store=row).order_by("created_at").first()
        placed = (first.created_at if first else timezone.now()) - timedelta(minutes=1)
        # Committed just now, stamped a little earlier: inside the window being read.
        create_order(row, paid=True, created_at=placed, updated_at=timezone.now() - timedelta(seconds=30))
    elif change == SandboxStore.PageChange.ORDER_REFUNDED:
        first = SandboxOrder.objects.filter(store=row, payment_status="paid").order_by("created_at").first()
        if first is not None:
            _touch(first, payment_status="refunded")


# --- orders ----------------------------------------------------------------------------------------
DEFAULT_CUSTOMER = {
    "name": "Ana Souza",
    "email": "ana.souza@example.com.br",
    "identification": "52998224725",
    "phone": "+55 11 98765-4321",
}
DEFAULT_ITEMS = [{"name": "Camiseta básica azul", "sku": "CAM-AZ-M", "price": "59.90", "quantity": 2}]


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
    products = [
        {
            "id": order_id * 10 + position,
            "name": item["name"],
            "price": str(item["price"]),
            "product_id": item.get("product_id", 5000 + position),
            "variant_id": str(item.get("variant_id", 7000 + position)),
            "quantity": item.get("quantity", 1),
            "sku": item.get("sku"),
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
        "shipping_cost_customer": shipping,
        "subtotal": f"{subtotal:.2f}",
        "discount": discount,
        "total": f"{total:.2f}",
        "currency": "BRL",
        "language": "pt",
        "gateway": "offline",
        "created_at": _stamp(created_at),
        "updated_at": _stamp(created_at),
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


def _touch(order: SandboxOrder, *, at=None, **fields) -> None:
    now = (at or timezone.now()).replace(microsecond=0)
    order.data = {**order.data, **fields, "updated_at": _stamp(now)}
    order.updated_at = now
    order.payment_status = order.data["payment_status"]
    order.save(update_fields=["data", "updated_at", "payment_status"])


def _set_paid(order: SandboxOrder, *, at=None) -> None:
    _touch(order, at=at, payment_status="paid", paid_at=_stamp(at or timezone.now()))


def _notify(order: SandboxOrder, event: str, notify: bool) -> list[tuple[str, int | None]]:
    """Send the order's webhook; `notify=False` plays a delivery the store gave up on (lost)."""
    return send_webhook(order.store, event, order.order_id) if notify else []


def mark_paid(order: SandboxOrder, *, notify: bool = True) -> list[tuple[str, int | None]]:
    """The merchant received the payment (again, after a refund or a chargeback won): the order is
    paid and Ponte hears order/paid."""
    _set_paid(order)
    return _notify(order, "order/paid", notify)


def cancel_order(order: SandboxOrder, *, notify: bool = True) -> list[tuple[str, int | None]]:
    _touch(order, status="cancelled", cancelled_at=_stamp(timezone.now()), cancel_reason="customer")
    return _notify(order, "order/cancelled", notify)


def refund_order(
    order: SandboxOrder, *, amount: Decimal | str | None = None, notify: bool = True
) -> list[tuple[str, int | None]]:
    """The merchant gave the money back: all of it (payment_status refunded) or `amount` of it
    (partially_refunded, the amount in `refunded_amount`). The store says so with order/updated."""
    if amount is None or Decimal(str(amount)) >= Decimal(order.data["total"]):
        _touch(order, payment_status="refunded", refunded_amount=order.data["total"])
    else:
        _touch(order, payment_status="partially_refunded", refunded_amount=f"{Decimal(str(amount)):.2f}")
    return _notify(order, "order/updated", notify)


def void_order(order: SandboxOrder, *, notify: bool = True) -> list[tuple[str, int | None]]:
    """The payment authorised is voided (and the order cancelled): order/voided."""
    _touch(order, payment_status="voided", status="cancelled", cancelled_at=_stamp(timezone.now()))
    return _notify(order, "order/voided", notify)


def charge_back(order: SandboxOrder, *, notify: bool = True) -> list[tuple[str, int | None]]:
    """The buyer's card issuer took the money back (payment_status charged_back): order/updated."""
    _touch(order, payment_status="charged_back")
    return _notify(order, "order/updated", notify)


def suspend_app(store: SandboxStore) -> list[tuple[str, int | None]]:
    """Nuvemshop suspends the app in this store: its API answers 402 until resumed; app/suspended."""
    SandboxStore.objects.filter(pk=store.pk).update(suspended=True)
    return send_webhook(store, "app/suspended", store.store_id)


def resume_app(store: SandboxStore) -> list[tuple[str, int | None]]:
    """The app is back in this store: its API answers again; app/resumed."""
    SandboxStore.objects.filter(pk=store.pk).update(suspended=False)
    return send_webhook(store, "app/resumed", store.store_id)


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


# --- webhooks --------------------------------------------------------------------------------------
def sign(body: bytes, *, encoding: str = "hex") -> str:
    """x-linkedstore-hmac-sha256: HMAC-SHA256 of the raw body keyed by the app's client secret."""
    digest = hmac.new(settings.NUVEMSHOP_CLIENT_SECRET.encode(), body, hashlib.sha256)
    return digest.hexdigest() if encoding == "hex" else base64.b64encode(digest.digest()).decode()


def ponte_webhook_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('nuvemshop:webhook')}"


def send_webhook(
    store: SandboxStore, event: str, resource_id, *, extra: dict | None = None
) -> list[tuple[str, int | None]]:
    """POST the signed, thin body to every URL registered for `event`; LGPD events (set up in the
    partner portal, not by API) go to Ponte's webhook address. Returns (url, HTTP status or None)."""
    urls = list(store.webhooks.filter(event=event).values_list("url", flat=True))
    if not urls and event.startswith(("store/", "customers/")):
        urls = [ponte_webhook_url()]
    body = json.dumps(
        {"store_id": store.store_id, "event": event, "id": resource_id, **(extra or {})}
    ).encode()
    sent = []
    for url in urls:
        try:
            response = requests.post(
                url,
                data=body,
                headers={"Content-Type": "application/json", "x-linkedstore-hmac-sha256": sign(body)},
                timeout=(2, 10),
            )
            sent.append((url, response.status_code))
        except requests.RequestException as error:
            logger.warning("sandbox webhook %s to %s failed: %s", event, url, error)
            sent.append((url, None))
    return sent


def register_webhook(store: SandboxStore, *, event: str, url: str) -> SandboxWebhook:
    return SandboxWebhook.objects.create(store=store, event=event, url=url)
