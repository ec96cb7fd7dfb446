"""The manager's whole path in headless Chromium, offline: Integrar agora → Instalar → a paid order."""

import pytest
from django.test import Client

from integrations.models import Integration
from sales.models import Sale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager_page(page, gestor, nuvemshop_sandbox):
    logged_in = Client()
    logged_in.force_login(gestor)
    session = logged_in.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": nuvemshop_sandbox}])
    return page


def test_a_manager_connects_the_store_in_the_browser_and_a_paid_order_arrives(
    manager_page, store, nuvemshop_sandbox, screenshot
):
    manager_page.goto(f"{nuvemshop_sandbox}/integrations/nuvemshop/")
    manager_page.get_by_role("button", name="Conectar com Nuvemshop").click()
    manager_page.get_by_role("button", name="Instalar").click()
    manager_page.wait_for_url("**/ready/")
    assert "Data de ativação" in manager_page.content()
    integration = Integration.objects.get()
    assert integration.may_import
    screenshot("ready")

    manager_page.goto(f"{nuvemshop_sandbox}/sandbox/nuvemshop/")
    screenshot("sandbox-panel")
    manager_page.get_by_role("button", name="Novo pedido pago").click()
    manager_page.wait_for_load_state()
    sale = Sale.objects.get()
    assert sale.integration == integration and sale.status == Sale.Status.REVIEW_PENDING
