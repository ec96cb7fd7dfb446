"""The fake Nuvemshop's pages and API, served by this project when STORE_SANDBOXES is on."""

from __future__ import annotations

import json
import time
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.request_ids import parse_id
from sandboxes.access import control_panel

from . import services
from .models import SandboxOrder, SandboxStore, SandboxWebhook


def _callback_url(**params) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('nuvemshop:callback')}?{urlencode(params)}"


# --- the merchant's side ---------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def authorize(request, app_id: str):
    """The store's install page: *Instalar* sends the browser back to the app with code and state."""
    if app_id != str(settings.NUVEMSHOP_APP_ID):
        raise Http404("unknown app")
    state = request.GET.get("state") or request.POST.get("state", "")
    stores = SandboxStore.objects.all()
    if request.method == "GET":
        return render(request, "nuvemshop_sandbox/authorize.html", {"stores": stores, "state": state})
    if request.POST.get("action") == "deny":
        return HttpResponseRedirect(
            _callback_url(error="access_denied", error_description="The merchant denied access", state=state)
        )
    store = get_object_or_404(SandboxStore, pk=parse_id(request.POST.get("store")))
    return HttpResponseRedirect(_callback_url(code=services.issue_code(store), state=state))


# --- the demo's control panel ----------------------------------------------------------------------
@control_panel
@require_http_methods(["GET", "POST"])
def home(request):
    """The sandbox's control panel: stores, orders, and the merchant's actions on them.

    Gestor only, like the Loja Integrada sandbox: its buttons create orders, mark them paid and
    send signed webhooks into Ponte. The store's own pages and endpoints (authorize, token, the
    API) stay open: the merchant and the app reach them as they reach the real store, and the
    token and API check the app's secret and the store's token themselves.
    """
    if request.method == "POST":
        _act(request.POST)
        return redirect("nuvemshop_sandbox:home")
    return render(
        request,
        "nuvemshop_sandbox/home.html",
        {
            "stores": SandboxStore.objects.prefetch_related("orders", "webhooks"),
            "webhook_url": services.ponte_webhook_url(),
        },
    )


# The merchant's changes to an order; each sends its webhook unless "lost delivery" is ticked.
ORDER_CHANGES = {
    "pay": services.mark_paid,
    "cancel": services.cancel_order,
    "refund": services.refund_order,
    "void": services.void_order,
    "charge_back": services.charge_back,
}


def _act(data) -> None:
    action = data.get("action")
    if action in (*ORDER_CHANGES, "partial_refund", "customers/redact", "customers/data_request"):
        order = get_object_or_404(SandboxOrder, pk=parse_id(data.get("order")))
        notify = not data.get("lost")
        if action in ORDER_CHANGES:
            ORDER_CHANGES[action](order, notify=notify)
        elif action == "partial_refund":
            services.refund_order(order, amount=_amount(data.get("amount"), order), notify=notify)
        else:
            services.privacy_request(order, action)
        return
    store = get_object_or_404(SandboxStore, pk=parse_id(data.get("store")))
    if action == "new_order":
        services.create_order(store)
    elif action == "new_paid_order":
        order = services.create_order(store)
        services.mark_paid(order)
    elif action == "uninstall":
        services.uninstall(store)
    elif action == "suspend":
        services.suspend_app(store)
    elif action == "resume":
        services.resume_app(store)


