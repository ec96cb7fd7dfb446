"""The managers' pages: who may see them, what they show, and what their buttons do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.models import ImportRecord, ImportRun, Integration
from integrations.providers import provider_for
from sales.models import Sale
from tests.integrations.factories import IntegrationFactory, StoreOrderFactory, sao_paulo

pytestmark = pytest.mark.django_db


def _record(integration, status, reason="", **fields):
    return ImportRecord.objects.create(
        integration=integration,
        store_order_id=fields.pop("store_order_id", str(ImportRecord.objects.count() + 100)),
        status=status,
        reason=reason,
        last_attempt_at=timezone.now(),
        attempts=1,
        **fields,
    )


def _orders_in_store(fake_store, integration, count=1):
    """Paid orders placed after the integration's activation, in its fake store."""
    placed = integration.activated_at + timedelta(minutes=1)
    orders = [StoreOrderFactory(placed_at=placed, updated_at=placed) for _ in range(count)]
    fake_store(integration).add(*orders)
    return orders


def _pages(integration):
    return [
        ("get", reverse("integrations:list")),
        ("get", reverse("integrations:detail", args=[integration.pk])),
        ("get", reverse("integrations:import_log")),
        ("post", reverse("integrations:toggle", args=[integration.pk])),
        ("post", reverse("integrations:import_now", args=[integration.pk])),
        ("post", reverse("integrations:retry")),
    ]


def test_anonymous_users_are_sent_to_the_login(client):
    integration = IntegrationFactory()
    for method, url in _pages(integration):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url


def test_financeiro_is_refused(financeiro_client):
    integration = IntegrationFactory()
    for method, url in _pages(integration):
        assert getattr(financeiro_client, method)(url).status_code == 403, url
    assert Integration.objects.get().enabled


