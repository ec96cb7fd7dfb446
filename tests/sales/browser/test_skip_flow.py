"""The stock-refused path of issue #16 in a real browser: five sales, one short of stock; the clerk
confirms the others with *Confirmar e próxima*, passes the refused one with *Pular*, and the round
ends in the queue instead of coming back to it. Clicks counted."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from catalog.models import StockSettings
from catalog.services import record_in
from sales.models import Sale
from sales.services import ItemLine
from tests.browser import log_in
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Issue #16 counted 13 clicks for this path before Pular; the bar is 8.
MOST_CLICKS = 8


def five_sales_one_short_of_stock(seller):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    coat = ProductFactory(description="Casaco infantil", sku="CAS-4")
    record_in(product=coat, quantity=Decimal("10"))
    scarf = ProductFactory(description="Cachecol listrado", sku="CAC-1")  # none in stock
    names = ["Maria Silva", "Paulo Alves", "Ana Costa", "Carlos Souza", "Beatriz Lima"]
    return [
        PendingSaleFactory(
            customer=CustomerFactory(name=name),
            seller=seller,
            lines=[
                ItemLine(
                    product=scarf if n == 1 else coat, quantity=Decimal("2"), unit_price=Decimal("59.90")
                )
            ],
            sale_date=date(2026, 11, 10) + timedelta(days=n),
        )
        for n, name in enumerate(names)
    ]


def test_the_clerk_skips_the_sale_refused_for_stock_and_finishes_the_round(
    live_server, page, financeiro, screenshot
):
    sales = five_sales_one_short_of_stock(financeiro)
    short = sales[1]
    log_in(page, live_server, "fin")
    page.goto(f"{live_server.url}/admin/sales/sale/")
    clicks = 0

    # The queue already says which one will be refused.
    short_row = page.locator("#result_list tbody tr", has_text="Paulo Alves")
    assert "Sem estoque" in short_row.locator("td.field-flags").inner_text()
    page.locator("#result_list .field-sale_number a").first.click()
    clicks += 1
    page.click("input[name=_confirm_next]")
    clicks += 1

    assert page.locator("h1").inner_text() == f"Revisar venda {short.number}"
    page.click("input[name=_confirm_next]")
    clicks += 1
    refusal = page.locator(".messagelist").inner_text()
    assert "Estoque insuficiente: Cachecol listrado, quantidade 2, disponível 0" in refusal
    assert page.locator("h1").inner_text() == f"Revisar venda {short.number}"  # stays, with the reason
    screenshot("refused", doc="refused-skip")
    page.click("input[name=_skip]")
    clicks += 1

    for expected in sales[2:]:
        assert page.locator("h1").inner_text() == f"Revisar venda {expected.number}"
        page.click("input[name=_confirm_next]")
        clicks += 1

    # The round ends in the queue, not back on the refused sale, which waits there.
    message = page.locator(".messagelist").inner_text()
    assert "Nenhuma outra venda a revisar nesta rodada; 1 pulada continua na fila." in message
    assert page.locator("#result_list tbody tr").count() == 1
    assert "Paulo Alves" in page.locator("#result_list").inner_text()
    screenshot("round-done")

    print(f"\nReview and confirm 5 sales, one refused for stock: {clicks} clicks")
    assert clicks <= MOST_CLICKS
    confirmed = set(Sale.objects.filter(status=Sale.Status.CONFIRMED).values_list("pk", flat=True))
    assert confirmed == {sale.pk for sale in sales if sale is not short}
