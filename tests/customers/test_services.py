import pytest
from django.core.exceptions import ValidationError

from customers.models import Customer
from customers.services import find_or_create_customer

pytestmark = pytest.mark.django_db

CPF_A = "529.982.247-25"
CPF_B = "111.444.777-35"
ALPHANUMERIC_CNPJ = "12.ABC.345/01DE-35"


def test_same_name_and_document_reuses_the_customer():
    first, created = find_or_create_customer(name="Maria Silva", document=CPF_A)
    again, created_again = find_or_create_customer(name="Maria Silva", document=CPF_A)
    assert created and not created_again
    assert again.pk == first.pk
    assert Customer.objects.count() == 1


def test_same_document_with_another_name_creates_a_new_customer():
    first, _ = find_or_create_customer(name="Maria Silva", document=CPF_A)
    other, created = find_or_create_customer(name="Maria Souza", document=CPF_A)
    assert created and other.pk != first.pk


def test_same_name_with_another_document_creates_a_new_customer():
    first, _ = find_or_create_customer(name="Maria Silva", document=CPF_A)
    other, created = find_or_create_customer(name="Maria Silva", document=CPF_B)
    assert created and other.pk != first.pk


def test_formatting_case_and_spaces_do_not_make_a_new_customer():
    first, _ = find_or_create_customer(name="Maria Silva", document=CPF_A)
    again, created = find_or_create_customer(name="  MARIA   silva ", document="52998224725")
    assert not created and again.pk == first.pk
    assert again.document == "52998224725" and again.document_kind == "cpf"


def test_alphanumeric_cnpj_is_accepted_and_normalised():
    customer, _ = find_or_create_customer(name="Empresa Nova", document=ALPHANUMERIC_CNPJ.lower())
    assert customer.document == "12ABC34501DE35"
    assert customer.document_kind == "cnpj"
    assert customer.formatted_document == "12.ABC.345/01DE-35"


@pytest.mark.parametrize("document", ["529.982.247-26", "12.ABC.345/01DE-36", "123"])
def test_invalid_documents_are_refused(document):
    with pytest.raises(ValidationError):
        find_or_create_customer(name="Fulano", document=document)
    assert not Customer.objects.exists()


def test_without_document_name_and_email_must_both_match():
    first, _ = find_or_create_customer(name="Sem Documento", email="a@example.com")
    again, created = find_or_create_customer(name="sem documento", email="A@example.com")
    other, created_other = find_or_create_customer(name="Sem Documento", email="b@example.com")
    assert not created and again.pk == first.pk
    assert created_other and other.pk != first.pk


def test_missing_contacts_are_filled_but_never_overwritten():
    find_or_create_customer(name="Maria Silva", document=CPF_A, email="maria@example.com")
    again, _ = find_or_create_customer(
        name="Maria Silva", document=CPF_A, email="outro@example.com", mobile_phone="11999990000"
    )
    again.refresh_from_db()
    assert again.email == "maria@example.com"
    assert again.mobile_phone == "11999990000"
