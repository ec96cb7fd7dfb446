import csv

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from erpbrasil.base.fiscal.codigo_municipio import validar_codigo_municipio

from customers.addresses import (
    MUNICIPALITIES_FILE,
    municipality_code,
    municipality_of,
    normalise_state,
    validate_postal_code,
    validate_state_registration,
)
from customers.models import Customer
from tests.fiscal.factories import AddressedCustomerFactory


def test_every_shipped_municipality_code_has_ibges_check_digit_and_all_states_are_there():
    with MUNICIPALITIES_FILE.open(encoding="utf-8") as rows:
        municipalities = list(csv.reader(rows, delimiter=";"))
    assert len(municipalities) == 5571
    assert all(validar_codigo_municipio(code) for code, _name, _uf in municipalities)
    assert len({uf for _code, _name, uf in municipalities}) == 27


@pytest.mark.parametrize(
    ("city", "state", "code"),
    [
        ("Sorocaba", "SP", "3552205"),
        ("SÃO PAULO", "São Paulo", "3550308"),  # case, accents, the state's name
        ("sao paulo", "sp", "3550308"),
        ("Rio de Janeiro", "RJ", "3304557"),
        ("Alta Floresta d Oeste", "RO", "1100015"),  # apostrophe and case ignored
        ("Brasília", "DF", "5300108"),
        ("Sorocaba", "RJ", ""),  # not in that state
        ("Springfield", "Oregon", ""),  # not in Brazil
        ("", "SP", ""),
    ],
)
def test_municipality_code_from_city_and_state(city, state, code):
    assert municipality_code(city, state) == code


def test_municipality_of_a_code():
    assert municipality_of("3552205") == ("Sorocaba", "SP")
    assert municipality_of("9999998") is None


def test_state_names_and_abbreviations():
    assert normalise_state("São Paulo") == "SP"
    assert normalise_state("rj") == "RJ"
    assert normalise_state("Oregon") == ""


def test_postal_code_validation_with_clear_errors_in_portuguese():
    assert validate_postal_code("18010-220") == "18010220"
    with translation.override("pt-br"), pytest.raises(ValidationError) as short:
        validate_postal_code("97475")
    assert short.value.messages == ["O CEP 97475 deve ter 8 dígitos."]
    with translation.override("pt-br"), pytest.raises(ValidationError) as placeholder:
        validate_postal_code("00000-000")
    assert placeholder.value.messages == ["O CEP 00000-000 não existe."]


def test_state_registration_validation_per_state_with_clear_errors_in_portuguese():
    assert validate_state_registration("110.042.490.114", "SP") == "110042490114"
    assert validate_state_registration("85.647.31-8", "RJ") == "85647318"
    assert validate_state_registration("isento", "RJ") == "ISENTO"
    with translation.override("pt-br"), pytest.raises(ValidationError) as wrong:
        validate_state_registration("110042490115", "SP")
    assert wrong.value.messages == ["A inscrição estadual (IE) 110042490115 não é válida em SP."]
    with translation.override("pt-br"), pytest.raises(ValidationError) as no_state:
        validate_state_registration("85647318", "")
    assert no_state.value.messages == ["Escolha o estado (UF) para conferir a inscrição estadual 85647318."]


@pytest.mark.django_db
def test_customer_fills_the_ibge_code_and_refuses_a_city_not_in_its_state():
    customer = AddressedCustomerFactory(postal_code="02960-030")
    assert (customer.city_code, customer.postal_code) == ("3550308", "02960030")
    customer.city, customer.city_code = "Cidade Inventada", ""
    with translation.override("pt-br"), pytest.raises(ValidationError) as error:
        customer.full_clean()
    assert error.value.message_dict["city"] == ["Cidade Inventada não é um município de SP na lista do IBGE."]


@pytest.mark.django_db
def test_customer_taxpayer_needs_a_valid_ie():
    customer = AddressedCustomerFactory(ie_indicator=Customer.IeIndicator.CONTRIBUTOR, state_registration="")
    with translation.override("pt-br"), pytest.raises(ValidationError) as error:
        customer.full_clean()
    assert error.value.message_dict["ie_indicator"] == [
        "Um contribuinte do ICMS precisa da inscrição estadual (IE)."
    ]
    customer.state_registration = "123"
    with pytest.raises(ValidationError) as wrong:
        customer.full_clean()
    assert "state_registration" in wrong.value.message_dict
