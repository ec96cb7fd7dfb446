from datetime import UTC, datetime
from decimal import Decimal

import pytest

from integrations.importing import import_order
from integrations.models import ImportRecord
from integrations.nuvemshop.mapper import map_order, phone_kind, split_phones
from integrations.store_order import StoreOrderError, StoreOrderItem
from tests.integrations.factories import IntegrationFactory

from .fixtures import order_2025, order_v1


def test_v1_example_field_by_field():
    order = map_order(order_v1())
    assert order.store_order_id == "450789469"
    assert order.number == "10872"
    assert order.placed_at == datetime(2022, 2, 23, 12, 25, 18, tzinfo=UTC)
    assert order.updated_at == datetime(2022, 2, 23, 19, 58, 44, tzinfo=UTC)
    assert order.paid_at == datetime(2022, 2, 23, 12, 25, 18, tzinfo=UTC)
    assert order.is_paid is True and order.is_cancelled is False
    assert order.status_label == "payment_status=paid, status=open"
    assert order.currency == "USD"
    assert order.customer.name == "John Doe"
    assert order.customer.document == "41913703"
    assert order.customer.email == "john.doe@example.com"
    # +54… is an Argentine number (kind unknown); 555-123-0413 reads as a Brazilian landline.
    assert order.customer.business_phone == "555-123-0413"
    assert order.customer.mobile_phone == "+5491126653230"
    assert order.items == (
        StoreOrderItem(
            description="Pokeball",
            quantity=Decimal("1"),
            unit_price=Decimal("5190.00"),
            sku="12331471",
            store_product_id="58208779",
            store_variant_id="169164456",
        ),
    )
    assert order.shipping_amount == Decimal("470.00")
    assert order.discount_amount == Decimal("0.00")
    assert order.total_amount == Decimal("5660.00")
    assert order.raw["id"] == 450789469


def test_2025_03_example_field_by_field():
    order = map_order(order_2025())
    assert order.store_order_id == "871254203"
    assert order.number == "306"
    assert order.placed_at == datetime(2022, 11, 15, 19, 36, 59, tzinfo=UTC)
    assert order.updated_at == datetime(2022, 11, 15, 19, 37, 8, tzinfo=UTC)
    assert order.paid_at is None
    assert order.is_paid is False  # payment_status "pending"
    assert order.currency == "ARS"
    assert order.customer.name == "Maria Silva"
    assert order.customer.document == "75839566500"
    assert order.customer.email == "buyer@tiendanube.com"
    assert order.customer.business_phone == "+551533276436"  # (15) 3327-6436: a landline
    assert order.customer.mobile_phone == ""
    assert order.items == (
        StoreOrderItem(
            description="Mesa de Roble",
            quantity=Decimal("1"),
            unit_price=Decimal("6000.00"),
            sku="12389012348124801234890",
            store_product_id="111334785",
            store_variant_id="426215948",
        ),
    )
    assert order.shipping_amount == Decimal("0")  # no shipping_cost_customer, no fulfillment orders
    assert order.discount_amount == Decimal("600.00")
    assert order.total_amount == Decimal("5400.00")


def test_without_the_customer_object_contact_fields_are_used():
    data = order_2025()
    del data["customer"]
    customer = map_order(data).customer
    assert (customer.name, customer.document, customer.email) == (
        "Maria Silva",
        "75839566500",
        "buyer@tiendanube.com",
    )


def test_the_billing_document_is_the_last_fallback():
    data = order_2025()
    del data["customer"]
    data["contact_identification"] = None
    data["billing_document"] = "11.222.333/0001-81"
    assert map_order(data).customer.document == "11.222.333/0001-81"


def test_freight_of_2025_03_is_the_fulfillment_orders_consumer_cost():
    data = order_2025()
    data["fulfillments"] = [
        {"shipping": {"consumer_cost": {"value": "12.50", "currency": "BRL"}}},
        {"shipping": {"consumer_cost": "7.50"}},
    ]
    assert map_order(data).shipping_amount == Decimal("20.00")


def test_quantities_as_numbers_or_strings_and_the_same_variant_on_two_lines():
    data = order_v1()
    line = data["products"][0]
    data["products"] = [{**line, "quantity": 2}, {**line, "quantity": "3", "sku": None}]
    items = map_order(data).items
    assert [(i.quantity, i.sku, i.store_variant_id) for i in items] == [
        (Decimal("2"), "12331471", "169164456"),
        (Decimal("3"), "", "169164456"),
    ]


def test_numeric_user_ids_and_order_ids_become_strings():
    data = order_v1()
    data["id"] = "450789469"
    data["products"][0]["product_id"] = "58208779"
    order = map_order(data)
    assert order.store_order_id == "450789469" and order.items[0].store_product_id == "58208779"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"created_at": None}, "data de criação"),
        ({"total": "abc"}, "não é um número: 'abc'"),
    ],
)
def test_unreadable_orders_fail_with_a_reason(change, message):
    data = {**order_v1(), **change}
    with pytest.raises(StoreOrderError) as error:
        map_order(data)
    assert message in error.value.reason and error.value.store_order_id == "450789469"


def test_a_line_with_zero_quantity_is_refused():
    data = order_v1()
    data["products"][0]["quantity"] = "0"
    with pytest.raises(StoreOrderError):
        map_order(data)


def test_cancelled_orders_are_marked_cancelled():
    assert map_order({**order_v1(), "status": "cancelled"}).is_cancelled is True


@pytest.mark.parametrize(
    ("phone", "kind"),
    [
        ("+55 11 98765-4321", "mobile"),
        ("(11) 98765-4321", "mobile"),
        ("011 3333-4444", "landline"),
        ("+551533276436", "landline"),
        ("+5491126653230", ""),
        ("1234", ""),
    ],
)
def test_phone_kind_by_the_brazilian_numbering_plan(phone, kind):
    assert phone_kind(phone) == kind


def test_phones_split_into_business_and_mobile():
    assert split_phones(["(11) 3333-4444", "(11) 98765-4321", "(11) 3333-4444"]) == (
        "(11) 3333-4444",
        "(11) 98765-4321",
    )
    assert split_phones(["(11) 98765-4321", None, ""]) == ("", "(11) 98765-4321")


@pytest.mark.django_db
def test_an_order_in_another_currency_fails_with_a_clear_reason():
    integration = IntegrationFactory(provider="nuvemshop", activated_at=datetime(2022, 1, 1, tzinfo=UTC))
    record = import_order(integration, map_order(order_v1()))
    assert record.status == ImportRecord.Status.FAILED
    assert record.reason_code == "currency"
    assert "USD" in record.reason and "BRL" in record.reason
