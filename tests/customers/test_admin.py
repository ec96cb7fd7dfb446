import pytest
from django.urls import reverse

from customers.models import Customer
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:customers_customer_add")


def test_a_customer_is_added_with_a_formatted_cpf(financeiro_client):
    response = financeiro_client.post(ADD, {"name": "Maria Silva", "document": "529.982.247-25"})
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.document, customer.document_kind) == ("52998224725", "cpf")


def test_an_invalid_cpf_is_refused_with_a_clear_message(financeiro_client):
    response = financeiro_client.post(ADD, {"name": "Maria Silva", "document": "529.982.247-26"})
    assert response.status_code == 200
    assert "CPF inválido" in response.content.decode()
    assert not Customer.objects.exists()


def test_the_same_name_and_document_twice_is_refused_not_a_crash(financeiro_client):
    CustomerFactory(name="Maria Silva", document="52998224725")
    response = financeiro_client.post(ADD, {"name": "  maria  SILVA", "document": "529.982.247-25"})
    assert response.status_code == 200
    assert "Já existe um cliente com este nome e este CPF/CNPJ" in response.content.decode()
    assert Customer.objects.count() == 1


def test_search_by_formatted_document(financeiro_client):
    maria = CustomerFactory(name="Maria Silva", document="52998224725")
    CustomerFactory(name="Outra Pessoa")
    response = financeiro_client.get(reverse("admin:customers_customer_changelist"), {"q": "529.982.247-25"})
    assert [c.pk for c in response.context["cl"].result_list] == [maria.pk]
    assert "529.982.247-25" in response.content.decode()
