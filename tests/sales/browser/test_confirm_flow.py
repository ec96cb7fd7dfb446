"""The clerk's path of issue #2, in a real browser: log in, find the sale, review, confirm."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.services import record_in
from customers.services import find_or_create_customer
from sales.models import Receivable, Sale
from sales.services import ItemLine
from tests.catalog.factories import ProductFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_reviews_changes_the_installments_and_confirms(live_server, page, financeiro, screenshot):
    coat = ProductFactory(description="Casaco infantil")
    record_in(product=coat, quantity=Decimal("5"))
    customer, _ = find_or_create_customer(name="Maria Silva", document="529.982.247-25")
    sale = PendingSaleFactory(
        customer=customer,
        seller=financeiro,
        lines=[
            ItemLine(
                product=coat, quantity=Decimal("1"), unit_price=Decimal("78.62"), details="Casaco azul, 4"
            )
        ],
        shipping_amount=Decimal("21.38"),
        first_due_date=date(2026, 12, 10),
    )

    page.set_default_timeout(5000)
    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name=login]", "fin")
    page.fill("input[name=password]", "senha-de-teste-123")
    page.click("input[type=submit]")
    page.locator("#content-main a[href$='/admin/sales/sale/']").first.click()
    page.get_by_role("link", name="Revisão pendente").click()
    screenshot("queue")
    page.locator("#result_list .field-sale_number a", has_text=str(sale.number)).click()

    assert page.locator("#customer").inner_text().count("Maria Silva") == 1
    assert "Casaco azul, 4" in page.locator("#items").inner_text()
    assert page.locator("#sale-total").inner_text() == "R$ 100,00"

    page.select_option("select[name=payment_method]", "boleto")
    page.fill("input[name=installments]", "3")
    page.click("input[name=_preview]")
    assert page.locator("#installment-preview tbody tr").all_inner_texts() == [
        "1/3\t10/12/2026\tR$ 33,34",
        "2/3\t10/01/2027\tR$ 33,33",
        "3/3\t10/02/2027\tR$ 33,33",
    ]
    screenshot("review")
    page.click("input[name=_confirm]")
    assert f"Venda {sale.number} confirmada." in page.locator(".messagelist").inner_text()
    screenshot("confirmed")

    page.get_by_role("link", name="Contas a receber").first.click()
    # The list opens on open receivables, due soonest first: the sale's three installments.
    expect(page).to_have_url(re.compile(r"/admin/sales/receivable/"))
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CONFIRMED and sale.payment_method == "boleto"
    assert Receivable.objects.filter(sale=sale).count() == 3