def _amount(value, order: SandboxOrder) -> Decimal:
    """The partial refund typed on the panel (1.234,56 or 1234.56); half the total if unreadable."""
    text = str(value or "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("0")
    return amount if amount > 0 else (Decimal(order.data["total"]) / 2).quantize(Decimal("0.01"))


# --- OAuth token endpoint --------------------------------------------------------------------------
@csrf_exempt
@require_POST
def token(request):
    answer = services.exchange_code(
        client_id=request.POST.get("client_id", ""),
        client_secret=request.POST.get("client_secret", ""),
        code=request.POST.get("code", ""),
        grant_type=request.POST.get("grant_type", ""),
    )
    return JsonResponse(answer.body, status=answer.status)


# --- the API ---------------------------------------------------------------------------------------
def _error(status: int, message: str, description: str = "") -> JsonResponse:
    return JsonResponse({"code": status, "message": message, "description": description}, status=status)


@csrf_exempt
def api(request, store_id: int, resource: str):
    """`/v1/{store_id}/…` with Nuvemshop's checks, in its order: User-Agent, token, the app's
    suspension, rate."""
    store = SandboxStore.objects.filter(store_id=store_id).first()
    if not request.headers.get("User-Agent"):
        return _error(400, "Bad Request", "Missing User-Agent header")
    auth = request.headers.get("Authentication", "")
    if (
        store is None
        or not store.installed
        or auth != f"bearer {store.access_token}"
        or not store.access_token
    ):
        return _error(401, "Unauthorized", "Invalid access token")
    slot = services.take_slot(store)
    headers = {
        "x-rate-limit-limit": str(slot.limit),
        "x-rate-limit-remaining": str(slot.remaining),
        "x-rate-limit-reset": str(slot.reset_ms),
    }
    if not slot.allowed:
        response = _error(429, "Too Many Requests", "Rate limit exceeded")
    elif store.suspended:
        response = _error(402, "Payment Required", "The app is suspended in this store")
    elif (forced := services.take_forced_status(store)) is not None:
        response = _forced(forced)
    else:
        response = _route(request, store, resource.strip("/"))
    for name, value in headers.items():
        response[name] = value
    return response


def _forced(status: int) -> HttpResponse:
    """A forced HTTP status, or one of the network and body faults (SandboxStore.Fault)."""
    if status >= 100:
        return _error(status, "Forced by the sandbox", "")
    if status == SandboxStore.Fault.TRUNCATED_JSON:
        return HttpResponse(b'[{"id": 817495101, "number": 101, "cont', content_type="application/json")
    if status == SandboxStore.Fault.MALFORMED_JSON:
        return HttpResponse(b"<html><body>502 Bad Gateway</body></html>", content_type="application/json")
    if status == SandboxStore.Fault.SLOW:
        _connect, read_timeout = settings.STORE_HTTP_TIMEOUT
        time.sleep(read_timeout + 0.5)
        return _error(504, "Gateway Timeout", "")

    def dropped():
        yield b'[{"id": 817495101, '
        raise ConnectionAbortedError("sandbox: connection dropped half-way")

    response = StreamingHttpResponse(dropped(), content_type="application/json")
    response["Content-Length"] = "4096"
    return response


def _route(request, store: SandboxStore, resource: str) -> HttpResponse:
    parts = resource.split("/")
    if parts == ["store"] and request.method == "GET":
        return JsonResponse({"id": store.store_id, "name": {"pt": store.name}, "main_currency": "BRL"})
    if parts == ["orders"] and request.method == "GET":
        return _orders_page(request, store)
    if len(parts) == 2 and parts[0] == "orders" and request.method == "GET":
        order = SandboxOrder.objects.filter(
            store=store, order_id=parts[1] if parts[1].isdigit() else -1
        ).first()
        return JsonResponse(order.data) if order else _error(404, "Not Found", "Order not found")
    if parts == ["webhooks"]:
        if request.method == "POST":
            body = json.loads(request.body or b"{}")
            hook = services.register_webhook(store, event=body.get("event", ""), url=body.get("url", ""))
            return JsonResponse(_hook_json(hook), status=201)
        return JsonResponse([_hook_json(h) for h in store.webhooks.all()], safe=False)
    if len(parts) == 2 and parts[0] == "webhooks" and request.method == "DELETE":
        SandboxWebhook.objects.filter(store=store, pk=parts[1] if parts[1].isdigit() else -1).delete()
        return JsonResponse({})
    return _error(404, "Not Found", resource)


def _hook_json(hook: SandboxWebhook) -> dict:
    return {"id": hook.pk, "event": hook.event, "url": hook.url}


def _orders_page(request, store: SandboxStore) -> HttpResponse:
    """Orders filtered like the real API, `per_page` ≤ 200, `Link` rel=next, `x-total-count`;
    an empty result is a 404 "Last page is 0", as Nuvemshop answers."""
    try:
        per_page = min(max(int(request.GET.get("per_page", 30)), 1), 200)
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return _error(422, "Unprocessable Entity", "page and per_page are numbers")
    if page > 1 and store.page_change:
        services.take_page_change(store)
    orders = services.orders_query(store, request.GET)
    total = orders.count()
    rows = list(orders[(page - 1) * per_page : page * per_page])
    if not rows:
        response = _error(404, "Not Found", "Last page is 0")
        response["x-total-count"] = str(total)
        return response
    response = JsonResponse([row.data for row in rows], safe=False)
    response["x-total-count"] = str(total)
    if page * per_page < total:
        params = request.GET.copy()
        params["page"] = str(page + 1)
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{params.urlencode()}>; rel="next"'
    return response
