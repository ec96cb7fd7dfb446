"""Refused, missing and failed pages: pt-BR, inside the admin's frame, with a way back."""

import pytest
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as ponte_urls
from tests.integrations.factories import IntegrationFactory

pytestmark = pytest.mark.django_db


def test_financeiro_refused_an_integrations_page_reads_why_in_portuguese(financeiro_client):
    IntegrationFactory(name="Loja Bela")
    for url in ["/integrations/", "/integrations/import-log/", "/admin/integrations/integration/"]:
        page = financeiro_client.get(url, HTTP_ACCEPT_LANGUAGE="pt-BR")
        text = page.content.decode()
        assert page.status_code == 403, url
        assert "Você não tem acesso a esta página" in text
        assert 'id="site-name"' in text and 'href="/admin/"' in text  # the admin's frame, a way back
        assert "Forbidden" not in text and "Loja Bela" not in text


def test_a_missing_page_says_so_inside_the_admin(financeiro_client):
    page = financeiro_client.get("/admin/sales/sale/999999/review/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert page.status_code == 404
    text = page.content.decode()
    assert "Página não encontrada" in text and 'id="site-name"' in text and "Voltar ao início" in text


def fails(request):
    raise RuntimeError("secret detail: SELECT * FROM sales_sale")


urlpatterns = [*ponte_urls, path("fails/", fails)]
handler500 = "core.views.server_error"


@pytest.mark.urls("tests.core.test_error_pages")
def test_a_failure_shows_no_detail(financeiro):
    client = Client(raise_request_exception=False)
    client.force_login(financeiro)
    page = client.get("/fails/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    text = page.content.decode()
    assert page.status_code == 500
    assert "Algo deu errado" in text and "Voltar ao início" in text and 'id="site-name"' in text
    assert "secret detail" not in text and "RuntimeError" not in text and "Traceback" not in text


def test_the_start_page_links_the_manager_to_all_integrations(gestor_client, financeiro):
    page = gestor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert '<a href="/integrations/">Todas as integrações</a>' in page
    clerk = Client()
    clerk.force_login(financeiro)
    assert "/integrations/" not in clerk.get("/admin/").content.decode()
