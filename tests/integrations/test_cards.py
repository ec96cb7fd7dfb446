"""The integrations page as cards with a 30-day chart (issue #5), and the progress page of an import."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import charts
from integrations import selectors
from integrations.models import ImportRun, Integration
from sales.models import Sale
from tests.integrations.factories import IntegrationFactory, sao_paulo
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

LIST = reverse("integrations:list")


def imported_sale(integration, when, number):
    sale = PendingSaleFactory(integration=integration, external_id=str(number), external_number=str(number))
    Sale.objects.filter(pk=sale.pk).update(created_at=when)
    return sale


def test_sales_per_day_counts_each_local_day_of_the_last_30_for_every_integration():
    quiet, busy = IntegrationFactory(name="Quieta"), IntegrationFactory(name="Movimentada")
    today = date(2026, 11, 23)
    imported_sale(busy, sao_paulo(2026, 11, 23, 9, 0), 1)
    imported_sale(busy, sao_paulo(2026, 11, 23, 23, 30), 2)  # 02:30 UTC next day, still the 23rd here
    imported_sale(busy, sao_paulo(2026, 10, 25, 8, 0), 3)  # first day of the window
    imported_sale(busy, sao_paulo(2026, 10, 24, 23, 59), 4)  # one day too old

    with CaptureQueriesContext(connection) as queries:
        per_day = selectors.sales_per_day([quiet, busy], today=today)

    assert len(queries) == 1
    assert len(per_day[busy.pk]) == 30 and per_day[busy.pk][0] == (date(2026, 10, 25), 1)
    assert per_day[busy.pk][-1] == (today, 2)
    assert sum(count for _day, count in per_day[busy.pk]) == 3
    assert per_day[quiet.pk] == [(today - timedelta(days=29 - n), 0) for n in range(30)]


def test_the_chart_scales_bars_to_the_busiest_day_and_keeps_empty_days_visible():
    chart = charts.daily_chart([(date(2026, 11, 21), 0), (date(2026, 11, 22), 2), (date(2026, 11, 23), 4)])
    assert (chart.total, chart.peak) == (6, 4)
    heights = [bar.height for bar in chart.bars]
    assert heights[2] == charts.HEIGHT - 1 and heights[1] == pytest.approx((charts.HEIGHT - 1) / 2, abs=0.1)
    assert heights[0] == 1  # a stub: "nothing came in"
    assert chart.bars[1].label == "22/11/2026: 2"


def test_the_page_shows_one_card_per_integration_with_its_chart(gestor_client):
    integration = IntegrationFactory(
        name="Loja da Ana",
        activated_at=sao_paulo(2026, 11, 1, 8, 0),
        last_sync_at=sao_paulo(2026, 11, 20, 9, 30),
    )
    imported_sale(integration, timezone.now(), 1)
    html = gestor_client.get(LIST).content.decode()
    card = html[html.index(f'id="integration-{integration.pk}"') :]
    for text in [
        "Loja da Ana",
        "Conectada",
        "01/11/2026 08:00",
        "20/11/2026 09:30",
        "Importar agora",
        "Conectar novamente",
        "Desativar",
        "<svg",
        "Vendas importadas por dia, últimos 30 dias: 1",
    ]:
        assert text in card, text
    assert card.count("<rect") == 30
    assert "cdn" not in html.lower()


def test_a_disabled_integration_offers_no_import_and_the_switch_returns_to_the_page(gestor_client):
    integration = IntegrationFactory(enabled=False)
    html = gestor_client.get(LIST).content.decode()
    assert "Importar agora" not in html and "Ativar" in html
    response = gestor_client.post(
        reverse("integrations:toggle", args=[integration.pk]), {"enabled": "1", "next": LIST}
    )
    assert response.url == LIST
    integration.refresh_from_db()
    assert integration.enabled


def test_the_page_costs_the_same_queries_for_2_or_8_integrations(gestor_client):
    def add(count):
        for n in range(count):
            integration = IntegrationFactory()
            imported_sale(integration, timezone.now(), f"{integration.pk}-{n}")

    add(2)
    gestor_client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        gestor_client.get(LIST)
    add(6)
    with CaptureQueriesContext(connection) as many:
        response = gestor_client.get(LIST)
    assert len(response.context["cards"]) == 8
    assert len(many) == len(few)


def test_import_now_opens_the_runs_progress_page(gestor_client):
    integration = IntegrationFactory()
    ImportRun.objects.create(integration=integration, trigger="schedule")
    response = gestor_client.post(reverse("integrations:import_now", args=[integration.pk]))
    run = ImportRun.objects.get()
    assert response.url == reverse("integrations:run", args=[integration.pk, run.pk])


def test_the_progress_page_polls_until_the_run_is_done(gestor_client):
    integration = IntegrationFactory()
    run = ImportRun.objects.create(integration=integration, trigger="manual", status=ImportRun.Status.RUNNING)
    url = reverse("integrations:run", args=[integration.pk, run.pk])

    page = gestor_client.get(url).content.decode()
    assert (
        "Em andamento" in page
        and "data-poll-url" in page
        and "data-finished>" not in page
        and " data-finished" not in page.split("<script>")[0]
    )

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.DONE, imported=3, failed=1)
    fragment = gestor_client.get(url, {"fragment": "1"}).content.decode()
    assert "<html" not in fragment and " data-finished>" in fragment
    assert 'class="run-imported">3<' in fragment and "Concluída" in fragment


def test_the_progress_page_of_another_integrations_run_is_not_found(gestor_client):
    run = ImportRun.objects.create(integration=IntegrationFactory(), trigger="manual")
    other = IntegrationFactory()
    assert gestor_client.get(reverse("integrations:run", args=[other.pk, run.pk])).status_code == 404


def test_financeiro_cannot_see_a_run(financeiro_client):
    run = ImportRun.objects.create(integration=IntegrationFactory(), trigger="manual")
    url = reverse("integrations:run", args=[run.integration_id, run.pk])
    assert financeiro_client.get(url).status_code == 403
    assert Integration.objects.count() == 1
