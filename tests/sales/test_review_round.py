"""A round of *Confirmar e próxima*: *Pular* leaves a sale pending, and neither a skipped nor a
refused sale comes back before the round ends in the queue."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import StockSettings
from catalog.services import record_in
from sales import selectors
from sales.models import Sale
from sales.services import ItemLine
from tests.catalog.factories import ProductFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_sale_changelist")


def review_url(sale, passed_over=()):
    url = reverse("admin:sales_sale_review", args=[sale.pk])
    return f"{url}?round={','.join(str(s.pk) for s in passed_over)}" if passed_over else url


def sale_on(day, *, stock=Decimal("10")):
    product = ProductFactory()
    if stock:
        record_in(product=product, quantity=stock)
    return PendingSaleFactory(
        sale_date=date(2026, 11, day),
        lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("50.00"))],
    )


def press(client, sale, button, round_=""):
    data = {
        "payment_method": "pix",
        "installments": 1,
        "first_due_date": "2026-12-10",
        "seller": sale.seller_id,
        "round": round_,
        button: "1",
    }
    return client.post(review_url(sale), data)


def test_the_next_sale_never_is_one_passed_over_in_the_round():
    first, second, third = sale_on(1), sale_on(2), sale_on(3)
    assert selectors.next_pending_sale(first) == second
    assert selectors.next_pending_sale(first, passed_over=[second.pk]) == third
    # At the end it wraps to the oldest pending sale, but not to one passed over.
    assert selectors.next_pending_sale(third) == first
    assert selectors.next_pending_sale(third, passed_over=[first.pk, second.pk]) is None


def test_the_round_read_from_the_page_ignores_what_is_not_a_sale_id():
    assert selectors.round_passed_over("12, 15,x,,12") == [12, 15]
    assert selectors.round_passed_over("") == []


def test_skip_leaves_the_sale_pending_and_opens_the_next(financeiro_client):
    first, second = sale_on(1), sale_on(2)
    response = press(financeiro_client, first, "_skip")
    assert response.status_code == 302 and response.url == review_url(second, [first])
    first.refresh_from_db()
    assert first.status == Sale.Status.REVIEW_PENDING


def test_confirm_and_next_does_not_come_back_to_a_sale_refused_in_the_round(financeiro_client):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    short = sale_on(1, stock=None)
    last = sale_on(2)

    refused = press(financeiro_client, short, "_confirm_next")
    assert refused.status_code == 200  # stays on the sale, with the reason
    assert f'name="round" value="{short.pk}"' in refused.content.decode()

    # The clerk confirms the last one: the round ends in the queue, not back on the refused sale.
    response = press(financeiro_client, last, "_confirm_next", round_=str(short.pk))
    assert response.url == CHANGELIST
    page = financeiro_client.get(CHANGELIST).content.decode()
    assert "Nenhuma outra venda a revisar nesta rodada; 1 pulada continua na fila." in page


def test_a_confirmed_sale_is_not_titled_as_a_review(financeiro_client, financeiro):
    from sales.services import confirm_sale

    sale = confirm_sale(sale_on(1), financeiro)
    page = financeiro_client.get(review_url(sale)).content.decode()
    assert f"<h1>Venda {sale.number}</h1>" in page and "Revisar venda" not in page
