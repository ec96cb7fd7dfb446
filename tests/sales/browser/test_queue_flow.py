"""The clerk's day of issue #5 in a real browser: the review queue, "Confirmar e próxima" through ten
sales (clicks and seconds measured), and bulk confirm with one sale short of stock."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import Product, StockSettings
from catalog.services import record_in
from customers.models import Customer
from sales import tasks
from sales.models import Receivable, Sale
from sales.services import ItemLine, bulk_confirmation
from tests.browser import log_in
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUSTOMERS = ["Maria Silva", "João Pereira", "Ana Costa", "Carlos Souza", "Beatriz Lima"]


def store_sales(count, seller, *, stock=Decimal("10")):
    """Pending sales as imports leave them: a store order number, some flags to check."""
    nuvemshop = IntegrationFactory(name="Loja Bela", provider="nuvemshop", seller=seller)
    coat = ProductFactory(description="Casaco infantil", sku="CAS-4")
    record_in(product=coat, quantity=stock)
    imported = ProductFactory(description="Gorro de lã", origin=Product.Origin.IMPORT)
    record_in(product=imported, quantity=stock)
    sales = []
    for n in range(count):
        customer = CustomerFactory(
            name=CUSTOMERS[n % len(CUSTOMERS)] + ("" if n < len(CUSTOMERS) else f" {n}"),
            origin=Customer.Origin.IMPORT if n % 3 == 0 else Customer.Origin.MANUAL,
        )
        if n == 1:  # same CPF under another name: the import made a second customer
            CustomerFactory(name="João Pereira Neto", document=customer.document)
        lines = [ItemLine(product=coat, quantity=Decimal("1"), unit_price=Decimal("78.62"))]
        if n % 4 == 1:
            lines.append(ItemLine(product=imported, quantity=Decimal("2"), unit_price=Decimal("35.00")))
        sales.append(
            PendingSaleFactory(
                customer=customer,
                seller=seller,
                lines=lines,
                shipping_amount=Decimal("21.38"),
                sale_date=date(2026, 11, 10) + timedelta(days=n),
                integration=nuvemshop,
                external_id=f"ns-{1000 + n}",
                external_number=str(1000 + n),
                store_total_amount=Decimal("95.00") if n == 2 else None,
            )
        )
    return sales


def test_ten_sales_reviewed_and_confirmed_with_confirm_and_next(live_server, page, financeiro, screenshot):
    sales = store_sales(10, financeiro)
    log_in(page, live_server, "fin")

    started = time.perf_counter()
    clicks = 0
    page.goto(f"{live_server.url}/admin/sales/sale/")  # the queue, as the menu opens it
    assert page.locator("#result_list tbody tr").count() == 10
    screenshot("queue", doc="queue")
    page.locator("#result_list .field-sale_number a").first.click()  # the number opens the review
    clicks += 1
    for expected in sales:
        assert page.locator("h1").inner_text() == f"Revisar venda {expected.number}"
        if expected is sales[1]:
            screenshot("review")
        page.click("input[name=_confirm_next]")
        clicks += 1
    assert "Nenhuma venda aguardando revisão." in page.locator(".messagelist").inner_text()
    seconds = time.perf_counter() - started
    screenshot("queue-empty")

    print(f"\nReview and confirm 10 pending sales: {clicks} clicks, {seconds:.1f} s in the browser")
    assert clicks == 11
    assert Sale.objects.filter(status=Sale.Status.CONFIRMED).count() == 10
    assert Receivable.objects.count() == 10


def test_bulk_confirm_with_one_sale_short_of_stock(live_server, page, financeiro, screenshot, monkeypatch):
    """Asked first, then queued, then done with counts (the page polls), the sales confirmed, and the
    sale that stayed and why."""
    held = []
    # The worker is this test: the action only queues, and the page must show that before it runs.
    monkeypatch.setattr(bulk_confirmation, "async_task", lambda name, *args, **kwargs: held.append(args[0]))
    monkeypatch.setattr(bulk_confirmation, "inline_limit", lambda: 2)
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    fine = store_sales(3, financeiro, stock=Decimal("3"))
    scarf = ProductFactory(description="Cachecol listrado")  # no stock at all
    short = PendingSaleFactory(
        seller=financeiro,
        customer=CustomerFactory(name="Paulo Alves"),
        lines=[ItemLine(product=scarf, quantity=Decimal("1"), unit_price=Decimal("59.90"))],
        sale_date=date(2026, 11, 20),
    )
    log_in(page, live_server, "fin")
    page.goto(f"{live_server.url}/admin/sales/sale/")

    page.check("#action-toggle")  # every sale in the queue
    page.select_option("select[name=action]", "confirm_selected")
    page.click("button[name=index]")

    # The admin's "are you sure": each sale with its total, method and installments, nothing booked yet.
    assert page.locator("h1").inner_text() == "Confirmar as vendas selecionadas?"
    rows = page.locator("#bulk-question-sales tbody tr")
    assert rows.count() == 4
    assert "Paulo Alves\tRevisão pendente\tDinheiro\t1x\tR$ 59,90" in rows.all_inner_texts()[-1]
    assert not Sale.objects.filter(status=Sale.Status.CONFIRMED).exists()
    screenshot("bulk-question", doc="bulk-question")
    page.get_by_role("button", name="Sim, confirmar").click()

    assert page.locator(".batch-status").inner_text() == "Na fila"
    assert page.locator(".batch-total").inner_text() == "4"
    screenshot("bulk-queued")
    tasks.confirm_sales_in_bulk(held[0])  # a worker picks it up while the page is open
    expect(page.locator(".batch-status")).to_have_text("Concluída", timeout=6000)
    assert page.locator(".batch-confirmed").inner_text() == "3"
    assert page.locator(".batch-failed").inner_text() == "1"
    failures = page.locator("#batch-failures").inner_text()
    assert "Estoque insuficiente: Cachecol listrado, quantidade 1, disponível 0" in failures
    assert str(short.number) in failures
    confirmed = page.locator("#batch-confirmed-sales").inner_text()
    assert all(str(sale.number) in confirmed for sale in fine) and "Paulo Alves" not in confirmed
    screenshot("bulk-confirm", doc="bulk-confirm")

    page.get_by_role("link", name="Voltar à fila").click()
    # The queue now holds only the sale that could not be confirmed.
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert "Paulo Alves" in page.locator("#result_list").inner_text()
    short.refresh_from_db()
    assert short.status == Sale.Status.REVIEW_PENDING
    assert {sale.pk for sale in Sale.objects.filter(status=Sale.Status.CONFIRMED)} == {s.pk for s in fine}
