"""The queue at the widths clerks work at, with the side menu open as a new user has it: the
columns they look at (number, store order, date, customer, total, terms, flags) fit on screen."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.services import record_in
from customers.models import Customer
from sales.services import ItemLine
from tests.browser import log_in
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(1280, 800), (1440, 1000)]


def a_queue_with_every_flag(seller):
    """Long names, a big total and every flag at once: the widest rows a queue has."""
    store = IntegrationFactory(name="Loja Integrada Centro Comercial", seller=seller)
    coat = ProductFactory(description="Casaco infantil", sku="CAS-4")
    record_in(product=coat, quantity=Decimal("1"))
    imported = ProductFactory(description="Gorro de lã", origin=Product.Origin.IMPORT)
    for n in range(6):
        customer = CustomerFactory(
            name=f"Maria Aparecida dos Santos Oliveira Pereira {n}", origin=Customer.Origin.IMPORT
        )
        CustomerFactory(name=f"Maria A. S. O. Pereira {n}", document=customer.document)
        PendingSaleFactory(
            customer=customer,
            seller=seller,
            lines=[
                ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("12345.67")),
                ItemLine(product=imported, quantity=Decimal("1"), unit_price=Decimal("35.00")),
            ],
            sale_date=date(2026, 11, 10) + timedelta(days=n),
            integration=store,
            external_id=f"li-{n}",
            external_number=f"1234567{n}",
            store_total_amount=Decimal("95.00"),
            installments=12,
            payment_method="credit_card",
        )


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_total_and_flags_are_on_screen_with_the_menu_open(
    live_server, page, financeiro, screenshot, width, height
):
    a_queue_with_every_flag(financeiro)
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, "fin")
    page.goto(f"{live_server.url}/admin/sales/sale/")
    assert page.locator("#nav-sidebar").is_visible()  # the menu as a new user has it: open
    assert page.locator("#result_list tbody tr").count() == 6
    flags = page.locator("#result_list tbody tr").first.locator("td.field-flags").inner_text()
    for flag in [
        "Total da loja difere",
        "Produto novo",
        "Cliente novo",
        "Possível cliente duplicado",
        "Sem estoque",
    ]:
        assert flag in flags
    assert "12x" in page.locator("#result_list tbody tr").first.locator("td.field-terms").inner_text()
    screenshot(f"queue-{width}")

    # The list's own box scrolls sideways when the table is wider: a column is only on screen when
    # it ends inside both that box and the viewport.
    visible = page.evaluate("document.documentElement.clientWidth")
    shown = page.locator("#changelist .results").bounding_box()
    right_edge = min(visible, shown["x"] + shown["width"])
    for column in [
        "column-sale_number",
        "column-customer_and_document",
        "column-total",
        "column-terms",
        "column-flags",
    ]:
        box = page.locator(f"#result_list thead th.{column}").bounding_box()
        assert box is not None, column
        assert box["x"] >= 0 and box["x"] + box["width"] <= right_edge + 0.5, (
            f"{column} ends at {box['x'] + box['width']:.0f}px, past {right_edge:.0f}px"
        )
    # Every flag and total of every row, not only the headings: nothing cut by the list's own box.
    for element in page.locator(
        "#result_list tbody td.field-flags .ponte-flag, #result_list tbody td.field-total"
    ).all():
        box = element.bounding_box()
        assert box["x"] + box["width"] <= right_edge + 0.5, element.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= visible  # no sideways scroll
