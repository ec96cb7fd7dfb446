"""The customers list's search box: like the sales list's, each kind of term is answered by an
index, never by reading every customer: CPF/CNPJ and e-mail exactly, names by their start."""

import pytest
from django.urls import reverse

from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")


def found(client, term):
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return {customer.pk for customer in response.context["cl"].result_list}


@pytest.fixture
def maria():
    return CustomerFactory(name="Maria  da Silva", document="529.982.247-25", email="Maria.Silva@example.com")


@pytest.fixture
def others():
    return [
        CustomerFactory(name="Mariana Costa", document="", email="mariana@example.com"),
        CustomerFactory(name="Loja Silva Ltda", document="11.222.333/0001-81", email="silva@example.com"),
    ]


def test_a_customer_is_found_by_the_start_of_the_name_in_any_case_and_spacing(
    financeiro_client, maria, others
):
    assert found(financeiro_client, "MARIA DA") == {maria.pk}
    assert found(financeiro_client, "  maria   da silva ") == {maria.pk}
    assert found(financeiro_client, "maria") == {maria.pk, others[0].pk}


def test_a_word_in_the_middle_of_the_name_is_not_searched(financeiro_client, maria, others):
    # Indexed prefix search, chosen over contains (a scan of every customer per search).
    assert found(financeiro_client, "da silva") == set()


def test_a_cpf_or_cnpj_is_found_bare_or_formatted(financeiro_client, maria, others):
    assert found(financeiro_client, "52998224725") == {maria.pk}
    assert found(financeiro_client, "529.982.247-25") == {maria.pk}
    assert found(financeiro_client, "11.222.333/0001-81") == {others[1].pk}
    assert found(financeiro_client, "11222333000181") == {others[1].pk}
    # Part of a document is not a document: nothing, rather than a scan of every CPF.
    assert found(financeiro_client, "529.982") == set()


def test_an_email_is_found_exactly_in_any_case(financeiro_client, maria, others):
    assert found(financeiro_client, "maria.silva@EXAMPLE.com") == {maria.pk}
    assert found(financeiro_client, " silva@example.com ") == {others[1].pk}
    assert found(financeiro_client, "@example.com") == set()


def test_the_list_says_what_the_search_takes_in_portuguese_and_does_not_count_everyone(
    financeiro_client, maria
):
    response = financeiro_client.get(CHANGELIST, {"q": "maria"})
    assert "Início do nome, CPF/CNPJ ou e-mail." in response.content.decode()
    assert response.context["cl"].show_full_result_count is False
