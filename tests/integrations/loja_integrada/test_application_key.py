"""Ponte's own application key refused (wrong LOJA_INTEGRADA_APP_KEY, or the application bound to
other IP addresses), told apart from a merchant's key, against the sandbox over loopback.

The sandbox answers both refusals alike (401, same body), as the real API does; the stores are
compared instead."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.importing import sync_integration
from integrations.loja_integrada import app_key
from integrations.loja_integrada.connect import ConnectError, connect_loja_integrada
from integrations.loja_integrada.models import ApplicationKeyStatus
from integrations.models import ImportRun, Integration
from sandboxes.loja_integrada import store as sandbox
from tests.integrations.factories import IntegrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = "recusa a chave de aplicação do Ponte (LOJA_INTEGRADA_APP_KEY)"


@pytest.fixture
def two_stores(sandbox_api):
    """Two connected Loja Integrada stores, each with its sandbox store and a paid order."""
    pairs = []
    for name in ("Loja Azul", "Loja Verde"):
        store = sandbox.create_store(name)
        sandbox.add_paid_order(store)
        integration = IntegrationFactory(
            name=name, credential=store.api_key, activated_at=timezone.now() - timedelta(days=1)
        )
        pairs.append((integration, store))
    return pairs


@pytest.fixture
def wrong_app_key(settings):
    """Loja Integrada knows Ponte's application by another key (or from other IP addresses)."""
    settings.SANDBOX_LOJA_INTEGRADA_APP_KEY = "a-chave-registrada"
    settings.LOJA_INTEGRADA_APP_KEY = "uma-chave-errada"
    return settings


def calls(store) -> int:
    store.refresh_from_db()
    return store.requests_served


def test_a_refused_application_key_disconnects_no_store_says_so_and_stops_calling(
    two_stores, wrong_app_key, gestor_client, caplog
):
    (azul, azul_store), (verde, verde_store) = two_stores
    caplog.set_level(logging.ERROR, logger="integrations.loja_integrada.app_key")

    run = sync_integration(azul)

    assert run.status == ImportRun.Status.FAILED and REFUSED in run.error
    assert all(
        i.connection_status == Integration.ConnectionStatus.CONNECTED and i.may_import
        for i in Integration.objects.all()
    )
    assert any("LOJA_INTEGRADA_APP_KEY" in record.getMessage() for record in caplog.records)
    assert "uma-chave-errada" not in caplog.text and azul_store.api_key not in caplog.text
    page = gestor_client.get(reverse("integrations:list")).content.decode()
    assert REFUSED in page and "nenhuma loja foi desconectada" in page

    # The next runs do not call Loja Integrada at all until the key is fixed or a probe is due.
    before = calls(azul_store), calls(verde_store)
    assert REFUSED in sync_integration(verde).error and REFUSED in sync_integration(azul).error
    assert (calls(azul_store), calls(verde_store)) == before

    wrong_app_key.LOJA_INTEGRADA_APP_KEY = "a-chave-registrada"  # fixed in the settings
    assert sync_integration(verde).status == ImportRun.Status.DONE
    assert sync_integration(azul).imported == 1
    assert REFUSED not in gestor_client.get(reverse("integrations:list")).content.decode()
    assert ApplicationKeyStatus.objects.get().refused_at is None


def test_one_merchants_revoked_key_disconnects_only_that_store(two_stores):
    (azul, azul_store), (verde, _verde_store) = two_stores
    sandbox.revoke_key(azul_store)

    assert sync_integration(azul).status == ImportRun.Status.FAILED

    azul.refresh_from_db()
    verde.refresh_from_db()
    assert azul.connection_status == Integration.ConnectionStatus.DISCONNECTED
    assert verde.may_import and app_key.notices() == []
    assert sync_integration(verde).status == ImportRun.Status.DONE


def test_a_key_fixed_at_loja_integradas_side_is_found_by_the_next_probe(two_stores, wrong_app_key):
    (azul, azul_store), _verde = two_stores
    sync_integration(azul)
    wrong_app_key.SANDBOX_LOJA_INTEGRADA_APP_KEY = "uma-chave-errada"  # the IP binding was fixed there
    before = calls(azul_store)
    assert sync_integration(azul).status == ImportRun.Status.FAILED and calls(azul_store) == before

    ApplicationKeyStatus.objects.update(last_probe_at=timezone.now() - app_key.PROBE_INTERVAL)
    run = sync_integration(azul)

    assert run.status == ImportRun.Status.DONE and run.imported == 1
    assert app_key.notices() == []


def test_one_store_alone_is_disconnected_and_the_next_key_refused_names_pontes_key(
    sandbox_api, wrong_app_key, gestor
):
    """With one store the first refusal cannot be told apart; a second key refused settles it."""
    store = sandbox.create_store("Loja Única")
    integration = IntegrationFactory(credential=store.api_key, activated_at=timezone.now())
    sync_integration(integration)
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED

    fresh = sandbox.create_store("Loja Única, chave nova")
    with pytest.raises(ConnectError, match=r"LOJA_INTEGRADA_APP_KEY"):
        connect_loja_integrada(name="", api_key=fresh.api_key, seller=gestor, integration=integration)


def test_without_an_application_key_loja_integrada_is_not_called(two_stores, settings, gestor_client):
    (azul, azul_store), _verde = two_stores
    settings.LOJA_INTEGRADA_APP_KEY = ""
    before = calls(azul_store)

    run = sync_integration(azul)

    assert "LOJA_INTEGRADA_APP_KEY" in run.error and "não está definida" in run.error
    assert calls(azul_store) == before and Integration.objects.get(pk=azul.pk).may_import
    assert "não está definida" in gestor_client.get(reverse("integrations:list")).content.decode()
