"""The sandbox stores' orders carry what an NF-e needs from a store, in each store's own shape: a
complete billing address whose CEP is valid and whose city IBGE knows, a valid CPF/CNPJ (and a
company's IE), and the barcode where the store has one."""

import pytest
from stdnum.br import cnpj, cpf

from catalog.models import normalise_gtin
from customers.addresses import municipality_code, validate_postal_code, validate_state_registration
from integrations.loja_integrada.mapper import map_order as map_loja_integrada
from integrations.nuvemshop.mapper import map_order as map_nuvemshop
from sandboxes.loja_integrada import demo as li_demo
from sandboxes.loja_integrada import store as li_store
from sandboxes.nuvemshop import demo as nuvemshop_demo
from sandboxes.nuvemshop import services as nuvemshop

pytestmark = pytest.mark.django_db


def assert_ready_for_nfe(customer):
    address = customer.address
    assert address.street and address.number and address.district, address
    assert validate_postal_code(address.postal_code)
    assert municipality_code(address.city, address.state), address
    assert cpf.is_valid(customer.document) or cnpj.is_valid(customer.document), customer.document
    if cnpj.is_valid(customer.document):
        assert validate_state_registration(customer.state_registration, address.state)


@pytest.mark.parametrize(
    "buyer", [None, li_demo.PERSON, li_demo.COMPANY], ids=["default", "person", "company"]
)
def test_loja_integrada_orders_deliver_to_the_customer_main_address(buyer):
    store = li_store.create_store()
    order = li_store.add_paid_order(store, customer=buyer)
    detail = li_store.render_detail(order)
    assert "enderecos" not in detail["cliente"]  # the order's short customer, as documented
    assert detail["endereco_entrega"]["tipo"] == ("PJ" if buyer is li_demo.COMPANY else "PF")
    assert_ready_for_nfe(map_loja_integrada(detail).customer)


def test_loja_integrada_items_carry_their_gtin_when_given():
    items = [
        {"nome": "Gorro de lã", "sku": "g", "quantidade": "1", "preco": "29.90", "gtin": "7891020304062"}
    ]
    order = li_store.add_paid_order(li_store.create_store(), items=items)
    (item,) = map_loja_integrada(li_store.render_detail(order)).items
    assert normalise_gtin(item.gtin) == "7891020304062"


def test_nuvemshop_orders_carry_v1_billing_fields_or_the_2025_03_object():
    store = nuvemshop.create_store(name="Loja")
    person = nuvemshop.create_order(store, paid=True).data
    company = nuvemshop.create_order(store, paid=True, customer=nuvemshop_demo.COMPANY_BUYER).data
    assert person["billing_zipcode"] and not isinstance(person["billing_address"], dict)
    assert isinstance(company["billing_address"], dict) and company["billing_customer_type"] == "company"
    assert "billing" not in person["customer"] and "billing_address" not in company["customer"]
    for data in (person, company):
        mapped = map_nuvemshop(data)
        assert_ready_for_nfe(mapped.customer)
        assert normalise_gtin(mapped.items[0].gtin)
