from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from integrations.loja_integrada.connect import ConnectError, connect_loja_integrada
from integrations.loja_integrada.views import integration_page_url
from integrations.models import Integration
from integrations.providers import provider_for
from integrations.services import disconnect_integration
from sandboxes.loja_integrada import store as sandbox
from tests.integrations.factories import IntegrationFactory

URL = "/integrations/loja-integrada/connect/"


def test_the_url_name_is_stable():
    assert reverse("loja_integrada:connect") == URL


def test_the_page_shows_the_steps_in_portuguese(sandbox_api, gestor_client):
    page = gestor_client.get(URL).content.decode()
    assert "Configurações" in page and "Chave para API" in page and "Cadastrar nova chave" in page
    assert "digite Ponte" in page and "Integrar agora" in page
    assert "Apenas vendas realizadas após a ativação serão importadas" in page


def test_financeiro_cannot_connect(sandbox_api, financeiro_client, sandbox_store):
    response = financeiro_client.post(URL, {"name": "Loja", "api_key": sandbox_store.api_key})
    assert response.status_code == 403 and not Integration.objects.exists()


def test_a_wrong_key_is_refused_with_a_clear_message_and_nothing_saved(
    sandbox_api, gestor_client, sandbox_store
):
    response = gestor_client.post(URL, {"name": "Minha loja", "api_key": "chave-errada"})
    assert response.status_code == 200
    assert "A Loja Integrada não aceitou esta chave de API" in response.content.decode()
    assert "chave-errada" not in response.content.decode()  # never rendered back
    assert not Integration.objects.exists()


def test_a_store_that_does_not_answer_saves_nothing(sandbox_api, gestor_client, sandbox_store, settings):
    settings.STORE_HTTP_RETRIES = 0
    sandbox.set_faults(sandbox_store, 500)
    response = gestor_client.post(URL, {"name": "Minha loja", "api_key": sandbox_store.api_key})
    assert "Não foi possível falar com a Loja Integrada" in response.content.decode()
    assert not Integration.objects.exists()


def test_a_good_key_activates_now_with_the_gestor_as_seller(
    sandbox_api, gestor_client, gestor, sandbox_store
):
    before = timezone.now()
    response = gestor_client.post(URL, {"name": "Minha loja", "api_key": f"  {sandbox_store.api_key} "})
    integration = Integration.objects.get()
    assert response.status_code == 302
    # The integration's page (integrations:detail) once it exists; the admin's meanwhile.
    assert response.url == integration_page_url(integration)
    assert integration.provider == Integration.Provider.LOJA_INTEGRADA and integration.name == "Minha loja"
    assert integration.credential == sandbox_store.api_key
    assert integration.credential_hint == f"••••{sandbox_store.api_key[-4:]}"
    assert integration.seller == gestor and integration.enabled and integration.activated_at >= before
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED


def test_a_new_key_reconnects_a_disconnected_integration_keeping_its_history(
    sandbox_api, gestor_client, sandbox_store
):
    activated = timezone.now() - timedelta(days=3)
    integration = IntegrationFactory(
        credential="chave-antiga-0000", activated_at=activated, name="Loja antiga"
    )
    disconnect_integration(integration, "A loja recusou a chave.")
    assert provider_for(integration).connect_url(integration) == f"{URL}?integration={integration.pk}"
    page = gestor_client.get(provider_for(integration).connect_url(integration)).content.decode()
    assert "A loja recusou a chave." in page and "Loja antiga" in page

    response = gestor_client.post(
        f"{URL}?integration={integration.pk}", {"name": "Loja antiga", "api_key": sandbox_store.api_key}
    )
    assert response.status_code == 302
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED
    assert integration.credential == sandbox_store.api_key and integration.activated_at == activated
    assert Integration.objects.count() == 1


def test_the_command_validates_like_the_screen(sandbox_api, gestor, sandbox_store, capsys):
    with pytest.raises(CommandError, match="não aceitou esta chave"):
        call_command("connect_loja_integrada", name="Loja", api_key="errada", seller="gestor")
    assert not Integration.objects.exists()
    with pytest.raises(CommandError, match="ninguem"):
        call_command("connect_loja_integrada", name="Loja", api_key=sandbox_store.api_key, seller="ninguem")

    call_command("connect_loja_integrada", name="Loja CLI", api_key=sandbox_store.api_key, seller="gestor")
    integration = Integration.objects.get()
    assert integration.seller == gestor and integration.name == "Loja CLI"
    out = capsys.readouterr().out
    assert "Loja CLI" in out and sandbox_store.api_key not in out


def test_a_key_already_in_use_is_refused(sandbox_api, gestor, sandbox_store):
    IntegrationFactory(name="Loja já ligada", credential=sandbox_store.api_key)
    with pytest.raises(ConnectError, match="já ligada"):
        connect_loja_integrada(name="De novo", api_key=sandbox_store.api_key, seller=gestor)
    assert Integration.objects.count() == 1
