"""The queue's flags that need the rest of the database: Sem estoque and Cliente novo."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.services import record_in
from customers.models import Customer
from sales import selectors
from sales.models import Sale
from sales.services import ItemLine, confirm_sale
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


def flagged(*sales):
    rows = selectors.attach_review_flags(list(Sale.objects.filter(pk__in=[s.pk for s in sales])))
    return {sale.pk: sale for sale in rows}


def line(product, quantity):
    return ItemLine(product=product, quantity=Decimal(quantity), unit_price=Decimal("10"))


def test_out_of_stock_adds_up_the_same_product_on_two_lines():
    scarf = ProductFactory()
    record_in(product=scarf, quantity=Decimal("3"))
    fits = PendingSaleFactory(lines=[line(scarf, "3")])
    two_lines_too_many = PendingSaleFactory(lines=[line(scarf, "2"), line(scarf, "2")])
    one_of_two_products_short = PendingSaleFactory(lines=[line(scarf, "1"), line(ProductFactory(), "1")])

    rows = flagged(fits, two_lines_too_many, one_of_two_products_short)

    assert not rows[fits.pk].short_of_stock
    assert rows[two_lines_too_many.pk].short_of_stock
    assert rows[one_of_two_products_short.pk].short_of_stock


def test_out_of_stock_follows_the_stock_now(financeiro):
    scarf = ProductFactory()
    record_in(product=scarf, quantity=Decimal("1"))
    first = PendingSaleFactory(lines=[line(scarf, "1")])
    second = PendingSaleFactory(lines=[line(scarf, "1")])
    assert not flagged(second)[second.pk].short_of_stock
    confirm_sale(first, financeiro)  # the last one left goes with the first sale
    assert flagged(second)[second.pk].short_of_stock


def test_new_customer_marks_only_the_first_sale_of_a_customer_the_import_created():
    imported = CustomerFactory(origin=Customer.Origin.IMPORT)
    first = PendingSaleFactory(customer=imported)
    second = PendingSaleFactory(customer=imported)
    typed_by_hand = PendingSaleFactory(customer=CustomerFactory(origin=Customer.Origin.MANUAL))

    rows = flagged(first, second, typed_by_hand)

    assert rows[first.pk].new_customer
    assert not rows[second.pk].new_customer
    assert not rows[typed_by_hand.pk].new_customer


def test_the_flags_of_a_page_cost_one_query_however_many_sales():
    sales = [PendingSaleFactory(customer=CustomerFactory(origin=Customer.Origin.IMPORT)) for _ in range(12)]
    page = list(Sale.objects.filter(pk__in=[s.pk for s in sales]))
    with CaptureQueriesContext(connection) as queries:
        selectors.attach_review_flags(page)
    assert len(queries) == 1
    assert all(sale.short_of_stock and sale.new_customer for sale in page)
