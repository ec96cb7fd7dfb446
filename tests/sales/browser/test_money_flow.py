"""The money side in a real browser: the clerk takes the store's payment on the review page (the
installments redraw), confirms, then registers the first installment's receipt with the card fee."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.services import find_or_create_customer
from sales.models import Receivable, Sale
from sales.services import ItemLine
from tests.catalog.factories import ProductFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = "Cartão de crédito Mastercard 3x — PagSeguro V2"


def test_a_clerk_uses_the_store_payment_then_registers_a_receipt(live_server, page, financeiro, screenshot):
    customer, _ = find_or_create_customer(name="Maria Silva", document="529.982.247-25")
    sale = PendingSaleFactory(
        customer=customer,
        seller=financeiro,
        lines=[
            ItemLine(
                product=ProductFactory(description="Casaco infantil"),
                quantity=Decimal("1"),
                unit_price=Decimal("150.00"),
                details="Casaco azul, 4",
            )
        ],
        first_due_date=date(2026, 12, 10),
        integration=IntegrationFactory(name="Loja Nuvemshop"),
        external_id="450789469",
        external_number="10872",
    )
    Sale.objects.filter(pk=sale.pk).update(
        store_payment_method=Sale.PaymentMethod.CREDIT_CARD, store_installments=3, store_payment_label=LABEL
    )

    page.set_default_timeout(5000)
    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name=login]", "fin")
    page.fill("input[name=password]", "senha-de-teste-123")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/sales/sale/")
    assert "Pagamento difere da loja" in page.locator("#result_list").inner_text()
    page.locator("#result_list .field-sale_number a").first.click()  # the number opens the review

    assert f"Pagamento na loja: {LABEL}" in page.locator("#store-payment").inner_text()
    assert page.locator("#installment-preview tbody tr").count() == 1
    page.click("#use-store-payment")
    rows = page.locator("#installment-preview tbody tr")
    rows.nth(2).wait_for()
    assert page.locator("select[name=payment_method]").input_value() == "credit_card"
    assert rows.all_inner_texts() == [
        "1/3\t10/12/2026\tR$ 50,00",
        "2/3\t10/01/2027\tR$ 50,00",
        "3/3\t10/02/2027\tR$ 50,00",
    ]
    screenshot("review-store-payment", doc="review-store-payment")
    page.click("input[name=_confirm]")
    assert f"Venda {sale.number} confirmada." in page.locator(".messagelist").inner_text()

    page.goto(f"{live_server.url}/admin/sales/receivable/")
    assert page.locator("#result_list tbody tr").count() == 3
    assert page.locator("#total-open").inner_text() == "R$ 150,00"
    # Every column shows at 1440 px beside the menu and the filters: nothing scrolls sideways.
    assert page.locator("#changelist .results").evaluate("e => e.scrollWidth <= e.clientWidth")
    screenshot("receivables", doc="receivables")
    page.locator("#result_list").get_by_role("link", name="Receber", exact=True).first.click()
    page.fill("input[name=amount]", "48,55")
    page.fill("input[name=fees]", "1,45")
    page.fill("input[name=note]", "Conta Itaú")
    screenshot("receipt-form")
    page.click("input[name=_register]")
    assert "Recebimento registrado." in page.locator(".messagelist").inner_text()
    assert page.locator("#receivable-status").inner_text() == "Recebida"
    screenshot("receipt", doc="receipt")

    first = Receivable.objects.get(sale=sale, number=1)
    assert (first.status, first.received_amount, first.fees_amount) == (
        "received",
        Decimal("48.55"),
        Decimal("1.45"),
    )
    assert first.received_on == timezone.localdate()
    page.goto(f"{live_server.url}/admin/sales/receivable/")
    assert page.locator("#total-open").inner_text() == "R$ 100,00"
