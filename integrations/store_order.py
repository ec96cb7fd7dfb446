"""The plain shape every store's order is mapped to. The import pipeline sees nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class StoreState(StrEnum):
    """What the store says about an order's money, whatever the store (each mapper maps its own
    codes to these): the import takes in paid orders only, and what the store says after the
    import is applied to the sale (integrations.importing.store_changes)."""

    PAID = "paid"  # paid or in a concluded situation
    AWAITING = "awaiting"  # not paid yet, in analysis, in dispute, or a code we do not know
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    VOIDED = "voided"  # the payment authorised was voided before it was captured
    CHARGED_BACK = "charged_back"
    PARTIALLY_REFUNDED = "partially_refunded"


# The money went back: not a sale to keep.
MONEY_GONE_BACK = frozenset(
    {StoreState.CANCELLED, StoreState.REFUNDED, StoreState.VOIDED, StoreState.CHARGED_BACK}
)


@dataclass(frozen=True)
class StoreAddress:
    """The customer's billing address as the store sent it; normalised (CEP, UF, IBGE code)
    downstream. `updated_at` is when the store last changed it, when the store says."""

    street: str = ""
    number: str = ""
    complement: str = ""
    district: str = ""
    postal_code: str = ""
    city: str = ""
    state: str = ""  # UF or the state's name
    country: str = ""  # "BR", "Brasil", … as sent; "" when the store does not say
    updated_at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.street or self.postal_code or self.city)


@dataclass(frozen=True)
class StoreCustomer:
    name: str
    document: str = ""  # CPF or CNPJ as the store sent it; normalised and validated downstream
    email: str = ""
    business_phone: str = ""
    mobile_phone: str = ""
    address: StoreAddress | None = None
    state_registration: str = ""  # IE digits, "ISENTO", or "" as the store sent it


@dataclass(frozen=True)
class StoreOrderItem:
    description: str  # the store's name for the item; goes to "Detalhes do item"
    quantity: Decimal
    unit_price: Decimal
    sku: str = ""
    store_product_id: str = ""
    store_variant_id: str = ""
    gtin: str = ""  # barcode as the store sent it; validated downstream


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
    # What the store says about the money (StoreState). `is_paid` and `is_cancelled` are the two
    # questions the import asks of it; when a caller sets only those, the state follows them.
    store_state: str | None = None
    # With a partial refund: how much went back, when the store says.
    refunded_amount: Decimal | None = None
    # What the store sent, kept on the ImportRecord for people to read; never parsed downstream.
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        state = self.store_state
        if self.is_cancelled:
            agrees = state in MONEY_GONE_BACK
        elif self.is_paid:
            agrees = state == StoreState.PAID
        else:
            agrees = state in (StoreState.AWAITING, StoreState.PARTIALLY_REFUNDED)
        if not agrees:
            state = (
                StoreState.CANCELLED
                if self.is_cancelled
                else StoreState.PAID
                if self.is_paid
                else StoreState.AWAITING
            )
        object.__setattr__(self, "store_state", StoreState(state))


class StoreOrderError(ValueError):
    """A store order that cannot be mapped; the message is readable by a clerk."""

    def __init__(self, reason: str, *, store_order_id: str = "", number: str = "", raw: Any = None):
        super().__init__(reason)
        self.reason = reason
        self.store_order_id = store_order_id
        self.number = number
        self.raw = raw
