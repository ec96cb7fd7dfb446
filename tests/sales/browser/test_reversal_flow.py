"""The clerk reverses a sale the store changed after it was confirmed, in a real browser."""

from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.services import record_in
from customers.services import find_or_create_customer
from sales.models import Receivable, Sale
from sales.services import ItemLine, confirm_sale, flag_for_attention
from tests.browser import log_in
from tests.catalog.factories import ProductFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_reverses_a_flagged_sale_giving_the_reason(live_server, page, financeiro, screenshot):
    bag = ProductFactory(description="Bolsa de couro caramelo")
    record_in(product=bag, quantity=Decimal("3"))
    customer, _ = find_or_create_customer(name="Joana Prado", document="529.982.247-25")
    sale = PendingSaleFactory(
        customer=customer,
        seller=financeiro,
        lines=[ItemLine(product=bag, quantity=Decimal("1"), unit_price=Decimal("189.90"))],
        installments=2,
    )
    confirm_sale(sale, financeiro)
    flag_for_attention(sale, note="O pedido 1043 foi reembolsado na Nuvemshop depois da confirmação.")

    log_in(page, live_server, financeiro.username)
    page.goto(f"{live_server.url}/admin/sales/sale/?status=confirmed")
    page.get_by_role("link", name=str(sale.number), exact=True).click()
    page.locator("#reverse-sale").click()

    assert "reembolsado na Nuvemshop" in page.locator(".attention").inner_text()
    assert "Bolsa de couro caramelo" in page.locator("#content-main").inner_text()
    page.fill("textarea[name=reason]", "Reembolso total na loja; cliente devolveu a bolsa.")
    screenshot("reason")
    page.click("#confirm-reversal")

    assert (
        f"Venda {sale.number} estornada: contas a receber canceladas e estoque devolvido."
        in page.locator(".messagelist").inner_text()
    )
    assert "Reembolso total na loja" in page.locator("#content-main").inner_text()
    screenshot("reversed")
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CANCELLED and sale.reversal.reversed_by == financeiro
    assert "Resolvido: venda estornada em" in sale.attention_reason
    assert set(Receivable.objects.filter(sale=sale).values_list("status", flat=True)) == {"cancelled"}
    assert Product.objects.get(pk=bag.pk).stock_quantity == Decimal("3")
