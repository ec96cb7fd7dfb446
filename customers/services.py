from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.services import Action, audit_entry

from .addresses import EXEMPT, normalise_state_registration, validate_state_registration
from .documents import document_kind, normalise_document
from .models import Customer, normalise_name


@dataclass(frozen=True)
class CustomerKey:
    """What the matching rule compares: the name (no case, no extra spaces) and the CPF/CNPJ, or,
    without a document, the name and the e-mail (no case)."""

    name: str
    name_key: str
    document: str
    kind: str
    email: str

    @classmethod
    def of(cls, *, name: str, document: str = "", email: str = "") -> CustomerKey:
        """Raises ValidationError when the document is not a valid CPF or CNPJ."""
        name = " ".join((name or "").split())
        document = normalise_document(document)
        return cls(
            name=name,
            name_key=normalise_name(name),
            document=document,
            kind=document_kind(document) if document else "",
            email=(email or "").strip(),
        )

    @property
    def match(self) -> tuple[str, str, str]:
        return (self.name_key, self.document, "" if self.document else self.email.lower())


def match_of(customer: Customer) -> tuple[str, str, str]:
    """The customer's CustomerKey.match, from its stored fields."""
    return (customer.name_key, customer.document, "" if customer.document else customer.email.lower())


def customers_matching(keys: Iterable[CustomerKey]) -> dict[tuple[str, str, str], Customer]:
    """The existing customer of each key by the matching rule (the oldest when several), in one query."""
    keys = list(keys)
    if not keys:
        return {}
    rows = Customer.objects.filter(
        name_key__in={key.name_key for key in keys}, document__in={key.document for key in keys}
    ).order_by("pk")
    wanted = {key.match for key in keys}
    found: dict[tuple[str, str, str], Customer] = {}
    for customer in rows:
        match = match_of(customer)
        if match in wanted:
            found.setdefault(match, customer)
    return found


def new_customer(key: CustomerKey, **fields) -> Customer:
    """An unsaved customer for `key`, its derived fields set (bulk_create does not call save())."""
    customer = Customer(
        name=key.name,
        name_key=key.name_key,
        document=key.document,
        document_kind=key.kind,
        email=key.email,
        **fields,
    )
    for field in ("business_phone", "mobile_phone"):
        setattr(customer, field, (getattr(customer, field) or "").strip())
    return customer


def missing_contacts(customer: Customer, **contacts: str) -> dict[str, str]:
    """The contact details the customer lacks and these give; nothing it has is overwritten."""
    missing = {}
    for field, value in contacts.items():
        value = (value or "").strip()
        if value and not getattr(customer, field):
            missing[field] = value
    return missing


def find_or_create_customer(
    *,
    name: str,
    document: str = "",
    email: str = "",
    business_phone: str = "",
    mobile_phone: str = "",
    origin: str = Customer.Origin.MANUAL,
    origin_integration=None,
) -> tuple[Customer, bool]:
    """Reuse a customer only when both the name and the CPF/CNPJ match; otherwise create one.

    Names compare without case or surrounding/doubled spaces; documents by their digits (or the
    characters of an alphanumeric CNPJ), so "123.456.789-09" and "12345678909" are the same.
    Same document under another name, or same name under another document, is a new customer.
    Without a document, the name and the e-mail must both match.

    An existing customer gains contact details it lacked; nothing it has is overwritten.
    Raises ValidationError when the document is not a valid CPF or CNPJ. Returns (customer, created).
    """
    key = CustomerKey.of(name=name, document=document, email=email)
    existing = customers_matching([key]).get(key.match)
    if existing is not None:
        fill_missing_contacts(
            existing,
            missing_contacts(existing, email=email, business_phone=business_phone, mobile_phone=mobile_phone),
        )
        return existing, False

    customer = new_customer(
        key,
        business_phone=business_phone,
        mobile_phone=mobile_phone,
        origin=origin,
        origin_integration=origin_integration,
    )
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # Another worker created the same customer a moment ago (unique name + document).
        return Customer.objects.get(name_key=key.name_key, document=key.document), False
    return customer, True


def fill_missing_contacts(customer: Customer, missing: dict[str, str]) -> None:
    """Save the contact details `missing_contacts` found (one UPDATE, none when nothing is missing)."""
    if not missing:
        return
    for field, value in missing.items():
        setattr(customer, field, value)
    customer.save(update_fields=[*missing, "updated_at"])


@dataclass(frozen=True)
class StoreAddressFields:
    """A store's billing address for a customer, in the customer's field names."""

    street: str = ""
    street_number: str = ""
    address_complement: str = ""
    district: str = ""
    postal_code: str = ""
    city: str = ""
    state: str = ""
    state_registration: str = ""


def store_address_changes(customer: Customer, address: StoreAddressFields, as_of: datetime | None) -> dict:
    """What a store's order changes in the customer's billing address and IE: {field: (old, new)}.

    The store's address is taken when the customer has none, or when the order is at least as
    recent as the address the customer has (an older order delivered late changes nothing). An
    order without an address never erases one. A company's IE from the store is kept when it is
    valid in the address's state; ISENTO makes it exempt; a person (CPF) keeps no IE.
    """
    if not (address.street or address.postal_code or address.city):
        return {}
    if customer.address_updated_at and as_of and as_of < customer.address_updated_at:
        return {}
    proposed = Customer(**{name: getattr(customer, name) for name in ("document", "document_kind")})
    for name in Customer.ADDRESS_FIELDS:
        setattr(proposed, name, getattr(address, name, ""))
    proposed.normalise_address()
    fields = [*Customer.ADDRESS_FIELDS]
    if customer.document_kind == "cnpj" and address.state_registration:
        registration = normalise_state_registration(address.state_registration)
        try:
            registration = validate_state_registration(registration, proposed.state)
        except ValidationError:
            registration = ""
        if registration:
            proposed.state_registration = registration
            proposed.ie_indicator = (
                Customer.IeIndicator.EXEMPT if registration == EXEMPT else Customer.IeIndicator.CONTRIBUTOR
            )
            fields += ["state_registration", "ie_indicator"]
    return {
        name: (getattr(customer, name), getattr(proposed, name))
        for name in fields
        if getattr(customer, name) != getattr(proposed, name)
    }


def apply_store_address(customer: Customer, address: StoreAddressFields, as_of: datetime | None):
    """Give the customer the store's newer billing address (see store_address_changes). A customer
    that already existed gets an audit entry (unsaved, returned for the caller to write with its
    batch) naming each field that changed; a new one (no pk yet) just starts with it."""
    changes = store_address_changes(customer, address, as_of)
    if not changes:
        return None
    for name, (_old, new) in changes.items():
        setattr(customer, name, new)
    customer.address_updated_at = as_of
    if customer.pk is None:
        return None
    customer.save(update_fields=[*changes, "address_updated_at", "updated_at"])
    return audit_entry(actor=None, action=Action.CUSTOMER_ADDRESS_FROM_STORE, obj=customer, changes=changes)
