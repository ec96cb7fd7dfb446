"""The LGPD requests Nuvemshop relays: erase or report what Ponte holds for a store or a customer.

Books are kept: a customer with a confirmed sale keeps the name and CPF/CNPJ the sale was booked
under (accounting and tax law oblige keeping them; LGPD art. 16, I), and loses e-mail and phones.
A customer with no confirmed sale, created by this store's imports and used by nothing else, is
anonymised. Everything the store sent (order payloads kept on the import log, webhook bodies)
is erased. Each request is recorded as a PrivacyRequest with a report for the manager.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.documents import normalise_document
from customers.models import Customer, normalise_name
from integrations.models import ImportRecord, Integration, WebhookEvent
from integrations.store_ids import store_id_or_none
from sales.models import Sale

from .models import PrivacyRequest

EVENTS = frozenset(PrivacyRequest.Kind.values)
REDACTED = {"redacted": True}


def shape_problem(event: str, data: dict) -> str | None:
    """What is wrong with an LGPD request's body, or None: `customer` and `data_request` are
    objects of plain values, the order lists are lists of store ids. A body of another shape is
    refused whole rather than read half."""
    customer, request = data.get("customer"), data.get("data_request")
    if customer is not None and not _flat_object(customer):
        return "customer is not an object of plain values"
    if request is not None and not _flat_object(request):
        return "data_request is not an object of plain values"
    for key in ("orders_to_redact", "orders_requested"):
        orders = data.get(key)
        if orders is not None and not (
            isinstance(orders, list) and all(store_id_or_none(order) is not None for order in orders)
        ):
            return f"{key} is not a list of order ids"
    return None


def _flat_object(value) -> bool:
    return isinstance(value, dict) and all(
        item is None or isinstance(item, str | int) for item in value.values()
    )


def resource_id(event: str, data: dict) -> str:
    """What a repeat of this request shares with the first: the customer, or the store."""
    customer = data.get("customer") or {}
    request_id = (data.get("data_request") or {}).get("id")
    return str(request_id or customer.get("id") or customer.get("email") or data.get("store_id") or "")


def handle(integration: Integration, event: WebhookEvent) -> PrivacyRequest:
    data = event.body or {}
    customer = data.get("customer") or {}
    with transaction.atomic():
        request = PrivacyRequest.objects.create(
            integration=integration, kind=event.event, store_customer_id=str(customer.get("id") or "")
        )
        if event.event == PrivacyRequest.Kind.STORE_REDACT:
            summary, report = redact_store(integration)
        else:
            order_ids = data.get("orders_to_redact") or data.get("orders_requested") or []
            records = _records_of(integration, customer, order_ids)
            customers = _customers_of(integration, customer, records)
            if event.event == PrivacyRequest.Kind.CUSTOMER_REDACT:
                summary, report = _redact(customers, records)
            else:
                summary, report = _report(customers, records)
        # The request's own body names the customer: once handled, it is not kept.
        WebhookEvent.objects.filter(pk=event.pk).update(body={"event": event.event, **REDACTED})
        request.summary, request.report, request.completed_at = summary, report, timezone.now()
        request.save(update_fields=["summary", "report", "completed_at"])
    return request


def redact_store(integration: Integration) -> tuple[str, dict]:
    """store/redact (48 h after an uninstall): erase what came from this store, keeping the books."""
    records = list(ImportRecord.objects.filter(integration=integration).only("pk"))
    customers = list(Customer.objects.filter(origin_integration=integration).order_by("pk"))
    WebhookEvent.objects.filter(integration=integration).update(body=REDACTED)
    return _redact(customers, records)


def _records_of(integration: Integration, customer: dict, order_ids) -> list[ImportRecord]:
    query = Q(store_order_id__in=[str(order_id) for order_id in order_ids])
    if customer.get("id") not in (None, ""):
        # The payload keeps the store's JSON, where the id may be a number or a string.
        query |= Q(payload__customer__id=customer["id"]) | Q(payload__customer__id=str(customer["id"]))
    return list(ImportRecord.objects.filter(Q(integration=integration) & query).select_related("sale"))


def _customers_of(integration: Integration, customer: dict, records) -> list[Customer]:
    found = {record.sale.customer_id for record in records if record.sale_id}
    document = normalise_document(customer.get("identification"))
    email = str(customer.get("email") or "").strip()
    query = Q(pk__in=found)
    if document:
        query |= Q(origin_integration=integration, document=document)
    if email:
        query |= Q(origin_integration=integration, email__iexact=email)
    return list(Customer.objects.filter(query).order_by("pk"))


def _redact(customers: list[Customer], records: list[ImportRecord]) -> tuple[str, dict]:
    anonymised, kept_for_books, shared = [], [], []
    for customer in customers:
        sales = Sale.objects.filter(customer=customer)
        if (
            sales.exclude(integration=customer.origin_integration).exists()
            or customer.origin_integration is None
        ):
            shared.append(customer.pk)  # entered by hand or bought elsewhere too: not this store's to erase
            continue
        if sales.filter(status=Sale.Status.CONFIRMED).exists():
            Customer.objects.filter(pk=customer.pk).update(email="", business_phone="", mobile_phone="")
            kept_for_books.append(customer.pk)
        else:
            name = _("Customer removed (LGPD) #%(pk)s") % {"pk": customer.pk}
            Customer.objects.filter(pk=customer.pk).update(
                name=name,
                name_key=normalise_name(name),
                document="",
                document_kind="",
                email="",
                business_phone="",
                mobile_phone="",
            )
            anonymised.append(customer.pk)
    record_ids = [record.pk for record in records]
    ImportRecord.objects.filter(pk__in=record_ids).update(payload=REDACTED)
    summary = _(
        "%(anonymised)d customer(s) anonymised; %(kept)d kept with name and CPF/CNPJ only, for confirmed "
        "sales (the books); %(shared)d not erased because other sales use them; store data of "
        "%(orders)d order(s) erased."
    ) % {
        "anonymised": len(anonymised),
        "kept": len(kept_for_books),
        "shared": len(shared),
        "orders": len(record_ids),
    }
    report = {
        "anonymised_customers": anonymised,
        "kept_for_books": kept_for_books,
        "shared_customers": shared,
        "import_records_erased": record_ids,
    }
    return summary, report


def _report(customers, records) -> tuple[str, dict]:
    """customers/data_request: every piece of personal data Ponte holds for the customer."""
    report = {
        "customers": [
            {
                "id": customer.pk,
                "name": customer.name,
                "document": customer.document,
                "email": customer.email,
                "business_phone": customer.business_phone,
                "mobile_phone": customer.mobile_phone,
                "sales": [
                    {
                        "number": sale.number,
                        "date": sale.sale_date.isoformat(),
                        "total": str(sale.total_amount),
                        "status": sale.status,
                    }
                    for sale in customer.sales.order_by("number")
                ],
            }
            for customer in customers
        ],
        "store_orders": sorted(record.store_order_id for record in records),
    }
    summary = _("Report ready: %(customers)d customer record(s), %(orders)d store order(s).") % {
        "customers": len(customers),
        "orders": len(records),
    }
    return summary, report
