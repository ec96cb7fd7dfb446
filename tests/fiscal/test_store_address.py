"""A store's newer address updates a reused customer (audited); an older one changes nothing."""

from datetime import UTC, datetime

import pytest

from audit.models import AuditEntry
from audit.services import record_audits
from customers.models import Customer
from customers.services import StoreAddressFields, apply_store_address
from tests.fiscal.factories import AddressedCustomerFactory

pytestmark = pytest.mark.django_db
NEW = StoreAddressFields(
    street="Rua Doutor Azevedo Sampaio",
    street_number="50",
    district="Centro",
    postal_code="18010-220",
    city="Sorocaba",
    state="São Paulo",
)
MARCH, APRIL = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)


def test_a_newer_store_address_updates_the_customer_and_is_audited():
    customer = AddressedCustomerFactory(address_updated_at=MARCH)
    entry = apply_store_address(customer, NEW, APRIL)
    record_audits([entry])
    customer.refresh_from_db()
    assert (customer.city, customer.city_code, customer.state, customer.postal_code) == (
        "Sorocaba",
        "3552205",
        "SP",
        "18010220",
    )
    assert customer.address_updated_at == APRIL
    audit = AuditEntry.objects.get(action=AuditEntry.Action.CUSTOMER_ADDRESS_FROM_STORE)
    assert audit.changes["city"] == ["São Paulo", "Sorocaba"] and audit.actor is None


def test_an_older_order_or_an_empty_address_changes_nothing():
    customer = AddressedCustomerFactory(address_updated_at=APRIL)
    assert apply_store_address(customer, NEW, MARCH) is None
    assert apply_store_address(customer, StoreAddressFields(), datetime(2026, 1, 1, tzinfo=UTC)) is None
    customer.refresh_from_db()
    assert customer.city == "São Paulo"


def test_a_company_gets_its_ie_from_the_store_when_valid():
    customer = AddressedCustomerFactory(document="11222333000181", name="Cliente LTDA")
    apply_store_address(
        customer, StoreAddressFields(**{**NEW.__dict__, "state_registration": "110.042.490.114"}), APRIL
    )
    customer.refresh_from_db()
    assert (customer.state_registration, customer.ie_indicator) == (
        "110042490114",
        Customer.IeIndicator.CONTRIBUTOR,
    )


def test_a_new_customer_starts_with_the_address_without_an_audit_entry():
    customer = Customer(name="Nova", document="52998224725")
    assert apply_store_address(customer, NEW, APRIL) is None
    assert customer.city_code == "3552205" and customer.pk is None


def test_the_import_gives_a_new_customer_the_address_and_updates_a_reused_one(monkeypatch):
    """Through the import pipeline: a Nuvemshop order's billing address lands on the customer."""
    from integrations.importing.read_set import PageLookups
    from integrations.importing.rules import _customer_for
    from integrations.nuvemshop.mapper import map_order
    from tests.fiscal.test_mappers import fixture
    from tests.integrations.factories import IntegrationFactory

    order = map_order(fixture("nuvemshop_order_2025-03.json"))
    lookups = PageLookups.for_page(IntegrationFactory(), [order])
    lookups.begin_order()
    customer, _attention = _customer_for(order, lookups)
    assert (customer.pk, customer.city_code, customer.postal_code) == (None, "3552205", "18010220")

    existing = AddressedCustomerFactory(name=order.customer.name, document=order.customer.document)
    lookups = PageLookups.for_page(IntegrationFactory(), [order])
    lookups.begin_order()
    reused, _attention = _customer_for(order, lookups)
    lookups.keep_order()
    lookups.save_new(customers={id(reused)}, products=set())
    existing.refresh_from_db()
    assert reused.pk == existing.pk and existing.city == "Sorocaba"
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CUSTOMER_ADDRESS_FROM_STORE, object_id=str(existing.pk)
    ).exists()
