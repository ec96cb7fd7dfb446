"""The review page in a real browser: the clerk picks a catalogue product for a line the import
gave a new product, removes the now unused one, and sees the installments follow the terms."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from audit.models import AuditEntry
from catalog.models import Product
from catalog.services import record_in
from integrations.models import StoreProductLink
from sales.models import Sale
from sales.services import ItemLine
from tests.browser import log_in
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_swaps_the_imported_product_for_the_catalogue_one_and_removes_it(
    live_server, page, financeiro, screenshot
):
    store = IntegrationFactory(name="Loja Bela", provider="nuvemshop", seller=financeiro)
    catalogue = ProductFactory(description="Gorro de lã vermelho", sku="GOR-V")
    record_in(product=catalogue, quantity=Decimal("5"))
    ProductFactory.create_batch(30)  # a catalogue the picker searches rather than lists
    imported = ProductFactory(description="Gorro vermelho tricô", origin=Product.Origin.IMPORT)
    sale = PendingSaleFactory(
        seller=financeiro,
        customer=CustomerFactory(name="Maria Silva"),
        lines=[
            ItemLine(
                product=imported,
                quantity=Decimal("1"),
                unit_price=Decimal("90.00"),
                details="Gorro vermelho tricô",
            )
        ],
        first_due_date=date(2026, 12, 10),
        integration=store,
        external_id="ns-2001",
        external_number="2001",
    )
    # What the import remembered: this store product comes in as the product it created.
    StoreProductLink.objects.create(integration=store, store_product_id="58208779", product=imported)
    log_in(page, live_server, "fin")
    page.goto(f"{live_server.url}/admin/sales/sale/{sale.pk}/review/")
    assert "Produto novo" in page.locator("#items").inner_text()

    picker = page.locator("#product-picker-1")
    picker.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("lã verm")
    page.locator(".select2-results__option", has_text="Gorro de lã vermelho").click()
    screenshot("picker")
    picker.locator("input[name=_replace_product]").click()

    messages = page.locator(".messagelist").inner_text()
    assert "O item 1 agora é Gorro de lã vermelho (era Gorro vermelho tricô)." in messages
    assert "Os próximos pedidos deste produto na Loja Bela virão como Gorro de lã vermelho." in messages
    assert "Gorro de lã vermelho (GOR-V)" in page.locator("#items").inner_text()
    assert "não é mais usado" in page.locator("#replaced-product").inner_text()
    page.click("input[name=_remove_product]")
    assert "Produto Gorro vermelho tricô removido." in page.locator(".messagelist").inner_text()
    assert not Product.objects.filter(pk=imported.pk).exists()
    assert StoreProductLink.objects.get(store_product_id="58208779").product == catalogue

    # The installments follow the terms as typed, before anything is saved or confirmed.
    page.fill("input[name=installments]", "3")
    expect(page.locator("#installment-preview tbody tr")).to_have_count(3)
    assert page.locator("#installment-preview tbody tr").all_inner_texts() == [
        "1/3\t10/12/2026\tR$ 30,00",
        "2/3\t10/01/2027\tR$ 30,00",
        "3/3\t10/02/2027\tR$ 30,00",
    ]
    history = page.locator("#history").inner_text()
    assert "Produto do item alterado" in history and "Produto removido" in history
    assert f"Gorro vermelho tricô (#{imported.pk}) → Gorro de lã vermelho (#{catalogue.pk})" in history
    screenshot("review", doc="review")

    page.click("input[name=_confirm]")
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CONFIRMED and sale.installments == 3
    assert sale.items.get().product == catalogue
    assert AuditEntry.objects.filter(object_id=str(sale.pk)).count() == 4  # swap, removal, terms, confirm
