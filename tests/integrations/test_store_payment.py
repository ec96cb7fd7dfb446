"""How the customer paid in the store, read by both mappers from the stores' own examples and
from generated payment blocks: always a method Ponte knows (or none), 1–120 installments (or
none), a label a clerk can read; never a failed import."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.loja_integrada.mapper import map_order as map_li
from integrations.nuvemshop.mapper import map_order as map_ns
from integrations.store_payment import installments, method_named
from sales.models import Sale
from tests.integrations.loja_integrada.conftest import fixture as li_fixture
from tests.integrations.nuvemshop.fixtures import order_2025, order_v1

Method = Sale.PaymentMethod


def test_nuvemshop_v1_card_in_six_installments_given_as_a_string():
    order = map_ns(order_v1())
    assert (order.payment_method, order.payment_installments) == (Method.CREDIT_CARD, 6)
    assert order.payment_label == "Cartão de crédito Amex 6x — PayPal"


def test_nuvemshop_2025_custom_method_is_read_from_the_gateway_name():
    order = map_ns(order_2025())
    assert (order.payment_method, order.payment_installments) == (Method.BANK_TRANSFER, 1)
    assert order.payment_label == "Transferencia Bancaria"


def test_nuvemshop_pix_boleto_and_wallet():
    for method, expected in [("pix", Method.PIX), ("boleto", Method.BOLETO), ("wallet", Method.OTHER)]:
        data = {**order_v1(), "gateway_name": "Mercado Pago"}
        data["payment_details"] = {"method": method, "credit_card_company": None, "installments": 1}
        order = map_ns(data)
        assert order.payment_method == expected
        assert order.payment_label.endswith("— Mercado Pago")


def test_nuvemshop_custom_method_without_a_known_name_keeps_the_words_and_no_method():
    data = {**order_v1(), "gateway": "offline", "gateway_name": "Combinar com o vendedor"}
    data["payment_details"] = {"method": "custom", "installments": None}
    order = map_ns(data)
    assert (order.payment_method, order.payment_installments) == ("", None)
    assert order.payment_label == "Combinar com o vendedor"


def test_nuvemshop_order_without_payment_has_none():
    data = order_v1()
    for key in ("gateway", "gateway_name", "payment_details"):
        data.pop(key, None)
    order = map_ns(data)
    assert (order.payment_method, order.payment_installments, order.payment_label) == ("", None, "")


def test_loja_integrada_example_card_paid_at_once():
    order = map_li(li_fixture("pedido"))
    assert (order.payment_method, order.payment_installments) == (Method.CREDIT_CARD, 1)
    assert order.payment_label == "Cartão de crédito Mastercard 1x — PagSeguro V2"


def test_loja_integrada_card_in_installments_and_pix():
    data = li_fixture("pedido")
    data["pagamentos"][0]["parcelamento"] = {"numero_parcelas": "6", "valor_parcela": "5.41"}
    assert map_li(data).payment_label == "Cartão de crédito Mastercard 6x — PagSeguro V2"
    data["pagamentos"][0].update(pagamento_tipo="pix", bandeira=None, parcelamento=None)
    data["pagamentos"][0]["forma_pagamento"] = {"codigo": "pix", "nome": "Pix"}
    order = map_li(data)
    assert (order.payment_method, order.payment_installments) == (Method.PIX, None)
    assert order.payment_label == "Pix"


def test_loja_integrada_deposit_by_its_code_and_two_payments_both_said():
    data = li_fixture("pedido")
    deposit = {"pagamento_tipo": "", "forma_pagamento": {"codigo": "deposito", "nome": "Depósito bancário"}}
    data["pagamentos"] = [deposit, {**data["pagamentos"][0]}]
    order = map_li(data)
    assert order.payment_method == Method.BANK_TRANSFER
    assert order.payment_label == "Depósito bancário + Cartão de crédito Mastercard 1x — PagSeguro V2"


def test_a_payment_block_of_another_shape_is_kept_as_text_and_the_order_imports():
    data = li_fixture("pedido")
    data["pagamentos"] = "cartão, 3 vezes"
    order = map_li(data)
    assert order.payment_method == "" and order.payment_installments is None
    assert "cartão, 3 vezes" in order.payment_label
    ns = {**order_v1(), "payment_details": ["credit_card", 3]}
    assert "credit_card" in map_ns(ns).payment_label


def test_installments_as_the_stores_send_them():
    assert [installments(v) for v in (6, "6", "6.0", " 3 ", 1)] == [6, 6, 6, 3, 1]
    assert [installments(v) for v in (0, -1, "2.5", "abc", None, True, 121, "nan", "inf")] == [None] * 9


def test_method_named_reads_custom_names():
    assert method_named("Transferência Bancária") == Method.BANK_TRANSFER
    assert method_named("Pagamento via PIX") == Method.PIX
    assert method_named("Dinheiro na retirada") == Method.CASH
    assert method_named("A combinar") == ""


json_value = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
        st.sampled_from(["credit_card", "pix", "boleto", "custom", "creditCard", "6", "1.5", "-3", "999"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)  # fmt: skip
nuvemshop_payment = st.fixed_dictionaries(
    {},
    optional={
        "method": json_value, "credit_card_company": json_value, "installments": json_value,
    },
)  # fmt: skip
li_payment = st.fixed_dictionaries(
    {},
    optional={
        "pagamento_tipo": json_value, "bandeira": json_value,
        "forma_pagamento": st.one_of(
            json_value, st.fixed_dictionaries({"codigo": json_value, "nome": json_value})
        ),
        "parcelamento": st.one_of(json_value, st.fixed_dictionaries({"numero_parcelas": json_value})),
    },
)  # fmt: skip


def assert_payment_read(order):
    assert order.payment_method in ("", *Method.values)
    assert order.payment_installments is None or 1 <= order.payment_installments <= 120
    assert isinstance(order.payment_label, str) and len(order.payment_label) <= 255


generated = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@generated
@given(details=st.one_of(nuvemshop_payment, json_value), gateway=json_value)
def test_nuvemshop_generated_payment_blocks_never_fail_the_order(details, gateway):
    order = map_ns({**order_v1(), "payment_details": details, "gateway_name": gateway})
    assert_payment_read(order)


@generated
@given(payments=st.one_of(st.lists(li_payment, max_size=3), json_value))
def test_loja_integrada_generated_payment_blocks_never_fail_the_order(payments):
    data = li_fixture("pedido")
    data["pagamentos"] = payments
    assert_payment_read(map_li(data))
