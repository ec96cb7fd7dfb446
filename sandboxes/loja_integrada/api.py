"""The sandbox's API endpoints, with the real API's envelope, auth check, paging, filters and limits.

Auth: `Authorization: chave_api {key} aplicacao {app key}` (or the same two as query parameters);
an unknown or revoked key, or another application key, is 401 with the same body, as the real API
answers (its 401 does not say which key it refused). The application key it accepts is
SANDBOX_LOJA_INTEGRADA_APP_KEY when set (a test playing a wrong or IP-bound Ponte key), else Ponte's.
Limit: `rate_limit` requests per `rate_window_seconds` per store (100 a minute by default), then
429 with Retry-After. Forced faults (SandboxStore.fault_*) come before everything else, as a flaky
network or store would.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.http import require_GET

from integrations.loja_integrada.mapper import parse_store_datetime

from . import store as sandbox
from .models import SandboxOrder, SandboxStore

MAX_LIMIT = 50
DEFAULT_LIMIT = 20


def _error(status: int, message: str, **headers) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _credentials(request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    words = header.split()
    if len(words) == 4 and words[0] == "chave_api" and words[2] == "aplicacao":
        return words[1], words[3]
    return request.GET.get("chave_api", ""), request.GET.get("aplicacao", "")


def _gate(request) -> SandboxStore | HttpResponseBase:
    """The store the request authenticates as, or the error response the real API would give."""
    api_key, app_key = _credentials(request)
    store = SandboxStore.objects.filter(api_key=api_key).first() if api_key else None
    if store is None:
        return _error(401, "Chave de API inválida.")
    with transaction.atomic():
        store = SandboxStore.objects.select_for_update().get(pk=store.pk)
        store.requests_served += 1
        fault = _forced_fault(store)
        if fault is None:
            fault = _over_limit(store)
        store.save()
    if fault is not None:
        return _network_fault(fault)
    expected_app = getattr(settings, "SANDBOX_LOJA_INTEGRADA_APP_KEY", "") or settings.LOJA_INTEGRADA_APP_KEY
    if store.revoked or (expected_app and app_key != expected_app):
        return _error(401, "Chave de API inválida.")
    return store


def _forced_fault(store: SandboxStore) -> JsonResponse | None:
    if store.fault_status is None or store.fault_remaining == 0:
        return None
    if store.requests_served % store.fault_every:
        return None
    if store.fault_remaining is not None:
        store.fault_remaining -= 1
    store.faults_served += 1
    if store.fault_status == 429:
        return _error(429, "Limite de requisições excedido.", Retry_After=f"{store.fault_retry_after:g}")
    if store.fault_status == 401:
        return _error(401, "Chave de API inválida.")
    if store.fault_status < 100:
        return store.fault_status  # played by _network_fault, outside the store row's lock
    return _error(store.fault_status, "Erro interno.")


def _network_fault(fault):
    """The network and body faults; an HTTP error response is passed through as it is."""
    if not isinstance(fault, int):
        return fault
    if fault == SandboxStore.Fault.TRUNCATED_JSON:
        return HttpResponse(
            b'{"meta": {"limit": 20, "next": null, "offset": 0, "total_co', content_type="application/json"
        )
    if fault == SandboxStore.Fault.MALFORMED_JSON:
        return HttpResponse(b"<html><body>502 Bad Gateway</body></html>", content_type="application/json")
    if fault == SandboxStore.Fault.SLOW:
        _connect, read_timeout = settings.STORE_HTTP_TIMEOUT
        time.sleep(read_timeout + 0.5)
        return _error(504, "Tempo esgotado.")

    def dropped():
        yield b'{"meta": {"limit": 20, '
        raise ConnectionAbortedError("sandbox: connection dropped half-way")

    response = StreamingHttpResponse(dropped(), content_type="application/json")
    response["Content-Length"] = "4096"
    return response


def _over_limit(store: SandboxStore) -> JsonResponse | None:
    if not store.enforce_rate_limit:
        return None
    now = timezone.now()
    window = timedelta(seconds=store.rate_window_seconds)
    if store.window_started_at is None or now - store.window_started_at >= window:
        store.window_started_at, store.window_count = now, 0
    store.window_count += 1
    if store.window_count <= store.rate_limit:
        return None
    wait = (store.window_started_at + window - now).total_seconds()
    return _error(429, "Limite de requisições excedido.", Retry_After=str(max(1, math.ceil(wait))))


@require_GET
def order_search(request):
    """`GET pedido/search/`: summaries ordered by number, filtered, offset-paged, with `meta`."""
    store = _gate(request)
    if isinstance(store, HttpResponseBase):
        return store
    orders = SandboxOrder.objects.filter(store=store).order_by("numero")
    try:
        for param, lookup in (
            ("since_atualizado", "data_modificacao__gte"),
            ("since_criado", "data_criacao__gte"),
        ):
            if request.GET.get(param):
                orders = orders.filter(**{lookup: parse_store_datetime(request.GET[param])})
        if request.GET.get("since_numero"):
            orders = orders.filter(numero__gte=int(request.GET["since_numero"]))
        limit = min(int(request.GET.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
        offset = int(request.GET.get("offset", 0))
    except ValueError:
        return _error(400, "Parâmetro inválido.")
    if limit < 1 or offset < 0:
        return _error(400, "Parâmetro inválido.")
    if offset > 0 and store.page_change:
        sandbox.take_page_change(store)
    if request.GET.get("situacao_id"):
        codes = [
            code for code, row in sandbox.situations().items() if str(row["id"]) == request.GET["situacao_id"]
        ]
        orders = orders.filter(situacao_codigo__in=codes)
    total = orders.count()
    page = list(orders[offset : offset + limit])

    def link(to_offset: int) -> str:
        query = {k: v for k, v in request.GET.items() if k not in ("chave_api", "aplicacao")}
        return f"{request.path}?{urlencode({**query, 'limit': limit, 'offset': to_offset})}"

    meta = {
        "limit": limit,
        "next": link(offset + limit) if offset + limit < total else None,
        "offset": offset,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "total_count": total,
    }
    return JsonResponse({"meta": meta, "objects": [sandbox.render_summary(order) for order in page]})


@require_GET
def order_detail(request, numero: int):
    """`GET pedido/{numero}`."""
    store = _gate(request)
    if isinstance(store, HttpResponseBase):
        return store
    order = SandboxOrder.objects.filter(store=store, numero=numero).first()
    if order is None:
        return _error(404, "Pedido não encontrado.")
    return JsonResponse(sandbox.render_detail(order))


@require_GET
def situation_list(request):
    """`GET situacao/`."""
    store = _gate(request)
    if isinstance(store, HttpResponseBase):
        return store
    rows = list(sandbox.situations().values())
    meta = {"limit": len(rows), "next": None, "offset": 0, "previous": None, "total_count": len(rows)}
    return JsonResponse({"meta": meta, "objects": rows})
