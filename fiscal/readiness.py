"""Pronta para NF-e: what a sale's NF-e would lack, each with where to fix it.

Confirming a sale stays allowed whatever this says (the clerk decides); the checklist is shown
on the review page and as a flag in the queue so the clerk sees it first, and the draft refuses
a sale that is not ready with the same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from customers.addresses import EXEMPT, municipality_of, validate_postal_code, validate_state_registration
from customers.models import Customer
from sales.models import Sale

from .models import CompanyFiscalSettings


@dataclass(frozen=True)
class Missing:
    """One thing the NF-e would lack: what, in words a clerk reads, and the page that fixes it."""

    message: str
    fix_url: str = ""
    fix_label: str = ""


def _admin_url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def _address_gaps(record) -> list[str]:
    gaps = []
    labels = (
        ("street", _("street")),
        ("street_number", _("number")),
        ("district", _("district")),
        ("city", _("city")),
        ("state", _("state (UF)")),
    )
    gaps.extend(str(label) for field, label in labels if not getattr(record, field))
    if not record.postal_code:
        gaps.append(_("CEP"))
    else:
        try:
            validate_postal_code(record.postal_code)
        except ValidationError:
            gaps.append(_("a valid CEP"))
    if record.city and record.state:
        found = municipality_of(record.city_code)
        if found is None or found[1] != record.state:
            gaps.append(_("a city found in IBGE's list for its state"))
    return gaps


def company_gaps(company: CompanyFiscalSettings) -> list[Missing]:
    """What the company's fiscal data lacks for any NF-e (the same for every sale)."""
    fix = _admin_url("fiscal_companyfiscalsettings_change")
    label = _("Company fiscal data")
    missing = []
    if not company.legal_name:
        missing.append(Missing(_("The company has no legal name (razão social)."), fix, label))
    if not company.cnpj:
        missing.append(Missing(_("The company has no CNPJ."), fix, label))
    if not company.state_registration:
        missing.append(Missing(_("The company has no state registration (IE)."), fix, label))
    gaps = _address_gaps(company)
    if gaps:
        missing.append(
            Missing(_("The company's address lacks: %(gaps)s.") % {"gaps": ", ".join(gaps)}, fix, label)
        )
    return missing


def customer_gaps(customer: Customer) -> list[Missing]:
    fix = _admin_url("customers_customer_change", customer.pk)
    label = _("Customer %(name)s") % {"name": customer.name}
    missing = []
    if not customer.document:
        missing.append(Missing(_("The customer has no CPF or CNPJ."), fix, label))
    gaps = _address_gaps(customer)
    if gaps:
        missing.append(
            Missing(
                _("The customer's billing address lacks: %(gaps)s.") % {"gaps": ", ".join(gaps)}, fix, label
            )
        )
    if customer.ie_indicator == Customer.IeIndicator.CONTRIBUTOR:
        registration = customer.state_registration
        if registration in ("", EXEMPT):
            missing.append(Missing(_("The customer is an ICMS taxpayer but has no IE."), fix, label))
        else:
            try:
                validate_state_registration(registration, customer.state)
            except ValidationError as error:
                missing.append(Missing(" ".join(error.messages), fix, label))
    return missing


def sale_gaps(sale: Sale, company: CompanyFiscalSettings, *, with_company: bool = True) -> list[Missing]:
    """Everything the sale's NF-e would lack: the company's data, the customer's document and
    billing address (and IE for a taxpayer), each product's NCM and unit, and amounts an NF-e can
    carry. `sale` with customer and items' products loaded (see `with_fiscal_data`)."""
    missing = company_gaps(company) if with_company else []
    if sale.status == Sale.Status.CANCELLED:
        missing.append(Missing(_("The sale is cancelled.")))
    missing.extend(customer_gaps(sale.customer))
    items = list(sale.items.all())
    if not items:
        missing.append(Missing(_("The sale has no items.")))
    seen: set[int] = set()
    for item in items:
        product = item.product
        if product.pk in seen:
            continue
        seen.add(product.pk)
        fix = _admin_url("catalog_product_change", product.pk)
        label = _("Product %(name)s") % {"name": product.description}
        if not product.ncm:
            missing.append(
                Missing(_("The product %(name)s has no NCM.") % {"name": product.description}, fix, label)
            )
        if not product.unit:
            missing.append(
                Missing(
                    _("The product %(name)s has no commercial unit.") % {"name": product.description},
                    fix,
                    label,
                )
            )
    if items and sale.discount_amount > sum((item.total for item in items), 0):
        missing.append(Missing(_("The discount is larger than the items' total; an NF-e cannot carry it.")))
    return missing


def with_fiscal_data(sales):
    """The queryset with what the checklist and the draft read, in a fixed number of queries."""
    return sales.select_related("customer").prefetch_related("items__product", "receivables")


def gaps_by_sale(sales: Iterable[Sale]) -> dict[int, list[Missing]]:
    """sale pk → its checklist, for a page of sales (company data read once)."""
    company = CompanyFiscalSettings.get_solo()
    company_missing = company_gaps(company)
    return {sale.pk: company_missing + sale_gaps(sale, company, with_company=False) for sale in sales}
