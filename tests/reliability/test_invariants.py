"""The invariant checker itself: it must see each breach it claims to guard against."""

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Product
from integrations.models import ImportRecord
from sales import services as sale_services
from sales.models import Receivable, Sale
from tests.integrations.factories import IntegrationFactory
from tests.invariants import breaches
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(financeiro):
    sale = PendingSaleFactory()
    sale_services.confirm_sale(sale, financeiro)
    assert breaches() == []
    return sale


def test_a_missing_receivable_is_seen(confirmed):
    Receivable.objects.filter(sale=confirmed).delete()
    assert any("receivables" in problem for problem in breaches())


def test_stock_out_of_step_with_its_movements_is_seen(confirmed):
    Product.objects.filter(pk=confirmed.items.first().product_id).update(stock_quantity=999)
    assert any("stock 999" in problem for problem in breaches())


def test_a_store_sale_without_its_record_and_a_confirmed_sale_without_books_are_seen():
    integration = IntegrationFactory()
    sale = PendingSaleFactory(integration=integration, external_id="77")
    assert any("has no import record" in problem for problem in breaches())
    # An imported record without its sale cannot even be written: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRecord.objects.create(
            integration=integration, store_order_id="78", status=ImportRecord.Status.IMPORTED
        )
    Sale.objects.filter(pk=sale.pk).update(
        status=Sale.Status.CONFIRMED, confirmed_by=sale.seller, confirmed_at=sale.created_at
    )
    assert any("stock movements" in problem for problem in breaches())
