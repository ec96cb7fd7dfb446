"""The manager's whole path in headless Chromium, offline: Integrar agora → Instalar → a paid order."""

import pytest
from django.test import Client

from integrations.models import Integration
from sales.models import Sale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch, gestor, nuvemshop_sandbox):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    logged_in = Client()
    logged_in.force_login(gestor)
    session = logged_in.cookies["sessionid"].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        context = browser.new_context(locale="pt-BR")
        context.add_cookies([{"name": "sessionid", "value": session, "url": nuvemshop_sandbox}])
        yield context.new_page()
        browser.close()


def test_a_manager_connects_the_store_in_the_browser_and_a_paid_order_arrives(page, store, nuvemshop_sandbox):
    page.goto(f"{nuvemshop_sandbox}/integrations/nuvemshop/")
    page.get_by_role("button", name="Conectar com Nuvemshop").click()
    page.get_by_role("button", name="Instalar").click()
    page.wait_for_url("**/ready/")
    assert "Data de ativação" in page.content()
    integration = Integration.objects.get()
    assert integration.is_importing

    page.goto(f"{nuvemshop_sandbox}/sandbox/nuvemshop/")
    page.get_by_role("button", name="Novo pedido pago").click()
    page.wait_for_load_state()
    sale = Sale.objects.get()
    assert sale.integration == integration and sale.status == Sale.Status.REVIEW_PENDING
