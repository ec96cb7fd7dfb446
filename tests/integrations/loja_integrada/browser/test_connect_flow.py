"""The manager's path of issue #3 in a real browser: read the steps, paste a key, Integrar agora."""

import pytest

from integrations.models import Integration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_connects_a_store_with_its_key(live_server, sandbox_api, sandbox_store, page, gestor):
    page.set_default_timeout(5000)
    page.goto(f"{live_server.url}/integrations/loja-integrada/connect/")  # → the login page first
    page.fill("input[name=login]", "gestor")
    page.fill("input[name=password]", "senha-de-teste-123")
    page.locator("form [type=submit]").first.click()

    steps = page.locator("ol").inner_text()
    assert "Configurações" in steps and "Cadastrar nova chave" in steps and "digite Ponte" in steps

    page.fill("input[name=name]", "Minha loja")
    page.fill("input[name=api_key]", "chave-errada")
    page.get_by_role("button", name="Integrar agora").click()
    assert "não aceitou esta chave" in page.locator(".errorlist").inner_text()
    assert page.input_value("input[name=api_key]") == ""  # the key is never written back
    assert not Integration.objects.exists()

    page.fill("input[name=api_key]", sandbox_store.api_key)
    page.get_by_role("button", name="Integrar agora").click()
    page.wait_for_url(lambda url: "/connect/" not in url)
    integration = Integration.objects.get()
    assert integration.name == "Minha loja" and integration.seller == gestor
    assert "Loja Integrada integrada" in page.content()
