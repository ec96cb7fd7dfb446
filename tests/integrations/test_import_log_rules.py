"""The import log's two rules of issue #16: an order announced while the integration is off is
listed there, and *Tentar novamente* is not offered for an order that can never come in."""

import pytest
from django.urls import reverse

from integrations import importing, services
from integrations.models import ImportRecord
from tests.integrations.factories import IntegrationFactory

pytestmark = pytest.mark.django_db


def test_an_order_announced_while_disabled_is_listed_and_the_store_is_not_called(fake_store):
    integration = IntegrationFactory(name="Loja Bela", enabled=False)
    store = fake_store(integration)

    assert importing.import_single_order(integration, "7001") is None

    record = ImportRecord.objects.get(integration=integration, store_order_id="7001")
    assert record.status == ImportRecord.Status.SKIPPED and record.reason_code == "integration_off"
    assert "integração desativada" in record.reason
    assert store.fetches == []
    assert services.may_retry(record)  # it can come in once enabled


def test_retry_is_not_offered_for_an_order_placed_before_the_activation(gestor_client):
    integration = IntegrationFactory()
    early = ImportRecord.objects.create(
        integration=integration,
        store_order_id="1",
        status=ImportRecord.Status.SKIPPED,
        reason_code="before_activation",
        reason="Pedido feito antes da ativação.",
    )
    failed = ImportRecord.objects.create(
        integration=integration, store_order_id="2", status=ImportRecord.Status.FAILED, reason="falhou"
    )
    assert not services.may_retry(early) and services.may_retry(failed)

    page = gestor_client.get(reverse("integrations:import_log")).content.decode()
    assert f'name="record" value="{failed.pk}"' in page
    assert (
        f'name="record" value="{early.pk}"' not in page and f'name="records" value="{early.pk}"' not in page
    )
    # However the request arrives, the service does not fetch it again.
    assert services.retry_imports([early]).queued == 0


def test_the_order_listed_while_disabled_comes_in_once_enabled(fake_store):
    from tests.integrations.factories import StoreOrderFactory

    integration = IntegrationFactory(enabled=False)
    order = StoreOrderFactory()
    fake_store(integration).add(order)
    importing.import_single_order(integration, order.store_order_id)
    integration.enabled = True
    integration.save(update_fields=["enabled"])

    importing.import_single_order(integration, order.store_order_id)

    record = ImportRecord.objects.get(integration=integration, store_order_id=order.store_order_id)
    assert record.status == ImportRecord.Status.IMPORTED and record.sale is not None


def test_the_card_the_detail_and_the_run_page_use_the_same_words(gestor_client):
    from integrations.models import ImportRun

    integration = IntegrationFactory()
    run = ImportRun.objects.create(integration=integration, trigger="manual", status=ImportRun.Status.DONE)
    pages = [
        reverse("integrations:list"),
        reverse("integrations:detail", args=[integration.pk]),
        reverse("integrations:run", args=[integration.pk, run.pk]),
    ]
    for url in pages:
        text = gestor_client.get(url, HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
        for words in ["Pedidos importados", "Pedidos ignorados", "Pedidos com falha"]:
            assert words in text, (url, words)
        assert ">Novos<" not in text
