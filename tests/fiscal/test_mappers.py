"""Both stores' mappers read the billing address (and IE, GTIN) from every shape of the fixtures."""

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest

from integrations.loja_integrada.mapper import map_address as li_address
from integrations.loja_integrada.mapper import map_order as li_order
from integrations.nuvemshop.mapper import map_order as ns_order
from integrations.store_order import StoreAddress

# The stores' official examples, as copied beside each connector's tests.
TESTS = Path(__file__).resolve().parent.parent / "integrations"


def fixture(name):
    store = "nuvemshop" if name.startswith("nuvemshop") else "loja_integrada"
    data = json.loads((TESTS / store / "fixtures" / name).read_text())
    return data[0] if isinstance(data, list) else data


def test_nuvemshop_v1_billing_fields():
    address = ns_order(fixture("nuvemshop_order_v1.json")).customer.address
    assert (
        address.street,
        address.number,
        address.postal_code,
        address.city,
        address.state,
        address.country,
    ) == (
        "Evergreen Terrace",
        "742",
        "97475",
        "Springfield",
        "Oregon",
        "US",
    )


def test_nuvemshop_2025_03_billing_fields_and_state_registration():
    customer = ns_order(fixture("nuvemshop_order_2025-03.json")).customer
    assert customer.address == StoreAddress(
        street="Rua Doutor Azevedo Sampaio",
        number="50",
        complement="",
        district="Centro",
        postal_code="18010220",
        city="Sorocaba",
        state="São Paulo",
        country="BR",
        updated_at=customer.address.updated_at,
    )
    assert customer.state_registration == "388108598269"
    assert isinstance(customer.address.updated_at, datetime)


def test_nuvemshop_2025_03_billing_address_as_an_object():
    data = copy.deepcopy(fixture("nuvemshop_order_2025-03.json"))
    data["billing_address"] = {
        "address": "Avenida Paulista",
        "number": "1000",
        "floor": "5º andar",
        "locality": "Bela Vista",
        "zipcode": "01310-100",
        "city": "São Paulo",
        "province": "SP",
        "country": "BR",
    }
    address = ns_order(data).customer.address
    assert (address.street, address.number, address.complement, address.district, address.postal_code) == (
        "Avenida Paulista",
        "1000",
        "5º andar",
        "Bela Vista",
        "01310-100",
    )


@pytest.mark.parametrize("name", ["nuvemshop_order_v1.json", "nuvemshop_order_2025-03.json"])
def test_nuvemshop_without_billing_reads_the_shipping_address(name):
    data = copy.deepcopy(fixture(name))
    for key in [key for key in data if key.startswith("billing_")]:
        data[key] = None
    address = ns_order(data).customer.address
    shipping = data["shipping_address"]
    assert (address.street, address.postal_code, address.city, address.complement) == (
        shipping["address"],
        shipping["zipcode"],
        shipping["city"],
        shipping["floor"] or "",
    )


def test_nuvemshop_without_order_addresses_reads_the_customers_own():
    data = copy.deepcopy(fixture("nuvemshop_order_2025-03.json"))
    for key in [key for key in data if key.startswith("billing_")]:
        data[key] = None
    data["shipping_address"] = None
    address = ns_order(data).customer.address
    assert (address.street, address.city) == ("Rua Doutor Azevedo Sampaio", "Sorocaba")  # customer.billing_*
    data["customer"] = {**data["customer"], **{k: None for k in data["customer"] if k.startswith("billing_")}}
    assert ns_order(data).customer.address.city == "New York"  # customer.default_address


def test_nuvemshop_barcode_becomes_the_items_gtin():
    data = copy.deepcopy(fixture("nuvemshop_order_2025-03.json"))
    data["products"][0]["barcode"] = "7891234567895"
    assert ns_order(data).items[0].gtin == "7891234567895"


def test_loja_integrada_endereco_entrega():
    customer = li_order(fixture("lojaintegrada_pedido.json")).customer
    assert (customer.address.street, customer.address.number, customer.address.district) == (
        "Rua Exemplo",
        "1",
        "Bairro Exemplo",
    )
    assert (customer.address.postal_code, customer.address.city, customer.address.state) == (
        "00000000",
        "Rio de Janeiro",
        "RJ",
    )
    assert customer.state_registration == ""  # a person (CPF): "isento" is not a company's IE


def test_loja_integrada_customers_main_address_comes_first():
    cliente = fixture("lojaintegrada_cliente.json")
    address = li_address(cliente, fixture("lojaintegrada_pedido.json")["endereco_entrega"])
    assert (address.street, address.number, address.complement, address.district) == (
        "Rua das Flores",
        "123",
        "Apartamento 32",
        "Freg. do Ó",
    )
    assert (address.postal_code, address.city, address.state) == ("02960030", "São Paulo", "SP")


def test_loja_integrada_company_buyer_ie_and_item_gtin():
    data = copy.deepcopy(fixture("lojaintegrada_pedido.json"))
    data["cliente"].update(cnpj="11222333000181", razao_social="Cliente LTDA", cpf=None)
    data["endereco_entrega"]["ie"] = "85647318"
    data["itens"][0]["gtin"] = "7891234567895"
    order = li_order(data)
    assert order.customer.state_registration == "85647318"
    assert order.items[0].gtin == "7891234567895"
