"""The sales list never counts the whole table (issue #6): it counts up to a cap and says "more than"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sales.changelist import CappedCountPaginator
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_sale_changelist")


def test_every_count_of_the_list_stops_at_the_cap(financeiro_client):
    PendingSaleFactory.create_batch(2)
    for params in [{}, {"status": "all"}, {"status": "all", "q": "maria"}]:
        with CaptureQueriesContext(connection) as queries:
            response = financeiro_client.get(CHANGELIST, params)
        assert response.status_code == 200
        counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
        assert counts, params
        assert all("LIMIT" in sql.upper() for sql in counts), counts


def test_past_the_cap_the_list_says_more_than(financeiro_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 2)
    sales = PendingSaleFactory.create_batch(3)

    response = financeiro_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == len(sales)
    page = response.content.decode()
    assert "mais de 2 vendas" in page
    assert "Selecionar todas as vendas desta lista (mais de 2)" in page


def test_under_the_cap_the_list_gives_the_exact_count(financeiro_client):
    PendingSaleFactory.create_batch(3)
    page = financeiro_client.get(CHANGELIST).content.decode()
    assert "3 vendas" in page and "mais de" not in page
