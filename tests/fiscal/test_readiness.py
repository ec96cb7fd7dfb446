"""Pronta para NF-e: each missing piece is named, with the page that fixes it."""

import pytest

from catalog.models import Product
from customers.models import Customer
from fiscal.models import CompanyFiscalSettings
from fiscal.readiness import gaps_by_sale, sale_gaps, with_fiscal_data
from sales.models import Sale
from tests.fiscal.factories import AddressedCustomerFactory, company_ready, confirmed_sale

pytestmark = pytest.mark.django_db


def gaps(sale):
    sale = with_fiscal_data(Sale.objects.filter(pk=sale.pk)).get()
    return sale_gaps(sale, CompanyFiscalSettings.get_solo())


def test_a_complete_sale_lacks_nothing():
    company_ready()
    assert gaps(confirmed_sale()) == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("legal_name", "A empresa não tem razão social."),
        ("cnpj", "A empresa não tem CNPJ."),
        ("state_registration", "A empresa não tem inscrição estadual (IE)."),
        ("street", "Falta no endereço da empresa: logradouro."),
        ("postal_code", "Falta no endereço da empresa: CEP."),
    ],
)
def test_company_data_missing(field, message):
    company_ready(**{field: ""})
    missing = gaps(confirmed_sale())
    assert [item.message for item in missing] == [message]
    assert missing[0].fix_url == "/admin/fiscal/companyfiscalsettings/"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"document": "", "document_kind": ""}, "O cliente não tem CPF nem CNPJ."),
        ({"street": ""}, "Falta no endereço de cobrança do cliente: logradouro."),
        ({"street_number": "", "district": ""}, "Falta no endereço de cobrança do cliente: número, bairro."),
        ({"postal_code": "00000000"}, "Falta no endereço de cobrança do cliente: um CEP válido."),
        (
            {"city": "Springfield", "state": "SP"},
            "Falta no endereço de cobrança do cliente: um município da lista do IBGE na sua UF.",
        ),
        (
            {"ie_indicator": Customer.IeIndicator.CONTRIBUTOR},
            "O cliente é contribuinte do ICMS mas não tem IE.",
        ),
    ],
)
def test_customer_data_missing(changes, message):
    company_ready()
    customer = AddressedCustomerFactory()
    Customer.objects.filter(pk=customer.pk).update(**changes, city_code="")
    if "city" not in changes:
        Customer.objects.filter(pk=customer.pk).update(city_code="3550308")
    missing = gaps(confirmed_sale(customer=customer))
    assert [item.message for item in missing] == [message]
    assert missing[0].fix_url == f"/admin/customers/customer/{customer.pk}/change/"


def test_product_without_ncm_is_named_once_with_its_link():
    company_ready()
    sale = confirmed_sale(items=2)
    product = sale.items.first().product
    Product.objects.filter(pk=product.pk).update(ncm="")
    missing = gaps(sale)
    assert [item.message for item in missing] == [f"O produto {product.description} não tem NCM."]
    assert missing[0].fix_url == f"/admin/catalog/product/{product.pk}/change/"


def test_a_page_of_sales_is_checked_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    company_ready()
    for _ in range(5):
        confirmed_sale(items=3)
    with django_assert_max_num_queries(5):
        result = gaps_by_sale(with_fiscal_data(Sale.objects.all()))
    assert len(result) == 5 and all(missing == [] for missing in result.values())
