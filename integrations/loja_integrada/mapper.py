"""Loja Integrada order JSON → StoreOrder. A pure function: no database, no HTTP.

Shapes seen in the documented examples, all accepted: dates as naive São Paulo local time with
`T` or a space; money and quantities as decimal strings with 2 or 4 places (or numbers);
`itens[].produto` as an object or as a resource URI string; customers with a CPF or a CNPJ;
phones as null or empty. Whether a sale is concluded is read from `situacao.codigo` only, never
from `situacao.aprovado` (a payment in dispute or in chargeback is `aprovado: true`).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from integrations.store_order import (
    StoreAddress,
    StoreCustomer,
    StoreOrder,
    StoreOrderError,
    StoreOrderItem,
    StoreState,
)

SAO_PAULO = ZoneInfo("America/Sao_Paulo")

# The situations in which a Loja Integrada sale is paid/concluded (only concluded sales are imported).
# The store's own list has no `faturado`: a code outside the list is unknown, so not paid.
CONCLUDED_CODES = frozenset(
    {
        "pedido_pago",
        "em_producao",
        "pedido_em_separacao",
        "pedido_enviado",
        "pronto_para_retirada",
        "pedido_entregue",
    }
)
# Situations in which the money went back: not a sale to keep (shown as "cancelled" in the import
# log; applied to a sale already imported). A chargeback is `aprovado: true` and final, yet the
# money went back.
GONE_BACK_CODES = {
    "pedido_cancelado": StoreState.CANCELLED,
    "pagamento_devolvido": StoreState.REFUNDED,
    "pedido_chargeback": StoreState.CHARGED_BACK,
}
CANCELLED_CODES = frozenset(GONE_BACK_CODES)

_TRAILING_ID = re.compile(r"/(\d+)/?(?:\?.*)?$")


def store_state(code: str) -> StoreState:
    """What a situation code says about the money; by the code only, never by `aprovado` (a
    payment in dispute or in chargeback is `aprovado: true`). Unknown codes are not paid."""
    if code in CONCLUDED_CODES:
        return StoreState.PAID
    return GONE_BACK_CODES.get(code, StoreState.AWAITING)


def summary_state(summary: Any) -> tuple[StoreState, str] | None:
    """(state, the situation's name) of a `pedido/search` row, which carries `situacao` whole;
    None when the row does not say."""
    situation = summary.get("situacao") if isinstance(summary, dict) else None
    code = _text(situation.get("codigo")) if isinstance(situation, dict) else ""
    if not code:
        return None
    return store_state(code), _text(situation.get("nome")) or code


def parse_store_datetime(value: Any) -> datetime:
    """A Loja Integrada timestamp (naive, São Paulo local time) as an aware datetime."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("empty date")
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SAO_PAULO)
    return moment.astimezone(SAO_PAULO)


def store_datetime_param(moment: datetime) -> str:
    """An aware datetime as the naive São Paulo local time the API's date filters expect."""
    return moment.astimezone(SAO_PAULO).replace(tzinfo=None).isoformat(timespec="seconds")


def map_order(data: Any) -> StoreOrder:
    """The detail of one order (`GET /pedido/{numero}`) as a StoreOrder.

    Raises StoreOrderError, with a reason a clerk can read, when the order cannot be read.
    """
    if not isinstance(data, dict):
        raise StoreOrderError(_("The store sent something that is not an order."), raw=data)
    number = _text(data.get("numero"))
    if not number:
        raise StoreOrderError(_("The order has no number."), raw=data)

    def fail(reason: str) -> StoreOrderError:
        return StoreOrderError(
            _("Order %(number)s: %(reason)s") % {"number": number, "reason": reason},
            store_order_id=number,
            number=number,
            raw=data,
        )

    placed_at = _date(data.get("data_criacao"), fail, _("creation date"))
    updated_at = (
        _date(data.get("data_modificacao"), fail, _("last change date"))
        if data.get("data_modificacao")
        else placed_at
    )
    situation = data.get("situacao")
    if not isinstance(situation, dict) or not _text(situation.get("codigo")):
        raise fail(_("the order has no situation code."))
    code = _text(situation["codigo"])

    items_data = data.get("itens")
    if not isinstance(items_data, list) or not items_data:
        raise fail(_("the order has no items."))
    items = tuple(_item(line, position, fail) for position, line in enumerate(items_data, start=1))

    return StoreOrder(
        store_order_id=number,
        number=number,
        placed_at=placed_at,
        updated_at=updated_at,
        is_paid=code in CONCLUDED_CODES,
        is_cancelled=code in CANCELLED_CODES,
        store_state=store_state(code),
        status_label=_text(situation.get("nome")) or code,
        currency="BRL",  # Loja Integrada sells in reais only
        customer=_customer(data.get("cliente"), fail, data.get("endereco_entrega"), placed_at),
        items=items,
        shipping_amount=_money(data.get("valor_envio"), fail, _("freight"), default=Decimal("0")),
        discount_amount=_money(data.get("valor_desconto"), fail, _("discount"), default=Decimal("0")),
        total_amount=_money(data.get("valor_total"), fail, _("total"), default=None),
        raw=data,
    )


