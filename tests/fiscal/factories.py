"""Customers, products and company data complete for an NF-e; sales confirmed through the service."""

from decimal import Decimal

import factory

from catalog.models import Product
from customers.models import Customer
from demo.seed import COMPANY as DEMO_COMPANY
from fiscal.models import CompanyFiscalSettings
from sales.services import ItemLine, confirm_sale
from tests.catalog.factories import ProductFactory
from tests.core.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.sales.factories import PendingSaleFactory

COMPANY = {**DEMO_COMPANY, "phone": "1533276436"}  # the demo's company, reachable by phone


def company_ready(**changes) -> CompanyFiscalSettings:
    company = CompanyFiscalSettings.get_solo()
    for field, value in {**COMPANY, **changes}.items():
        setattr(company, field, value)
    company.city_code = changes.get("city_code", "")
    company.save()
    return company


class AddressedCustomerFactory(CustomerFactory):
    """A person (CPF) with a complete billing address in São Paulo, SP."""

    street = "Rua das Flores"
    street_number = "123"
    address_complement = "Apartamento 32"
    district = "Freguesia do Ó"
    postal_code = "02960030"
    city = "São Paulo"
    state = "SP"


class CompanyCustomerFactory(AddressedCustomerFactory):
    """A company (CNPJ) registered with the ICMS in Rio de Janeiro, RJ."""

    name = factory.Sequence(lambda n: f"Loja Cliente {n} LTDA")
    document = factory.Faker("cnpj", locale="pt_BR")
    street = "Avenida Rio Branco"
    street_number = "1"
    address_complement = ""
    district = "Centro"
    postal_code = "20090003"
    city = "Rio de Janeiro"
    state = "RJ"
    state_registration = "85647318"
    ie_indicator = Customer.IeIndicator.CONTRIBUTOR


class FiscalProductFactory(ProductFactory):
    ncm = "61091000"
    goods_origin = Product.GoodsOrigin.NATIONAL
    unit = "UN"
    gtin = factory.Faker("ean13")


def confirmed_sale(*, customer=None, items=1, shipping="0.00", discount="0.00", user=None, **terms):
    """A confirmed sale of `items` lines of distinct fiscal products (prices 10.01, 20.02, …)."""
    lines = [
        ItemLine(
            product=FiscalProductFactory(),
            quantity=Decimal(position % 3 + 1),
            unit_price=Decimal("10.01") * position,
            details=f"Camiseta modelo {position}",
        )
        for position in range(1, items + 1)
    ]
    sale = PendingSaleFactory(
        customer=customer or AddressedCustomerFactory(),
        lines=lines,
        shipping_amount=Decimal(shipping),
        discount_amount=Decimal(discount),
        **terms,
    )
    return confirm_sale(sale, user or UserFactory())
