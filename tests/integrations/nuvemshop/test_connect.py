from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from integrations import services
from integrations.models import Integration
from integrations.nuvemshop.connect import WEBHOOK_EVENTS
from sandboxes.nuvemshop import services as sandbox
from sandboxes.nuvemshop.models import SandboxAuthCode, SandboxWebhook

from .conftest import install, installed_integration, press_install, start

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_full_install_connects_the_store_with_activation_date_seller_and_webhooks(
    gestor_client, gestor, store, nuvemshop_sandbox
):
    page = gestor_client.get("/integrations/nuvemshop/")
    assert "Conectar com Nuvemshop" in page.content.decode()
    before = timezone.now()
    response = install(gestor_client, store)
    integration = Integration.objects.get()
    assert response["Location"] == f"/integrations/nuvemshop/{integration.pk}/ready/"
    store.refresh_from_db()
    assert integration.provider == "nuvemshop" and integration.store_id == "817495"
    assert integration.name == "Loja da Ana"
    assert integration.credential == store.access_token and store.installed
    assert integration.credential_hint == f"••••{store.access_token[-4:]}"
    assert integration.seller == gestor
    assert before.replace(microsecond=0) <= integration.activated_at <= timezone.now()
    assert integration.may_import and integration.webhooks_registered_at is not None
    hooks = set(SandboxWebhook.objects.values_list("event", "url"))
    assert hooks == {
        (event, f"{nuvemshop_sandbox}/integrations/nuvemshop/webhook/") for event in WEBHOOK_EVENTS
    }

    ready = gestor_client.get(response["Location"]).content.decode()
    assert "Data de ativação" in ready
    assert timezone.localtime(integration.activated_at).strftime("%d/%m/%Y %H:%M") in ready


def test_a_replayed_state_is_refused(gestor_client, store):
    callback = press_install(gestor_client, store, start(gestor_client))
    assert gestor_client.get(callback).status_code == 302
    again = gestor_client.get(callback)
    assert again.status_code == 400
    assert "não corresponde" in again.content.decode()
    assert Integration.objects.count() == 1


def test_the_state_is_bound_to_the_session_that_started_it(client, gestor_client, store, roles):
    from core.roles import GESTOR
    from tests.core.factories import UserFactory

    callback = press_install(gestor_client, store, start(gestor_client))
    other = UserFactory(username="outro", is_staff=True)
    other.groups.add(roles[GESTOR])
    client.force_login(other)
    response = client.get(callback)
    assert response.status_code == 400
    assert "cookies" in response.content.decode()
    assert not Integration.objects.exists()


def test_a_forged_state_is_refused_and_uses_up_the_real_one(gestor_client, store):
    state = start(gestor_client)
    forged = press_install(gestor_client, store, "forjado")
    assert gestor_client.get(forged).status_code == 400
    assert gestor_client.get(press_install(gestor_client, store, state)).status_code == 400
    assert not Integration.objects.exists()


def test_an_expired_code_is_refused(gestor_client, store):
    callback = press_install(gestor_client, store, start(gestor_client))
    SandboxAuthCode.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    response = gestor_client.get(callback)
    assert response.status_code == 400
    assert "expirou" in response.content.decode()
    assert not Integration.objects.exists()


def test_a_reused_code_is_refused(gestor_client, store):
    first = press_install(gestor_client, store, start(gestor_client))
    code = first.split("code=")[1].split("&")[0]
    assert gestor_client.get(first).status_code == 302
    state = start(gestor_client)
    response = gestor_client.get(f"/integrations/nuvemshop/callback/?code={code}&state={state}")
    assert response.status_code == 400 and "expirou" in response.content.decode()


def test_the_merchant_cancelling_leaves_nothing(gestor_client, store):
    callback = press_install(gestor_client, store, start(gestor_client), action="deny")
    response = gestor_client.get(callback)
    assert response.status_code == 400
    assert "cancelada" in response.content.decode()
    assert not Integration.objects.exists()


