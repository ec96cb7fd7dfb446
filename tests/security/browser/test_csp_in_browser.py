"""The Content-Security-Policy in a real browser: the admin and our pages work under it, and
Chromium reports no violation on any of them (a page that needs an inline script would)."""

import pytest

from integrations.models import ImportRun
from tests.browser import log_in
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_breaks_the_policy(live_server, page, gestor):
    integration = IntegrationFactory()
    run = ImportRun.objects.create(integration=integration, status=ImportRun.Status.RUNNING)
    sale = PendingSaleFactory()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text)) if "Content Security Policy" in message.text else None
        ),
    )

    log_in(page, live_server, "gestor")
    for path in (
        "/admin/",
        "/admin/sales/sale/",
        f"/admin/sales/sale/{sale.pk}/change/",
        "/admin/catalog/product/add/",
        "/integrations/",
        f"/integrations/{integration.pk}/",
        "/integrations/import-log/",
        "/integrations/nuvemshop/",
        "/integrations/loja-integrada/connect/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, path
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers

    # The run page's poll is a static script now: it still brings the finished status in.
    page.goto(f"{live_server.url}/integrations/{integration.pk}/runs/{run.pk}/")
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.DONE)
    page.wait_for_selector("[data-finished]", timeout=10_000)

    assert violations == []
