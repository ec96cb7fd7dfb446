"""The manager's integrations page of issue #5 in a real browser (cards, 30-day chart, Importar agora
with its progress), and a Financeiro user who cannot reach it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import ImportRun, Integration
from sales.models import Sale
from tests.browser import log_in
from tests.integrations.factories import IntegrationFactory, StoreOrderFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def imported_sales(integration, per_day_ago):
    """Sales this store imported, `count` of them `days` ago, for the chart."""
    for days, count in per_day_ago.items():
        for n in range(count):
            sale = PendingSaleFactory(
                integration=integration, external_id=f"{days}-{n}", external_number=f"{days}{n}"
            )
            Sale.objects.filter(pk=sale.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_a_manager_sees_each_store_at_a_glance_and_imports_now(
    live_server, page, gestor, fake_store, screenshot
):
    busy = IntegrationFactory(
        name="Loja Bela", provider=Integration.Provider.NUVEMSHOP, last_sync_at=timezone.now()
    )
    quiet = IntegrationFactory(name="Loja do Centro", last_sync_at=timezone.now() - timedelta(days=9))
    imported_sales(busy, {day: (day * 7) % 5 + 1 for day in range(0, 30)})
    imported_sales(quiet, {day: 2 for day in range(10, 30)})  # nothing for the last ten days
    placed = busy.activated_at + timedelta(minutes=1)
    fake_store(busy).add(*[StoreOrderFactory(placed_at=placed, updated_at=placed) for _ in range(2)])

    log_in(page, live_server, "gestor")
    page.goto(f"{live_server.url}/integrations/")
    cards = page.locator(".ponte-integration")
    assert cards.count() == 2
    quiet_card = page.locator(f"#integration-{quiet.pk}")
    assert quiet_card.locator("rect.ponte-bar-empty").count() == 10  # the quiet days read as gaps
    assert quiet_card.locator("rect").nth(29).locator("title").text_content().endswith(": 0")
    screenshot("integrations", doc="integrations")

    page.locator(f"#integration-{busy.pk}").get_by_role("button", name="Importar agora").click()
    page.wait_for_selector("[data-finished]")
    assert page.locator(".run-status").inner_text() == "Concluída"
    assert page.locator(".run-imported").inner_text() == "2"
    screenshot("import-run")
    assert ImportRun.objects.get(integration=busy).imported == 2


def test_financeiro_cannot_reach_the_integrations(live_server, page, financeiro, screenshot):
    IntegrationFactory(name="Loja Bela")
    log_in(page, live_server, "fin")
    assert page.locator("#content-main a[href$='/admin/sales/sale/']").count() >= 1
    assert page.locator("a[href$='/admin/integrations/integration/']").count() == 0
    assert page.locator("a[href$='/integrations/']").count() == 0

    for path in ["/integrations/", "/integrations/import-log/", "/admin/integrations/integration/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 403, path
        assert "Loja Bela" not in page.content()
        # Refused in pt-BR inside the admin's frame (header, menu), with the way back.
        assert page.locator("#content h1").inner_text() == "Você não tem acesso a esta página"
        assert page.locator("#site-name").is_visible()
        assert "Forbidden" not in page.content()
    screenshot("forbidden", doc="forbidden")
    page.get_by_role("link", name="Voltar ao início").click()
    assert page.locator("#content-main a[href$='/admin/sales/sale/']").count() >= 1


def test_the_progress_page_refreshes_itself_until_the_run_is_done(live_server, page, gestor):
    integration = IntegrationFactory(name="Loja Bela")
    run = ImportRun.objects.create(integration=integration, trigger="manual", status=ImportRun.Status.RUNNING)
    log_in(page, live_server, "gestor")
    page.goto(f"{live_server.url}/integrations/{integration.pk}/runs/{run.pk}/")
    assert page.locator(".run-status").inner_text() == "Em andamento"

    # The worker finishes while the page is open: the poll shows it without a reload.
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.DONE, orders_seen=4, imported=3, skipped=1
    )
    page.wait_for_selector("[data-finished]", timeout=6000)
    assert page.locator(".run-status").inner_text() == "Concluída"
    assert page.locator(".run-imported").inner_text() == "3"