def test_the_list_offers_both_stores_and_shows_the_integrations(gestor_client):
    integration = IntegrationFactory(name="Loja da Ana", last_sync_at=sao_paulo(2026, 11, 20, 9, 30))
    _record(integration, "failed", "estoque insuficiente")
    response = gestor_client.get(reverse("integrations:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Integrações" in html and "Todas as integrações" in html
    assert "Loja Integrada" in html and "Nuvemshop" in html
    assert "Loja da Ana" in html and "20/11/2026 09:30" in html
    assert f"?integration={integration.pk}&status=failed" in html
    assert f'href="{reverse("loja_integrada:connect")}"' in html
    assert f'href="{reverse("nuvemshop:install")}"' in html


@pytest.mark.urls("tests.integrations.urls_connect")
def test_the_list_links_each_store_to_its_connect_page(gestor_client):
    html = gestor_client.get(reverse("integrations:list")).content.decode()
    assert 'href="/stub/li/connect/"' in html and 'href="/stub/ns/install/"' in html
    assert "Integrar agora" in html


def test_connect_url_points_at_each_store_package_page():
    assert provider_for(Integration.Provider.LOJA_INTEGRADA).connect_url() == reverse(
        "loja_integrada:connect"
    )
    assert provider_for(Integration.Provider.NUVEMSHOP).connect_url() == reverse("nuvemshop:install")


def test_the_detail_shows_activation_switch_sync_counts_and_failures(gestor_client):
    integration = IntegrationFactory(
        activated_at=sao_paulo(2026, 11, 1, 8, 0), last_sync_at=sao_paulo(2026, 11, 22, 14, 5)
    )
    _record(integration, "failed", "estoque insuficiente: Casaco infantil, quantidade 2, disponível 1")
    _record(integration, "skipped", "não pago")
    html = gestor_client.get(reverse("integrations:detail", args=[integration.pk])).content.decode()
    assert "Data de ativação" in html and "01/11/2026 08:00" in html
    assert "Integração ativada" in html and "Desativar" in html
    assert "Última sincronização bem-sucedida" in html and "22/11/2026 14:05" in html
    assert 'id="imported-count">0<' in html and 'id="failed-count">1<' in html
    assert "estoque insuficiente: Casaco infantil, quantidade 2, disponível 1" in html
    assert "Importar agora" in html
    assert integration.credential not in html and integration.credential_hint in html


@pytest.mark.urls("tests.integrations.urls_connect")
def test_a_disconnected_integration_says_why_when_and_offers_to_connect_again(gestor_client):
    integration = IntegrationFactory(
        provider=Integration.Provider.NUVEMSHOP,
        connection_status="disconnected",
        disconnected_at=sao_paulo(2026, 11, 21, 10, 0),
        disconnected_reason="A loja recusou as credenciais (401). Conecte a integração novamente.",
    )
    html = gestor_client.get(reverse("integrations:detail", args=[integration.pk])).content.decode()
    assert "Desconectada em 21/11/2026 10:00:" in html
    assert "A loja recusou as credenciais (401)." in html
    assert f'href="/stub/ns/install/?integration={integration.pk}"' in html and "Conectar novamente" in html
    assert "Importar agora" not in html


def test_the_switch_turns_imports_off_and_on(gestor_client):
    integration = IntegrationFactory(name="Loja Bela")
    detail = reverse("integrations:detail", args=[integration.pk])
    # Desativar asks first, naming the integration, and changes nothing until answered.
    asked = gestor_client.get(detail).content.decode()
    confirm_url = reverse("integrations:confirm_disable", args=[integration.pk])
    assert f'href="{confirm_url}"' in asked
    question = gestor_client.get(confirm_url).content.decode()
    assert "Desativar a integração Loja Bela?" in question and 'value="Sim, desativar Loja Bela"' in question
    integration.refresh_from_db()
    assert integration.enabled

    url = reverse("integrations:toggle", args=[integration.pk])
    response = gestor_client.post(url, {"enabled": "0", "next": detail}, follow=True)
    integration.refresh_from_db()
    assert not integration.enabled
    assert "Integração Loja Bela desativada" in response.content.decode()
    gestor_client.post(url, {"enabled": "1"})
    integration.refresh_from_db()
    assert integration.enabled


def test_import_now_queues_one_import_by_the_manager(gestor_client, gestor, fake_store):
    integration = IntegrationFactory()
    _orders_in_store(fake_store, integration)
    response = gestor_client.post(reverse("integrations:import_now", args=[integration.pk]), follow=True)
    run = ImportRun.objects.get()
    assert (run.trigger, run.requested_by, run.imported) == ("manual", gestor, 1)
    assert "Importação na fila" in response.content.decode()
    assert Sale.objects.count() == 1


def test_import_now_while_one_is_queued_queues_nothing(gestor_client):
    integration = IntegrationFactory()
    ImportRun.objects.create(integration=integration, trigger="schedule")
    response = gestor_client.post(reverse("integrations:import_now", args=[integration.pk]), follow=True)
    assert ImportRun.objects.count() == 1
    assert "Uma importação desta loja já está na fila ou em andamento." in response.content.decode()


def test_import_now_on_a_disabled_integration_says_so(gestor_client):
    integration = IntegrationFactory(enabled=False)
    response = gestor_client.post(reverse("integrations:import_now", args=[integration.pk]), follow=True)
    assert not ImportRun.objects.exists()
    assert "A integração está desativada: ative-a para importar os pedidos. Nada foi importado." in (
        response.content.decode()
    )


def test_the_import_log_lists_failed_and_skipped_orders_with_filters(gestor_client):
    first, second = IntegrationFactory(name="Loja A"), IntegrationFactory(name="Loja B")
    _record(first, "failed", "motivo falha A", store_order_number="A-1")
    _record(first, "skipped", "motivo ignorado A", store_order_number="A-2")
    _record(second, "failed", "motivo falha B", store_order_number="B-1")
    url = reverse("integrations:import_log")

    html = gestor_client.get(url).content.decode()
    assert all(reason in html for reason in ("motivo falha A", "motivo ignorado A", "motivo falha B"))

    html = gestor_client.get(url, {"integration": first.pk, "status": "failed"}).content.decode()
    assert "motivo falha A" in html and "motivo ignorado A" not in html and "motivo falha B" not in html
    assert "Tentar novamente" in html and "Filtrar" in html and "Todas as integrações" in html


def test_the_import_log_writes_ids_as_plain_numbers_past_a_thousand(gestor_client):
    """pt-BR groups thousands (12.345): an id written into a form or link must not be, or *Tentar
    novamente* and the integration filter post ids the server cannot read."""
    integration = IntegrationFactory(pk=54321)
    _record(integration, "failed", "loja fora do ar", pk=12345)

    html = gestor_client.get(reverse("integrations:import_log"), {"integration": 54321}).content.decode()

    assert 'value="12345"' in html and 'value="54321"' in html
    assert "12.345" not in html and "54.321" not in html


def test_retry_one_order_from_the_log(gestor_client, fake_store):
    integration = IntegrationFactory()
    (order,) = _orders_in_store(fake_store, integration)
    failed = _record(integration, "failed", "loja fora do ar", store_order_id=order.store_order_id)
    other = _record(integration, "failed", "outro")
    response = gestor_client.post(
        reverse("integrations:retry"),
        {"record": failed.pk, "records": [other.pk], "next": "/integrations/import-log/?status=failed"},
    )
    assert response.status_code == 302 and response.url == "/integrations/import-log/?status=failed"
    assert fake_store(integration).fetches == [order.store_order_id]
    failed.refresh_from_db()
    assert failed.status == "imported"


def test_retry_many_orders_and_never_redirect_off_site(gestor_client, fake_store):
    integration = IntegrationFactory()
    orders = _orders_in_store(fake_store, integration, 2)
    records = [_record(integration, "failed", "x", store_order_id=o.store_order_id) for o in orders]
    response = gestor_client.post(
        reverse("integrations:retry"), {"records": [r.pk for r in records], "next": "https://evil.example/"}
    )
    assert response.url == reverse("integrations:import_log")
    assert sorted(fake_store(integration).fetches) == sorted(o.store_order_id for o in orders)
    assert Sale.objects.count() == 2


def test_retry_with_nothing_selected_says_so(gestor_client):
    response = gestor_client.post(reverse("integrations:retry"), follow=True)
    assert "Selecione ao menos um pedido" in response.content.decode()


# --- admin ------------------------------------------------------------------------------------


def test_the_admin_never_shows_the_credential_and_cannot_add_integrations(gestor_client):
    integration = IntegrationFactory(credential="chave-secreta-muito-longa-9876", credential_hint="••••9876")
    changelist = gestor_client.get(reverse("admin:integrations_integration_changelist")).content.decode()
    change = gestor_client.get(
        reverse("admin:integrations_integration_change", args=[integration.pk])
    ).content.decode()
    for html in (changelist, change):
        assert "chave-secreta-muito-longa" not in html and "••••9876" in html
    assert gestor_client.get(reverse("admin:integrations_integration_add")).status_code == 403


def test_the_admin_import_now_action_queues_imports(gestor_client, fake_store):
    integration = IntegrationFactory()
    gestor_client.post(
        reverse("admin:integrations_integration_changelist"),
        {"action": "import_now", "_selected_action": [integration.pk]},
    )
    assert ImportRun.objects.filter(integration=integration, trigger="manual").count() == 1


def test_the_admin_retry_action_on_import_records(gestor_client, fake_store):
    integration = IntegrationFactory()
    (order,) = _orders_in_store(fake_store, integration)
    record = _record(integration, "failed", "x", store_order_id=order.store_order_id)
    gestor_client.post(
        reverse("admin:integrations_importrecord_changelist"),
        {"action": "retry", "_selected_action": [record.pk]},
    )
    record.refresh_from_db()
    assert record.status == "imported"


@pytest.mark.parametrize("model", ["importrecord", "importrun", "webhookevent"])
def test_the_import_history_is_read_only_in_the_admin(gestor_client, model):
    assert gestor_client.get(reverse(f"admin:integrations_{model}_changelist")).status_code == 200
    assert gestor_client.get(reverse(f"admin:integrations_{model}_add")).status_code == 403


def test_the_admin_list_of_integrations_leads_to_the_managers_pages(gestor_client):
    html = gestor_client.get(reverse("admin:integrations_integration_changelist")).content.decode()
    assert f'href="{reverse("integrations:list")}"' in html and "Todas as integrações" in html
    assert f'href="{reverse("integrations:import_log")}"' in html
