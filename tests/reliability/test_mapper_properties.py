"""Hostile payloads for both mappers (hypothesis), built around the stores' documented examples:
each mapper returns a valid StoreOrder or raises one StoreOrderError with a readable reason,
never anything else."""

import copy
from datetime import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.loja_integrada.mapper import map_order as map_li
from integrations.nuvemshop.mapper import map_order as map_ns
from integrations.store_order import StoreOrder, StoreOrderError
from tests.integrations.loja_integrada.conftest import fixture as li_fixture
from tests.integrations.nuvemshop.fixtures import order_2025, order_v1

EXAMPLES = 200

DOCUMENTS = [
    "529.982.247-25",
    "52998224725",
    "11111111111",
    "123",
    "12.ABC.345/01DE-35",
    "00.000.000/0000-00",
]
SITUATIONS = ["pedido_pago", "pedido_entregue", "pedido_cancelado", "situacao_inventada", "", "PEDIDO_PAGO"]

hostile = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6).map(
        str
    ),
    st.sampled_from(["0", "0.00", "-1.00", "10.4550", "1e3", "NaN", "Infinity", "1,50", "", " ", "abc"]),
    st.sampled_from([*DOCUMENTS, *SITUATIONS, "2022-10-31T12:28:05.704751", "2022-02-30T25:00:00+0000"]),
    st.text(max_size=40),
    st.text(min_size=5_000, max_size=20_000, alphabet=st.characters(codec="utf-8")),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(value, prefix=()):
    """Every key path inside a JSON-like value (dicts and lists)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*prefix, key)
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*prefix, index)
            yield from _paths(inner, (*prefix, index))


@st.composite
def mutated(draw, base):
    """The example with a few fields replaced by hostile values or removed."""
    payload = copy.deepcopy(base)
    paths = list(_paths(payload))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(paths))
        parent = payload
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(hostile)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation already replaced the way there
    return payload


def assert_valid_or_typed_error(mapper, payload):
    try:
        order = mapper(payload)
    except StoreOrderError as error:
        assert isinstance(error.reason, str) and error.reason.strip(), repr(error)
        assert len(error.reason) < 20_000
        return "refused"
    assert isinstance(order, StoreOrder)
    assert order.store_order_id and isinstance(order.store_order_id, str)
    assert isinstance(order.placed_at, datetime) and order.placed_at.tzinfo is not None
    assert order.items, "an order without items must be refused"
    for item in order.items:
        assert isinstance(item.quantity, Decimal) and item.quantity.is_finite() and item.quantity > 0
        assert isinstance(item.unit_price, Decimal) and item.unit_price.is_finite()
        assert isinstance(item.description, str)
    for amount in (order.shipping_amount, order.discount_amount):
        assert isinstance(amount, Decimal) and amount.is_finite()
    assert isinstance(order.customer.name, str)
    return "mapped"


def brl(order: dict) -> dict:
    return {**order, "currency": "BRL", "payment_status": "paid"}


common = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(mutated(li_fixture("pedido")))
def test_loja_integrada_mapper_maps_or_refuses_with_a_reason(payload):
    assert_valid_or_typed_error(map_li, payload)


@common
@given(mutated(brl(order_v1())))
def test_nuvemshop_v1_mapper_maps_or_refuses_with_a_reason(payload):
    assert_valid_or_typed_error(map_ns, payload)


@common
@given(mutated(brl(order_2025())))
def test_nuvemshop_2025_mapper_maps_or_refuses_with_a_reason(payload):
    assert_valid_or_typed_error(map_ns, payload)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(hostile, st.lists(hostile, max_size=3)))
def test_anything_that_is_not_an_order_is_refused_with_a_reason(payload):
    for mapper in (map_li, map_ns):
        assert assert_valid_or_typed_error(mapper, payload) == "refused"
