from django.db import IntegrityError, transaction

from .documents import document_kind, normalise_document
from .models import Customer, normalise_name


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
    name = " ".join((name or "").split())
    document = normalise_document(document)
    kind = document_kind(document) if document else ""
    email = (email or "").strip()
    lookup = {"name_key": normalise_name(name), "document": document}
    if not document:
        lookup["email__iexact"] = email

    existing = Customer.objects.filter(**lookup).order_by("pk").first()
    if existing is not None:
        _fill_missing_contacts(
            existing, email=email, business_phone=business_phone, mobile_phone=mobile_phone
        )
        return existing, False

    customer = Customer(
        name=name,
        document=document,
        document_kind=kind,
        email=email,
        business_phone=(business_phone or "").strip(),
        mobile_phone=(mobile_phone or "").strip(),
        origin=origin,
        origin_integration=origin_integration,
    )
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # Another worker created the same customer a moment ago (unique name + document).
        return Customer.objects.get(name_key=lookup["name_key"], document=document), False
    return customer, True


def _fill_missing_contacts(customer: Customer, **contacts: str) -> None:
    changed = []
    for field, value in contacts.items():
        value = (value or "").strip()
        if value and not getattr(customer, field):
            setattr(customer, field, value)
            changed.append(field)
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
