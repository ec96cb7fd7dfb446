"""The sales list's search box (issue #6): each kind of term is answered by an index, never by
reading every sale: numbers exactly, CPF/CNPJ exactly, customer names by their start."""

import pytest
from django.urls import reverse

from sales import selectors
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_sale_changelist")


def found(client, term):
    response = client.get(CHANGELIST, {"status": "all", "q": term})
    assert response.status_code == 200
    return {sale.pk for sale in response.context["cl"].result_list}


@pytest.fixture
def maria():
    return PendingSaleFactory(customer=CustomerFactory(name="Maria  da Silva", document="529.982.247-25"))


@pytest.fixture
def store_sale():
    return PendingSaleFactory(
        customer=CustomerFactory(name="Joana Souza"),
        integration=IntegrationFactory(),
        external_id="998877",
        external_number="1042",
    )


def test_a_customer_is_found_by_the_start_of_the_name_in_any_case_and_spacing(financeiro_client, maria):
    PendingSaleFactory(customer=CustomerFactory(name="Mariana Costa"))
    assert found(financeiro_client, "MARIA DA") == {maria.pk}
    assert found(financeiro_client, "  maria   da silva ") == {maria.pk}


def test_a_word_in_the_middle_of_the_name_is_not_searched(financeiro_client, maria):
    # Indexed prefix search, chosen over contains (a scan of every customer per search).
    assert found(financeiro_client, "silva") == set()


def test_a_cpf_is_found_bare_or_formatted(financeiro_client, maria):
    PendingSaleFactory()
    assert found(financeiro_client, "52998224725") == {maria.pk}
    assert found(financeiro_client, "529.982.247-25") == {maria.pk}


def test_numbers_find_the_sale_number_or_the_store_order_number_exactly(financeiro_client, maria, store_sale):
    assert found(financeiro_client, str(maria.number)) == {maria.pk}
    assert found(financeiro_client, "1042") == {store_sale.pk}
    assert found(financeiro_client, "#1042") == {store_sale.pk}
    assert found(financeiro_client, "104") == set()


def test_a_search_keeps_the_status_filter(financeiro_client, maria):
    response = financeiro_client.get(CHANGELIST, {"status": "confirmed", "q": "maria"})
    assert list(response.context["cl"].result_list) == []


def test_a_common_start_of_name_finds_the_same_sales(financeiro_client, maria, monkeypatch):
    # Past COMMON_NAME customers the search walks the list's index instead of the customers' sales.
    other = PendingSaleFactory(customer=CustomerFactory(name="Maria Costa"))
    PendingSaleFactory(customer=CustomerFactory(name="Joana Souza"))
    monkeypatch.setattr(selectors, "COMMON_NAME", 1)
    assert found(financeiro_client, "maria") == {maria.pk, other.pk}
    assert found(financeiro_client, "maria da") == {maria.pk}
