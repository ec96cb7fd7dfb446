from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from integrations.models import ImportRecord
from integrations.pipeline import import_order
from sales.models import Sale
from tests.integrations.factories import IntegrationFactory, StoreOrderFactory

pytestmark = pytest.mark.django_db


def test_a_paid_order_becomes_a_pending_cash_sale_by_the_activating_user():
    integration = IntegrationFactory()
    record = import_order(integration, StoreOrderFactory(store_order_id="165"))
    assert record.status == ImportRecord.Status.IMPORTED
    sale = record.sale
    assert sale.status == Sale.Status.REVIEW_PENDING
    assert sale.payment_method == Sale.PaymentMethod.CASH and sale.installments == 1
    assert sale.seller == integration.seller
    assert sale.total_amount == Decimal("32.48") and sale.store_total_difference is None
    assert [(i.details, i.quantity, i.unit_price) for i in sale.items.all()] == [
        ("Casaco infantil", Decimal("1"), Decimal("11.10"))
    ]


def test_the_same_order_twice_makes_one_sale():
    integration = IntegrationFactory()
    order = StoreOrderFactory()
    first = import_order(integration, order)
    second = import_order(integration, order)
    assert first.pk == second.pk and second.attempts == 1
    assert Sale.objects.count() == 1


def test_orders_placed_before_activation_are_skipped():
    integration = IntegrationFactory()
    order = StoreOrderFactory(placed_at=integration.activated_at - timedelta(seconds=1))
    record = import_order(integration, order)
    assert record.status == ImportRecord.Status.SKIPPED and record.reason_code == "before_activation"
    assert not Sale.objects.exists()


def test_placed_exactly_at_activation_is_imported():
    integration = IntegrationFactory(activated_at=timezone.now() - timedelta(minutes=5))
    record = import_order(integration, StoreOrderFactory(placed_at=integration.activated_at))
    assert record.status == ImportRecord.Status.IMPORTED
