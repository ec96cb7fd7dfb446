"""What the sandbox store does: create stores and orders, change their situation, force faults, and
render orders in the API's own JSON shapes (the documented detail and search-row examples)."""

from __future__ import annotations

import json
import secrets
import zlib
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from integrations.loja_integrada.mapper import SAO_PAULO

from .models import SandboxOrder, SandboxStore

PAID = "pedido_pago"
# The merchant's later word on an order (the store has no partial refund nor void situation, and
# no webhooks: Ponte reads every change on its next run).
CANCELLED = "pedido_cancelado"
REFUNDED = "pagamento_devolvido"
CHARGED_BACK = "pedido_chargeback"
IN_DISPUTE = "pagamento_em_disputa"

DEFAULT_CUSTOMER = {
    "nome": "Fulano de Tal",
    "cpf": "12345678909",
    "cnpj": None,
    "razao_social": None,
    "email": "fulano@exemplo.invalid",
    "telefone_principal": None,
    "telefone_celular": "21900000000",
}
DEFAULT_ITEMS = [
    {"nome": "Casaco infantil", "sku": "casaco-azul-tam-m666", "quantidade": "1.00", "preco": "11.10"}
]


@cache
def situations() -> dict[str, dict]:
    """The store's situation list, as documented (its `situacao` example)."""
    rows = json.loads((Path(__file__).parent / "data" / "situacoes.json").read_text(encoding="utf-8"))
    return {row["codigo"]: row for row in rows}


def situation(code: str) -> dict:
    """A situation object; an unknown code gets one of its own, as a store's custom code would."""
    return situations().get(code) or {
        "aprovado": False,
        "cancelado": False,
        "codigo": code,
        "final": False,
        "id": 999,
        "nome": code,
        "notificar_comprador": False,
        "padrao": False,
        "resource_uri": "/api/v1/situacao/999",
    }


def create_store(name: str = "Loja sandbox", *, api_key: str | None = None, **options) -> SandboxStore:
    """A sandbox store with its API key (random unless given)."""
    return SandboxStore.objects.create(name=name, api_key=api_key or secrets.token_hex(16), **options)


def add_order(
    store: SandboxStore,
    *,
    situacao: str = PAID,
    placed_at: datetime | None = None,
    customer: dict | None = None,
    items: list[dict] | None = None,
    freight: str = "21.38",
    discount: str = "0.00",
    numero: int | None = None,
    changed_at: datetime | None = None,
) -> SandboxOrder:
    """An order in the documented detail shape. Items are {nome, sku, quantidade, preco[, produto]}.

    `changed_at` (default: when placed) is its last change, what `since_atualizado` filters on."""
    placed_at = placed_at or timezone.now()
    with transaction.atomic():
        if numero is None:
            last = SandboxOrder.objects.filter(store=store).aggregate(last=Max("numero"))["last"]
            numero = (last or 100) + 1
        payload = _detail_payload(customer or DEFAULT_CUSTOMER, items or DEFAULT_ITEMS, freight, discount)
        return SandboxOrder.objects.create(
            store=store,
            numero=numero,
            situacao_codigo=situacao,
            data_criacao=placed_at,
            data_modificacao=changed_at or placed_at,
            payload=payload,
        )


def add_paid_order(store: SandboxStore, **fields) -> SandboxOrder:
    """A paid order (situation `pedido_pago`), placed now unless told otherwise."""
    return add_order(store, situacao=PAID, **fields)


def set_situation(order: SandboxOrder, code: str, *, at: datetime | None = None) -> SandboxOrder:
    """The merchant moves the order to another situation; its last change is now."""
    order.situacao_codigo = code
    order.data_modificacao = at or timezone.now()
    order.save(update_fields=["situacao_codigo", "data_modificacao"])
    return order


def cancel_order(order: SandboxOrder, **kwargs) -> SandboxOrder:
    return set_situation(order, CANCELLED, **kwargs)


def refund_order(order: SandboxOrder, **kwargs) -> SandboxOrder:
    return set_situation(order, REFUNDED, **kwargs)


def charge_back(order: SandboxOrder, **kwargs) -> SandboxOrder:
    return set_situation(order, CHARGED_BACK, **kwargs)


def set_faults(
    store: SandboxStore,
    status: int | None,
    *,
    every: int = 1,
    count: int | None = None,
    retry_after: float = 0,
) -> SandboxStore:
    """From now on every `every`-th request answers `status` (429, 500 or 401), `count` times
    (None: until switched off with status=None)."""
    store.fault_status = status
    store.fault_every = max(1, every)
    store.fault_remaining = count
    store.fault_retry_after = retry_after
    store.save(update_fields=["fault_status", "fault_every", "fault_remaining", "fault_retry_after"])
    return store


def change_between_pages(store: SandboxStore, change: str) -> SandboxStore:
    """Once, between the reads of page 1 and page 2 of `pedido/search` (SandboxStore.PageChange)."""
    store.page_change = change
    store.save(update_fields=["page_change"])
    return store


