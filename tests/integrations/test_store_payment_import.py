"""The import keeps the store's payment on the sale, and takes it as the terms only when the Gestor
switched it on for that integration (the seeds' Dinheiro in one installment otherwise)."""

import pytest

from integrations.importing import import_order
from integrations.models import ImportRecord
from sales.models import Sale
from tests.integrations.factories import IntegrationFactory, StoreOrderFactory

pytestmark = pytest.mark.django_db

CARD_6X = {
    "payment_method": Sale.PaymentMethod.CREDIT_CARD,
    "payment_installments": 6,
    "payment_label": "Cartão de crédito Mastercard 6x — PagSeguro V2",
}


def test_the_store_payment_is_kept_beside_the_seeds_cash_in_one_installment():
    record = import_order(IntegrationFactory(), StoreOrderFactory(store_order_id="1", **CARD_6X))
    sale = record.sale
    assert (sale.payment_method, sale.installments) == (Sale.PaymentMethod.CASH, 1)
    assert (sale.store_payment_method, sale.store_installments) == (Sale.PaymentMethod.CREDIT_CARD, 6)
    assert sale.store_payment_label == CARD_6X["payment_label"]
    assert sale.terms_differ_from_store


def test_with_the_integration_setting_on_the_store_payment_is_the_sales_terms():
    integration = IntegrationFactory(use_store_payment=True)
    sale = import_order(integration, StoreOrderFactory(store_order_id="2", **CARD_6X)).sale
    assert (sale.payment_method, sale.installments) == (Sale.PaymentMethod.CREDIT_CARD, 6)
    assert not sale.terms_differ_from_store


def test_with_the_setting_on_an_unread_payment_keeps_the_seeds_terms_and_the_words():
    integration = IntegrationFactory(use_store_payment=True)
    order = StoreOrderFactory(store_order_id="3", payment_label="Pagamento ilegível: {…}")
    record = import_order(integration, order)
    assert record.status == ImportRecord.Status.IMPORTED
    assert (record.sale.payment_method, record.sale.installments) == (Sale.PaymentMethod.CASH, 1)
    assert record.sale.store_payment_label == "Pagamento ilegível: {…}"