@responses.activate
def test_a_store_error_sent_with_http_200_is_shown(gestor_client):
    responses.post(
        "https://www.nuvemshop.com.br/apps/authorize/token",
        json={"error": "server_error", "error_description": "Algo deu errado na loja"},
        status=200,
    )
    state = start(gestor_client)
    response = gestor_client.get(f"/integrations/nuvemshop/callback/?code=abc&state={state}")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Algo deu errado na loja" in page and "limpe o cache" in page
    assert not Integration.objects.exists()


@responses.activate
def test_a_numeric_user_id_is_the_store_id(gestor_client, gestor, settings):
    settings.NUVEMSHOP_API_URL = "https://api.nuvemshop.com.br/v1"
    responses.post(
        "https://www.nuvemshop.com.br/apps/authorize/token",
        json={
            "access_token": "tok-123456789",
            "token_type": "bearer",
            "scope": "read_orders",
            "user_id": 789,
        },
    )
    responses.get("https://api.nuvemshop.com.br/v1/789/store", json={"id": 789, "name": {"pt": "Loja 789"}})
    responses.get("https://api.nuvemshop.com.br/v1/789/webhooks", json=[])
    responses.post("https://api.nuvemshop.com.br/v1/789/webhooks", json={"id": 1}, status=201)
    state = start(gestor_client)
    assert gestor_client.get(f"/integrations/nuvemshop/callback/?code=abc&state={state}").status_code == 302
    integration = Integration.objects.get()
    assert integration.store_id == "789" and integration.credential == "tok-123456789"
    webhook_calls = [c for c in responses.calls if c.request.method == "POST" and "webhooks" in c.request.url]
    assert len(webhook_calls) == len(WEBHOOK_EVENTS)


def test_webhooks_failing_leaves_no_half_integration(gestor_client, store):
    callback = press_install(gestor_client, store, start(gestor_client))
    sandbox.force_answers(store, 500, count=20)
    response = gestor_client.get(callback)
    assert response.status_code == 400
    assert "indisponível" in response.content.decode()
    assert not Integration.objects.exists()


def test_reconnecting_the_same_store_keeps_the_integration_and_its_history(gestor_client, store):
    first = installed_integration(gestor_client, store)
    Integration.objects.filter(pk=first.pk).update(sync_cursor=first.activated_at)
    services.disconnect_integration(first, "token revogado")
    page = gestor_client.get(f"/integrations/nuvemshop/?integration={first.pk}").content.decode()
    assert "token revogado" in page
    old_token = first.credential

    again = installed_integration(gestor_client, store)
    assert again.pk == first.pk and Integration.objects.count() == 1
    assert again.activated_at == first.activated_at and again.sync_cursor == first.activated_at
    assert again.connection_status == Integration.ConnectionStatus.CONNECTED
    assert again.credential != old_token
    assert SandboxWebhook.objects.count() == len(WEBHOOK_EVENTS)  # not registered twice
    ready = gestor_client.get(f"/integrations/nuvemshop/{again.pk}/ready/").content.decode()
    assert "conectada novamente" in ready


@pytest.mark.parametrize("path", ["/integrations/nuvemshop/", "/integrations/nuvemshop/connect/"])
def test_a_financeiro_user_is_refused(financeiro_client, path):
    assert financeiro_client.post(path).status_code in (403, 405)
    assert financeiro_client.get(path).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.post("/integrations/nuvemshop/connect/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_without_the_app_credentials_the_page_and_connect_say_so(gestor_client, settings):
    settings.NUVEMSHOP_CLIENT_SECRET = ""
    assert "NUVEMSHOP_APP_ID" in gestor_client.get("/integrations/nuvemshop/").content.decode()
    response = gestor_client.post("/integrations/nuvemshop/connect/")
    assert response.status_code == 400 and "não está configurado" in response.content.decode()
