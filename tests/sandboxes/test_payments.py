"""The sandboxes' orders are paid in the common ways, so the demo shows the store's payment."""

import pytest

from integrations.loja_integrada.mapper import map_order as map_li
from integrations.nuvemshop.mapper import map_order as map_ns
from sales.models import Sale
from sandboxes.loja_integrada import store as li_sandbox
from sandboxes.nuvemshop import services as ns_sandbox

pytestmark = pytest.mark.django_db

Method = Sale.PaymentMethod
EXPECTED = {
    (Method.PIX, None), (Method.BOLETO, None), (Method.CREDIT_CARD, 1), (Method.CREDIT_CARD, 3),
    (Method.CREDIT_CARD, 6), (Method.BANK_TRANSFER, None),
}  # fmt: skip


def terms(order):
    count = order.payment_installments if order.payment_method == Method.CREDIT_CARD else None
    return order.payment_method, count


def test_nuvemshop_sandbox_orders_take_each_payment_in_turn():
    store = ns_sandbox.create_store(name="Loja", store_id=555)
    orders = [ns_sandbox.create_order(store, paid=True) for _ in range(6)]
    mapped = [map_ns(order.data) for order in orders]
    assert {terms(order) for order in mapped} == EXPECTED
    assert all(order.payment_label for order in mapped)


def test_loja_integrada_sandbox_orders_take_each_payment_in_turn():
    store = li_sandbox.create_store("Loja")
    orders = [li_sandbox.add_paid_order(store) for _ in range(6)]
    mapped = [map_li(li_sandbox.render_detail(order)) for order in orders]
    assert {terms(order) for order in mapped} == EXPECTED
