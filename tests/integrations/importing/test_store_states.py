"""What each store's codes say about the money (StoreState), and which changes are news: the
mapping every store change rests on, checked over every code and combination (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.importing.store_changes import StoreWord, is_news
from integrations.loja_integrada import mapper as li
from integrations.models import ImportRecord
from integrations.nuvemshop import mapper as ns
from integrations.order_source import FetchedOrder
from integrations.store_order import MONEY_GONE_BACK, StoreState
from tests.integrations.factories import StoreOrderFactory
from tests.integrations.loja_integrada.conftest import fixture as li_fixture
from tests.integrations.nuvemshop.fixtures import order_v1

LI_CODES = [
    *li.CONCLUDED_CODES,
    *li.CANCELLED_CODES,
    *["pagamento_em_disputa", "aguardando_pagamento", "pedido_efetuado", "situacao_inventada"],
]
NS_PAYMENT = [
    *["paid", "pending", "authorized", "abandoned", "refunded", "voided", "partially_refunded"],
    *["partially_paid", "charged_back", "", "PAID"],
]
NS_STATUS = ["open", "closed", "cancelled", ""]


@given(st.sampled_from(LI_CODES))
def test_loja_integrada_maps_by_code_and_the_import_agrees(code):
    data = li_fixture("pedido")
    data["situacao"] = {**data["situacao"], "codigo": code, "aprovado": True}  # aprovado never decides
    order = li.map_order(data)
    assert order.store_state == li.store_state(code)
    assert order.is_paid is (order.store_state == StoreState.PAID)
    assert order.is_cancelled is (order.store_state in MONEY_GONE_BACK)
    summary = {"situacao": data["situacao"]}
    assert li.summary_state(summary) == (order.store_state, data["situacao"]["nome"])


def test_loja_integrada_chargeback_is_money_gone_back_though_aprovado():
    assert li.store_state("pedido_chargeback") == StoreState.CHARGED_BACK
    assert li.store_state("pagamento_devolvido") == StoreState.REFUNDED
    assert li.store_state("pedido_cancelado") == StoreState.CANCELLED
    assert li.store_state("pagamento_em_disputa") == StoreState.AWAITING
    assert "pedido_chargeback" in li.CANCELLED_CODES


@given(st.sampled_from(NS_PAYMENT), st.sampled_from(NS_STATUS))
def test_nuvemshop_maps_payment_status_and_status_and_the_import_agrees(payment_status, status):
    order = ns.map_order({**order_v1(), "payment_status": payment_status, "status": status})
    state = order.store_state
    assert order.is_paid is (state == StoreState.PAID)
    assert order.is_cancelled is (state in MONEY_GONE_BACK)
    if payment_status in ("refunded", "voided", "charged_back"):
        assert state == StoreState(payment_status)
    elif status == "cancelled":
        assert state == StoreState.CANCELLED
    elif payment_status == "partially_refunded":
        assert state == StoreState.PARTIALLY_REFUNDED
    elif payment_status == "paid":
        assert state == StoreState.PAID
    else:
        assert state == StoreState.AWAITING


def test_nuvemshop_partial_refund_carries_its_amount_when_the_store_says_it():
    data = {**order_v1(), "payment_status": "partially_refunded"}
    assert ns.map_order({**data, "refunded_amount": "12.5"}).refunded_amount == Decimal("12.5")
    assert ns.map_order(data).refunded_amount is None


def test_a_store_order_built_with_the_flags_only_gets_the_state_they_say():
    assert StoreOrderFactory().store_state == StoreState.PAID
    assert StoreOrderFactory(is_paid=False).store_state == StoreState.AWAITING
    assert StoreOrderFactory(is_cancelled=True).store_state == StoreState.CANCELLED


def _record(state="", amount=None):
    return ImportRecord(status="imported", store_state=state, store_refunded_amount=amount)


def _word(state, amount=None):
    return StoreWord.of(
        FetchedOrder.state_only("1", number="1", updated_at=None, store_state=state, status_label="")
        if amount is None
        else FetchedOrder("1", store_state=state, refunded_amount=Decimal(amount))
    )


@given(st.sampled_from(list(StoreState)), st.sampled_from(["", *StoreState]))
def test_the_same_state_again_is_never_news(state, applied):
    record = _record(applied)
    word = _word(state)
    if is_news(record, word):
        record.store_state = state  # what apply_store_change remembers
        assert not is_news(record, word)


@pytest.mark.parametrize(
    ("applied", "state", "news"),
    [
        ("", StoreState.PAID, False),  # imported paid, still paid
        ("", StoreState.AWAITING, False),  # a dispute: nothing to apply
        ("", StoreState.CANCELLED, True),
        ("", StoreState.CHARGED_BACK, True),
        (StoreState.CANCELLED, StoreState.REFUNDED, False),  # gone back already
        (StoreState.REFUNDED, StoreState.PAID, True),  # paid again
        (StoreState.PARTIALLY_REFUNDED, StoreState.REFUNDED, True),
    ],
)
def test_which_changes_are_news(applied, state, news):
    assert is_news(_record(applied), _word(state)) is news


def test_a_partial_refund_is_news_when_its_amount_changes():
    record = _record(StoreState.PARTIALLY_REFUNDED, Decimal("10.00"))
    assert not is_news(record, _word(StoreState.PARTIALLY_REFUNDED, "10.00"))
    assert is_news(record, _word(StoreState.PARTIALLY_REFUNDED, "15.00"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("confirmed", [False, True])
def test_the_same_change_applied_by_two_workers_at_once_has_one_effect(confirmed, monkeypatch):
    """Two deliveries of one cancellation handled at the same instant (two workers): the record's
    row lock makes the second see the first's work, so one cancellation or one note."""
    from dataclasses import replace

    from audit.models import AuditEntry
    from integrations.importing import import_order
    from integrations.importing.orders import import_fetched
    from sales import services as sales_services
    from sales.models import Sale
    from tests.concurrency import run_together_or_raise
    from tests.core.factories import UserFactory
    from tests.integrations.factories import IntegrationFactory

    integration = IntegrationFactory()
    order = StoreOrderFactory()
    sale = import_order(integration, order).sale
    if confirmed:
        sale = sales_services.confirm_sale(sale, UserFactory())
    real = sales_services.flag_store_change if confirmed else sales_services.cancel_sale

    def slow(*args, **kwargs):  # hold the first worker's transaction open a moment
        import time

        result = real(*args, **kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(sales_services, "flag_store_change" if confirmed else "cancel_sale", slow)
    cancelled = FetchedOrder.mapped(replace(order, is_cancelled=True, store_state=None))
    run_together_or_raise(
        lambda: import_fetched(integration, cancelled), lambda: import_fetched(integration, cancelled)
    )

    sale.refresh_from_db()
    action = AuditEntry.Action.SALE_CHANGED if confirmed else AuditEntry.Action.SALE_CANCELLED
    assert AuditEntry.objects.filter(object_id=str(sale.pk), action=action).count() == 1
    assert sale.status == (Sale.Status.CONFIRMED if confirmed else Sale.Status.CANCELLED)