def take_page_change(store: SandboxStore) -> None:
    """Play the store's switched-on page change, once."""
    with transaction.atomic():
        row = SandboxStore.objects.select_for_update().get(pk=store.pk)
        change, row.page_change = row.page_change, ""
        row.save(update_fields=["page_change"])
    first = SandboxOrder.objects.filter(store=row).order_by("numero").first()
    if change == SandboxStore.PageChange.LATE_PAID_ORDER:
        # Numbered when it was placed, committed only now: it sorts ahead of every listed order.
        numero = (first.numero if first else 101) - 1
        placed = first.data_criacao - timedelta(minutes=1) if first else timezone.now()
        add_paid_order(row, numero=numero, placed_at=placed, changed_at=timezone.now())
    elif change == SandboxStore.PageChange.ORDER_UPDATED and first is not None:
        set_situation(first, "pedido_enviado")


def revoke_key(store: SandboxStore) -> SandboxStore:
    """The merchant deleted the key: every call answers 401 from now on."""
    store.revoked = True
    store.save(update_fields=["revoked"])
    return store


def local_iso(moment: datetime) -> str:
    """The API's dates: naive São Paulo local time with microseconds."""
    return moment.astimezone(SAO_PAULO).replace(tzinfo=None).isoformat(timespec="microseconds")


def render_detail(order: SandboxOrder) -> dict[str, Any]:
    """`GET /pedido/{numero}`: the stored payload with the fields the sandbox keeps up to date."""
    return {
        **order.payload,
        "numero": order.numero,
        "resource_uri": f"/api/v1/pedido/{order.numero}",
        "data_criacao": local_iso(order.data_criacao),
        "data_expiracao": local_iso(order.data_criacao + timedelta(days=6)),
        "data_modificacao": local_iso(order.data_modificacao),
        "situacao": situation(order.situacao_codigo),
    }


def render_summary(order: SandboxOrder) -> dict[str, Any]:
    """A row of `pedido/search`: no items, the customer as a URI (as in the documented example)."""
    detail = render_detail(order)
    customer = detail.get("cliente")
    keep = (
        "data_criacao", "data_expiracao", "data_modificacao", "id_anymarket", "id_externo", "numero",
        "peso_real", "resource_uri", "situacao", "utm_campaign", "valor_desconto", "valor_envio",
        "valor_subtotal", "valor_total",
    )  # fmt: skip
    summary = {key: detail.get(key) for key in keep}
    summary["cliente"] = customer.get("resource_uri") if isinstance(customer, dict) else customer
    return summary


def _detail_payload(customer: dict, items: list[dict], freight: str, discount: str) -> dict[str, Any]:
    lines = []
    subtotal = Decimal("0")
    for position, item in enumerate(items, start=1):
        quantity, price = Decimal(str(item["quantidade"])), Decimal(str(item["preco"]))
        subtotal += quantity * price
        # A stable product id per name, like the store's own ids.
        product_id = item.get("produto_id") or 88_000_000 + zlib.crc32(item["nome"].encode()) % 1_000_000
        lines.append(
            {
                "id": 156487060 + position,
                "linha": position,
                "nome": item["nome"],
                "sku": item.get("sku", ""),
                "quantidade": str(item["quantidade"]),
                "preco_cheio": str(item["preco"]),
                "preco_custo": None,
                "preco_promocional": str(item["preco"]),
                "preco_subtotal": str(item["preco"]),
                "preco_venda": str(item["preco"]),
                "produto": item.get(
                    "produto", {"id_externo": None, "resource_uri": f"/api/v1/produto/{product_id}"}
                ),
                "tipo": "normal",
            }
        )
    total = subtotal.quantize(Decimal("0.01")) + Decimal(freight) - Decimal(discount)
    client = {
        "id": 34220641,
        "resource_uri": "/api/v1/cliente/34220641",
        "data_nascimento": None,
        "sexo": "",
        **customer,
    }
    return {
        "cliente": client,
        "cliente_obs": None,
        "cupom_desconto": None,
        "id_anymarket": None,
        "id_externo": None,
        "itens": lines,
        "endereco_entrega": {
            "nome": client.get("nome"),
            "endereco": "Rua Exemplo",
            "numero": "1",
            "bairro": "Bairro Exemplo",
            "cidade": "Rio de Janeiro",
            "estado": "RJ",
            "cep": "00000000",
            "pais": "Brasil",
        },
        "envios": [
            {"forma_envio": {"code": "PAC", "nome": "Enviali", "tipo": "PAC"}, "prazo": 7, "valor": freight}
        ],
        "pagamentos": [
            {"forma_pagamento": {"codigo": "pagsegurov2", "nome": "PagSeguro V2"}, "valor": str(total)}
        ],
        "peso_real": "0.450",
        "utm_campaign": None,
        "valor_desconto": discount,
        "valor_envio": freight,
        "valor_subtotal": str(subtotal.quantize(Decimal("0.01"))),
        "valor_total": str(total),
    }