def summary_key(summary: Any) -> tuple[str, datetime]:
    """(numero, data_modificacao) of a row of `pedido/search`; ValueError when unreadable."""
    if not isinstance(summary, dict):
        raise ValueError("not an object")
    number = _text(summary.get("numero"))
    if not number:
        raise ValueError("no numero")
    return number, parse_store_datetime(summary.get("data_modificacao") or summary.get("data_criacao"))


def product_id(produto: Any) -> str:
    """The store's product id from `itens[].produto`, an object or a resource URI string."""
    if isinstance(produto, dict):
        if produto.get("id") not in (None, ""):
            return _text(produto["id"])
        produto = produto.get("resource_uri") or ""
    if isinstance(produto, str):
        match = _TRAILING_ID.search(produto.strip())
        return match.group(1) if match else ""
    if isinstance(produto, int):
        return str(produto)
    return ""


def map_address(cliente: Any, delivery: Any = None, *, as_of: datetime | None = None) -> StoreAddress | None:
    """The customer's address: their main address (`cliente.enderecos`, `principal` first, as the
    customer resource sends it), else the order's `endereco_entrega`. None when there is none."""
    addresses = cliente.get("enderecos") if isinstance(cliente, dict) else None
    candidates = [a for a in addresses or [] if isinstance(a, dict)]
    candidates.sort(key=lambda address: not address.get("principal"))
    if isinstance(delivery, dict):
        candidates.append(delivery)
    for address in candidates:
        mapped = StoreAddress(
            street=_text(address.get("endereco")),
            number=_text(address.get("numero")),
            complement=_text(address.get("complemento")),
            district=_text(address.get("bairro")),
            postal_code=_text(address.get("cep")),
            city=_text(address.get("cidade")),
            state=_text(address.get("estado")),
            country=_text(address.get("pais")),
            updated_at=as_of,
        )
        if not mapped.is_empty:
            return mapped
    return None


def _state_registration(cliente: dict, delivery: Any) -> str:
    """The IE of a company buyer: the customer's, else the delivery address's ("isento" kept)."""
    delivery = delivery if isinstance(delivery, dict) else {}
    return _text(cliente.get("ie")) or _text(delivery.get("ie"))


def _customer(data: Any, fail, delivery: Any = None, placed_at: datetime | None = None) -> StoreCustomer:
    if not isinstance(data, dict):
        raise fail(_("the order has no customer data."))
    cnpj = _text(data.get("cnpj"))
    company_name = _text(data.get("razao_social"))
    # A company buys under its legal name; a person under their own.
    name = company_name if cnpj and company_name else _text(data.get("nome"))
    if not name:
        raise fail(_("the customer has no name."))
    return StoreCustomer(
        name=name,
        document=cnpj or _text(data.get("cpf")),
        email=_text(data.get("email")),
        business_phone=_text(data.get("telefone_principal")) or _text(data.get("telefone_comercial")),
        mobile_phone=_text(data.get("telefone_celular")),
        address=map_address(data, delivery, as_of=placed_at),
        state_registration=_state_registration(data, delivery) if cnpj else "",
    )


def _item(line: Any, position: int, fail) -> StoreOrderItem:
    if not isinstance(line, dict):
        raise fail(_("item %(position)s is not readable.") % {"position": position})
    description = " ".join(_text(line.get("nome")).split())
    if not description:
        raise fail(_("item %(position)s has no name.") % {"position": position})
    label = _("quantity of %(item)s") % {"item": description}
    quantity = _money(line.get("quantidade"), fail, label, default=None)
    if quantity is None or quantity <= 0:
        raise fail(_("item %(item)s has no positive quantity.") % {"item": description})
    price_label = _("price of %(item)s") % {"item": description}
    unit_price = _money(line.get("preco_venda"), fail, price_label, default=None)
    if unit_price is None:
        unit_price = _money(line.get("preco_subtotal"), fail, price_label, default=None)
    if unit_price is None or unit_price < 0:
        raise fail(_("item %(item)s has no price.") % {"item": description})
    return StoreOrderItem(
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        sku=_text(line.get("sku")),
        store_product_id=product_id(line.get("produto")),
        gtin=_text(line.get("gtin")) or _text(line.get("ean")),
    )


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _money(value: Any, fail, label: str, *, default: Decimal | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise fail(_("%(field)s is not a number (%(value)s).") % {"field": label, "value": value})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise fail(_("%(field)s is not a number (%(value)s).") % {"field": label, "value": value}) from None
    if not number.is_finite():
        raise fail(_("%(field)s is not a number (%(value)s).") % {"field": label, "value": value})
    return number


def _date(value: Any, fail, label: str) -> datetime:
    try:
        return parse_store_datetime(value)
    except (TypeError, ValueError):
        raise fail(
            _("the %(field)s is missing or unreadable (%(value)s).") % {"field": label, "value": value}
        ) from None
