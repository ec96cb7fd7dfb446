"""How the customer paid in the store, read into Ponte's terms: shared by both stores' mappers.

A store's payment block is read for the sale's `store_payment_method` (one of Sale.PaymentMethod,
or empty when the store's method has no match), `store_installments` and a label saying it as
the store did ("Cartão de crédito Mastercard 6x — PagSeguro V2"). A block of any other shape is
kept as text and never fails the import: the payment is advice to the clerk, not the order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sales.models import Sale

Method = Sale.PaymentMethod
LABEL_MAX = 255
MAX_INSTALLMENTS = 120

# Words in a custom method's name (Nuvemshop "custom", Loja Integrada's own codes) that say which it is.
_NAMED_METHODS = (
    (("pix",), Method.PIX),
    (("boleto",), Method.BOLETO),
    (("transfer", "depósito", "deposito", "ted", "doc"), Method.BANK_TRANSFER),
    (("dinheiro", "cash", "efectivo", "espécie", "especie"), Method.CASH),
    (("débito", "debito", "debit"), Method.DEBIT_CARD),
    (("crédito", "credito", "credit", "cartão", "cartao", "card"), Method.CREDIT_CARD),
)


@dataclass(frozen=True)
class StorePayment:
    method: str = ""  # a Sale.PaymentMethod value, or "" when the store's method has no match
    installments: int | None = None
    label: str = ""


def method_named(*names: Any) -> str:
    """The payment method a custom name reads as ("Transferência Bancária" → bank transfer), or ""."""
    text = " ".join(str(name or "") for name in names).lower()
    words = set(text.replace("-", " ").replace("_", " ").split())
    for keys, method in _NAMED_METHODS:
        if any((key in words) if len(key) <= 3 else (key in text) for key in keys):
            return method
    return ""


def installments(value: Any) -> int | None:
    """A number of installments as the stores send it (6, "6", "6.0"); None when not 1..120."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if number != number or not number.is_integer() or not 1 <= number <= MAX_INSTALLMENTS:
        return None
    return int(number)


def label(method: str, *, brand: Any = "", count: int | None = None, via: Any = "", name: Any = "") -> str:
    """ "Cartão de crédito Mastercard 6x — PagSeguro V2": method (or the store's name for it), card
    brand, installments when more than one, then the gateway when it is not the method's own name."""
    head = name_text = _text(name)
    if method and not name_text:
        head = str(Method(method).label)
    parts = [head, _brand(brand)]
    # A card paid at once says so ("1x": à vista); other methods name their installments only when split.
    if count and (count > 1 or method == Method.CREDIT_CARD):
        parts.append(f"{count}x")
    text = " ".join(part for part in parts if part)
    gateway = _text(via)
    if gateway and gateway.lower() not in text.lower():
        text = f"{text} — {gateway}" if text else gateway
    return text[:LABEL_MAX]


def unreadable(block: Any) -> StorePayment:
    """A payment block of an unexpected shape, kept as text for the clerk to read."""
    try:
        text = json.dumps(block, ensure_ascii=False, default=str, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(block)
    return StorePayment(label=(_("Unreadable payment: %(payment)s") % {"payment": text})[:LABEL_MAX])


def read_safely(reader, block: Any) -> StorePayment:
    """reader(block), or the block as text when it is not what the reader expects."""
    if block in (None, "", [], {}):
        return StorePayment()
    try:
        return reader(block)
    except Exception:  # any shape at all: the order is imported, the payment kept as text
        return unreadable(block)


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return " ".join(str(value).split())


def _brand(value: Any) -> str:
    text = _text(value)
    return text[:1].upper() + text[1:] if text.islower() else text
