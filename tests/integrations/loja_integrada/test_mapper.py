from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.loja_integrada.mapper import CONCLUDED_CODES, map_order, product_id
from integrations.store_order import StoreOrderError

from .conftest import fixture

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def test_the_documented_order_maps_field_by_field():
    order = map_order(fixture("pedido"))
    assert order.store_order_id == "165" and order.number == "165"
    assert order.placed_at == datetime(2022, 10, 31, 12, 28, 5, 704751, tzinfo=SAO_PAULO)
    assert order.updated_at == datetime(2022, 10, 31, 12, 28, 12, 653648, tzinfo=SAO_PAULO)
    assert order.placed_at.utcoffset().total_seconds() == -3 * 3600
    # The documented example is cancelled: not paid, cancelled, labelled by the store's name.
    assert not order.is_paid and order.is_cancelled and order.status_label == "Pedido Cancelado"
    assert order.currency == "BRL"
    assert order.customer.name == "Fulano de Tal" and order.customer.document == "12345678909"
    assert order.customer.business_phone == "" and order.customer.mobile_phone == "21900000000"
    assert order.customer.email == "fulano@exemplo.invalid"
    [item] = order.items
    assert (item.description, item.quantity, item.unit_price, item.sku, item.store_product_id) == (
        "Casaco infantil",
        Decimal("1.00"),
        Decimal("11.10"),
        "casaco-azul-tam-m666",
        "88568855",
    )
    assert order.shipping_amount == Decimal("21.38") and order.discount_amount == Decimal("0.00")
    assert order.total_amount == Decimal("32.48")


@pytest.mark.parametrize("situation", fixture("situacao")["objects"], ids=lambda s: s["codigo"])
def test_paid_is_read_from_the_situation_code_never_from_aprovado(situation):
    data = fixture("pedido")
    data["situacao"] = situation
    order = map_order(data)
    assert order.is_paid is (situation["codigo"] in CONCLUDED_CODES)
    if situation["codigo"] in {"pagamento_em_disputa", "pedido_chargeback"}:
        assert situation["aprovado"] is True and order.is_paid is False


def test_every_concluded_code_is_paid_and_unknown_codes_are_not():
    assert {
        "pedido_pago",
        "em_producao",
        "pedido_em_separacao",
        "pedido_enviado",
        "pronto_para_retirada",
        "pedido_entregue",
    } == CONCLUDED_CODES
    data = fixture("pedido")
    data["situacao"] = {"codigo": "situacao_nova_da_loja", "aprovado": True, "nome": "Nova"}
    assert map_order(data).is_paid is False
    # Not in the store's documented list: unknown, not paid, however paid it sounds.
    data["situacao"] = {"codigo": "faturado", "aprovado": True, "nome": "Pedido faturado"}
    assert map_order(data).is_paid is False


def test_produto_as_a_uri_string_and_four_decimal_prices():
    data = fixture("pedido")
    data["itens"][0]["produto"] = "/api/v1/produto/182904918"
    data["itens"][0]["preco_venda"] = "10.4567"
    data["itens"][0]["quantidade"] = "2.00"
    [item] = map_order(data).items
    assert item.store_product_id == "182904918"
    assert item.unit_price == Decimal("10.4567") and item.quantity == Decimal("2")


@pytest.mark.parametrize(
    ("produto", "expected"),
    [
        ({"id_externo": 1, "resource_uri": "/api/v1/produto/88568855?id_externo=1"}, "88568855"),
        ({"id": 42, "resource_uri": "/api/v1/produto/1"}, "42"),
        ("/api/v1/produto/77/", "77"),
        (None, ""),
        ("", ""),
    ],
)
def test_product_id_from_both_shapes(produto, expected):
    assert product_id(produto) == expected


def test_company_customer_uses_cnpj_and_legal_name():
    data = fixture("pedido")
    data["cliente"].update(
        {"cpf": None, "cnpj": "11.222.333/0001-81", "razao_social": "Empresa Exemplo Ltda", "nome": "Contato"}
    )
    data["cliente"]["telefone_principal"] = "1133334444"
    customer = map_order(data).customer
    assert customer.name == "Empresa Exemplo Ltda" and customer.document == "11.222.333/0001-81"
    assert customer.business_phone == "1133334444"


def test_empty_phones_and_dates_with_a_space():
    data = fixture("pedido")
    data["cliente"].update({"telefone_principal": "", "telefone_celular": None})
    data["data_criacao"] = "2014-04-04 13:48:49.689375"
    order = map_order(data)
    assert order.customer.business_phone == "" and order.customer.mobile_phone == ""
    assert order.placed_at == datetime(2014, 4, 4, 13, 48, 49, 689375, tzinfo=SAO_PAULO)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.pop("numero"), "não tem número"),
        (lambda d: d.update(itens=[]), "Pedido 165: o pedido não tem itens."),
        (
            lambda d: d["itens"][0].update(quantidade="um"),
            "quantidade de Casaco infantil não é um número (um)",
        ),
        (lambda d: d["itens"][0].update(quantidade="0.00"), "Casaco infantil não tem quantidade positiva"),
        (lambda d: d.update(data_criacao="31/10/2022"), "data de criação"),
        (lambda d: d.update(cliente="/api/v1/cliente/1"), "sem os dados do cliente"),
        (lambda d: d.update(situacao=None), "não tem código de situação"),
        (lambda d: d.update(valor_total="R$ 32,48"), "total não é um número"),
    ],
)
def test_malformed_orders_fail_with_a_readable_reason(change, reason):
    data = fixture("pedido")
    change(data)
    with pytest.raises(StoreOrderError) as failure:
        map_order(data)
    assert reason in failure.value.reason
    assert failure.value.raw is data


decimal_text = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=4).map(str)


@given(
    quantity=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=2).map(str),
    price=st.one_of(decimal_text, st.decimals(min_value=0, max_value=99999, places=2).map(str)),
    phone=st.sampled_from([None, "", "11999998888"]),
    document=st.sampled_from([("12345678909", None), (None, "11222333000181"), ("", "11222333000181")]),
)
def test_any_documented_variation_maps(quantity, price, phone, document):
    data = fixture("pedido")
    data["itens"][0].update(quantidade=quantity, preco_venda=price)
    data["cliente"].update(telefone_celular=phone, cpf=document[0], cnpj=document[1])
    order = map_order(data)
    [item] = order.items
    assert item.quantity == Decimal(quantity) and item.unit_price == Decimal(price)
    assert order.customer.mobile_phone == (phone or "")
    assert order.customer.document == (document[1] or document[0])
