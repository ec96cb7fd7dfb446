"""The plain shape every store's order is mapped to. The import pipeline sees nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class StoreCustomer:
    name: str
    document: str = ""  # CPF or CNPJ as the store sent it; normalised and validated downstream
    email: str = ""
    business_phone: str = ""
    mobile_phone: str = ""


@dataclass(frozen=True)
class StoreOrderItem:
    description: str  # the store's name for the item; goes to "Detalhes do item"
    quantity: Decimal
    unit_price: Decimal
    sku: str = ""
    store_product_id: str = ""
    store_variant_id: str = ""


@dataclass(frozen=True)
class StoreOrder:
    store_order_id: str  # the store's key for the order
    number: str  # for display only
    placed_at: datetime  # aware; the activation rule compares it
    updated_at: datetime | None  # aware; the store's last change, for the sync cursor
    is_paid: bool  # the store says the sale is concluded (paid / in a concluded situation)
    status_label: str  # the store's own status, for reasons shown to people
    currency: str
    customer: StoreCustomer
    items: tuple[StoreOrderItem, ...]
    shipping_amount: Decimal = Decimal("0")
    discount_amount: Decimal = Decimal("0")
    total_amount: Decimal | None = None  # the store's total, checked against ours
    paid_at: datetime | None = None
    is_cancelled: bool = False
    # How the customer paid in the store: a Sale.PaymentMethod value ("" when the store's method has
    # no match), the installments (None when unknown) and the store's own words for it.
    payment_method: str = ""
    payment_installments: int | None = None
    payment_label: str = ""
    # What the store sent, kept on the ImportRecord for people to read; never parsed downstream.
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


class StoreOrderError(ValueError):
    """A store order that cannot be mapped; the message is readable by a clerk."""

    def __init__(self, reason: str, *, store_order_id: str = "", number: str = "", raw: Any = None):
        super().__init__(reason)
        self.reason = reason
        self.store_order_id = store_order_id
        self.number = number
        self.raw = raw
