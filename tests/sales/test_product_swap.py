"""The review page's product swap: a line gets a product of the catalogue instead of the one the
import created; the store's next orders follow; the unused imported product can be removed."""

import copy
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from catalog.models import Product
from catalog.services import ProductNotRemovable, record_in, remove_imported_product
from integrations.importing import import_order
from integrations.loja_integrada.mapper import map_order as li_map_order
from integrations.loja_integrada.mapper import product_id as li_product_id
from integrations.models import StoreProductLink
from integrations.nuvemshop.mapper import map_order
from sales.models import Sale, SaleItem
from sales.services import ItemLine, SaleNotPending, confirm_sale, replace_item_product
from tests.catalog.factories import ProductFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path("/work/shared/fixtures")


def nuvemshop_order(lines, order_id=1001):
    """The docs' order example, in reais and placed an hour ago, with these (product, variant, name) lines."""
    data = copy.deepcopy(json.loads((FIXTURES / "nuvemshop_order_v1.json").read_text())[0])
    template = data["products"][0]
    data["id"], data["number"] = order_id, order_id
    data["currency"] = "BRL"
    data["created_at"] = data["paid_at"] = (timezone.now() - timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M:%S+0000"
    )
    data["products"] = [
        {
            **template,
            "id": 900 + n,
            "product_id": product,
            "variant_id": variant,
            "name": name,
            "sku": None,
            "price": "50.00",
            "quantity": "1",
        }
        for n, (product, variant, name) in enumerate(lines)
    ]
    data["subtotal"] = data["total"] = str(
        Decimal("50.00") * len(lines) + Decimal(data["shipping_cost_customer"])
    )
    return map_order(data)


def test_a_loja_integrada_line_moves_its_own_link(financeiro):
    data = json.loads((FIXTURES / "lojaintegrada_pedido.json").read_text())
    data["situacao"] = {**data["situacao"], "codigo": "pedido_pago", "cancelado": False}
    data["data_criacao"] = timezone.localtime().replace(tzinfo=None).isoformat()
    store = IntegrationFactory(provider="loja_integrada", seller=financeiro)
    store.activated_at = timezone.now() - timedelta(days=1)
    store.save()
    sale = import_order(store, li_map_order(data)).sale
    store_product = li_product_id(data["itens"][0]["produto"])
    catalogue = ProductFactory(description="Casaco infantil azul M")
    # Another store product came in as the same product (same description): it is not this line.
    created = sale.items.get().product
    StoreProductLink.objects.create(integration=store, store_product_id="99", product=created)

    swap = replace_item_product(sale.items.get(), catalogue, by=financeiro)

    assert swap.store_links_moved == 1
    links = StoreProductLink.objects.filter(integration=store)
    assert links.get(store_product_id=store_product).product == catalogue
    assert links.get(store_product_id="99").product == created


@pytest.fixture
def imported(financeiro):
    """A Nuvemshop sale whose two lines came with products the import created."""
    store = IntegrationFactory(name="Loja Bela", provider="nuvemshop", seller=financeiro)
    order = nuvemshop_order([(58208779, "169164456", "Gorro de lã"), (58208780, "", "Cachecol listrado")])
    sale = import_order(store, order).sale
    # Pinned: the due dates the tests type must stay after the sale date, whenever they run.
    Sale.objects.filter(pk=sale.pk).update(sale_date=date(2026, 11, 20))
    sale.refresh_from_db()
    return sale


def test_the_line_gets_the_chosen_product_and_the_store_link_follows(imported, financeiro):
    catalogue = ProductFactory(description="Gorro de Lã Vermelho")
    line = imported.items.get(position=1)
    created = line.product
    assert created.origin == Product.Origin.IMPORT

    swap = replace_item_product(line, catalogue, by=financeiro)

    line.refresh_from_db()
    assert line.product == catalogue and swap.previous == created and swap.store_links_moved == 1
    link = StoreProductLink.objects.get(
        integration=imported.integration, store_product_id="58208779", store_variant_id="169164456"
    )
    assert link.product == catalogue
    # The other line's store product still comes in as its own product.
    other = StoreProductLink.objects.get(integration=imported.integration, store_product_id="58208780")
    assert other.product == imported.items.get(position=2).product


def test_the_store_s_next_order_of_that_product_comes_in_as_the_chosen_one(imported, financeiro):
    catalogue = ProductFactory(description="Gorro de Lã Vermelho")
    replace_item_product(imported.items.get(position=1), catalogue, by=financeiro)
    again = nuvemshop_order([(58208779, "169164456", "Gorro de lã")], order_id=1002)
    next_sale = import_order(imported.integration, again).sale
    assert next_sale.items.get().product == catalogue


def test_the_swap_is_recorded_with_who_and_the_products_before_and_after(imported, financeiro):
    catalogue = ProductFactory(description="Gorro de Lã Vermelho")
    created = imported.items.get(position=1).product
    replace_item_product(imported.items.get(position=1), catalogue, by=financeiro)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SALE_ITEM_PRODUCT_CHANGED)
    assert entry.actor == financeiro and entry.object_id == str(imported.pk)
    assert entry.changes == {
        "items.1.product": [f"Gorro de lã (#{created.pk})", f"Gorro de Lã Vermelho (#{catalogue.pk})"]
    }


def test_choosing_the_same_product_changes_and_records_nothing(imported, financeiro):
    line = imported.items.get(position=1)
    replace_item_product(line, line.product, by=financeiro)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SALE_ITEM_PRODUCT_CHANGED).exists()


def test_a_confirmed_sale_keeps_its_products(financeiro):
    sale = PendingSaleFactory()
    confirm_sale(sale, financeiro)
    line = sale.items.get()
    with pytest.raises(SaleNotPending):
        replace_item_product(line, ProductFactory(), by=financeiro)
    line.refresh_from_db()
    assert (
        line.product.description != ""
        and not AuditEntry.objects.filter(action=AuditEntry.Action.SALE_ITEM_PRODUCT_CHANGED).exists()
    )


def test_a_sale_entered_by_hand_swaps_without_touching_links(financeiro):
    sale = PendingSaleFactory()
    swap = replace_item_product(sale.items.get(), ProductFactory(), by=financeiro)
    assert swap.store_links_moved == 0 and not StoreProductLink.objects.exists()


def test_without_the_store_s_order_every_link_to_the_replaced_product_moves(imported, financeiro):
    imported.import_record.__class__.objects.filter(sale=imported).update(payload={})
    created = imported.items.get(position=1).product
    catalogue = ProductFactory(description="Gorro de Lã Vermelho")
    swap = replace_item_product(imported.items.get(position=1), catalogue, by=financeiro)
    assert swap.store_links_moved == 1
    assert not StoreProductLink.objects.filter(product=created).exists()


# --- removing the product the import created ---------------------------------------------------


def test_the_replaced_imported_product_once_unused_is_removed_and_recorded(imported, financeiro):
    created = imported.items.get(position=1).product
    replace_item_product(imported.items.get(position=1), ProductFactory(), by=financeiro)
    remove_imported_product(created, by=financeiro, audit_on=imported)
    assert not Product.objects.filter(pk=created.pk).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PRODUCT_REMOVED)
    assert entry.actor == financeiro and entry.object_id == str(imported.pk)
    assert entry.changes == {"product": [f"Gorro de lã (#{created.pk})", None]}


def test_a_product_still_on_a_sale_item_is_not_removed(imported, financeiro):
    created = imported.items.get(position=1).product
    with pytest.raises(ProductNotRemovable, match="1 item de venda"):
        remove_imported_product(created, by=financeiro)
    assert Product.objects.filter(pk=created.pk).exists()


def test_a_product_a_store_product_still_comes_in_as_is_not_removed(imported, financeiro):
    created = imported.items.get(position=1).product
    # Another line of another order came as the same product: swapping one line leaves that link.
    StoreProductLink.objects.create(
        integration=imported.integration, store_product_id="555", store_variant_id="", product=created
    )
    replace_item_product(imported.items.get(position=1), ProductFactory(), by=financeiro)
    with pytest.raises(ProductNotRemovable, match="1 vínculo"):
        remove_imported_product(created, by=financeiro)


def test_a_product_with_stock_movements_is_not_removed(financeiro):
    product = ProductFactory(origin=Product.Origin.IMPORT)
    record_in(product=product, quantity=Decimal("1"))
    with pytest.raises(ProductNotRemovable, match="movimentação de estoque"):
        remove_imported_product(product, by=financeiro)


def test_a_product_entered_by_hand_is_not_removed_here(financeiro):
    product = ProductFactory(origin=Product.Origin.MANUAL)
    with pytest.raises(ProductNotRemovable, match="cadastrado manualmente"):
        remove_imported_product(product, by=financeiro)
    assert Product.objects.filter(pk=product.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PRODUCT_REMOVED).exists()


# --- the review page -----------------------------------------------------------------------------


def review_url(sale):
    return reverse("admin:sales_sale_review", args=[sale.pk])


def test_the_review_page_offers_a_searching_picker_per_line(financeiro_client, imported):
    ProductFactory.create_batch(3)
    response = financeiro_client.get(review_url(imported))
    html = response.content.decode()
    assert html.count('name="_replace_product"') == 2
    # Search-as-you-type: the catalogue is fetched by the admin's autocomplete, never rendered.
    assert html.count("admin-autocomplete") >= 2 and "select2" in html
    assert "próximos pedidos" in html


def test_the_page_swaps_then_offers_to_remove_the_unused_imported_product(financeiro_client, imported):
    catalogue = ProductFactory(description="Gorro de Lã Vermelho")
    line = imported.items.get(position=1)
    created = line.product
    response = financeiro_client.post(
        review_url(imported),
        {"item": line.pk, f"item-{line.pk}-product": catalogue.pk, "_replace_product": "1"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"?replaced={created.pk}")
    page = financeiro_client.get(response["Location"])
    html = page.content.decode()
    assert "Os próximos pedidos deste produto na Loja Bela virão como Gorro de Lã Vermelho." in html
    assert 'name="_remove_product"' in html

    removed = financeiro_client.post(review_url(imported), {"product": created.pk, "_remove_product": "1"})
    assert removed.status_code == 302
    assert not Product.objects.filter(pk=created.pk).exists()
    history = financeiro_client.get(review_url(imported)).content.decode()
    assert "Produto do item alterado" in history and "Produto removido" in history
    assert f"Gorro de lã (#{created.pk}) → Gorro de Lã Vermelho (#{catalogue.pk})" in history


def test_the_page_says_why_a_product_in_use_stays_and_the_service_refuses_it_anyway(
    financeiro_client, imported
):
    created = imported.items.get(position=1).product
    page = financeiro_client.get(f"{review_url(imported)}?replaced={created.pk}").content.decode()
    assert 'name="_remove_product"' not in page and "1 item de venda" in page
    # A forged POST is refused by the service, with the reason.
    response = financeiro_client.post(
        review_url(imported), {"product": created.pk, "_remove_product": "1"}, follow=True
    )
    assert Product.objects.filter(pk=created.pk).exists()
    assert "não pode ser removido" in response.content.decode()


def test_the_preview_fragment_follows_the_terms_typed(financeiro_client, imported):
    data = {
        "payment_method": "boleto",
        "installments": "2",
        "first_due_date": "10/12/2026",
        "seller": imported.seller_id,
        "_preview": "1",
        "_fragment": "preview",
    }
    response = financeiro_client.post(review_url(imported), data)
    rows = response.content.decode().count("<tr><td>")
    assert rows == 2 and "10/01/2027" in response.content.decode() and "Boleto" in response.content.decode()
    imported.refresh_from_db()
    assert imported.installments == 1  # a preview saves nothing


def test_terms_changed_on_confirm_show_in_the_history(financeiro_client, financeiro):
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("1"))
    sale = PendingSaleFactory(
        seller=financeiro,
        sale_date=date(2026, 11, 20),
        lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("90"))],
    )
    financeiro_client.post(
        review_url(sale),
        {
            "payment_method": "pix",
            "installments": "3",
            "first_due_date": "05/01/2027",
            "seller": financeiro.pk,
            "_confirm": "1",
        },
    )
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CONFIRMED
    html = financeiro_client.get(review_url(sale)).content.decode()
    assert "Parcelas: 1 → 3" in html and "Forma de pagamento: Dinheiro → Pix" in html
    assert "05/01/2027" in html and "Venda confirmada" in html


def test_picking_the_product_the_line_already_has_says_nothing_changed(financeiro_client, imported):
    line = imported.items.get(position=1)
    response = financeiro_client.post(
        review_url(imported),
        {"item": line.pk, f"item-{line.pk}-product": line.product_id, "_replace_product": "1"},
        follow=True,
    )
    assert "já é Gorro de lã; nada foi alterado." in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SALE_ITEM_PRODUCT_CHANGED).exists()
    assert 'name="_remove_product"' not in response.content.decode()


def test_ids_in_the_review_forms_are_plain_numbers_past_a_thousand(financeiro_client, imported):
    """pt-BR groups thousands (23.456): an id written into a form must not be, or the clerk's
    *Trocar* / *Remover produto* posts an id the server cannot read (seen once ids passed 999)."""
    line = imported.items.get(position=1)
    SaleItem.objects.filter(pk=line.pk).update(id=23456)
    unused = ProductFactory(pk=34567, origin=Product.Origin.IMPORT)

    html = financeiro_client.get(f"{review_url(imported)}?replaced={unused.pk}").content.decode()

    assert 'name="item" value="23456"' in html
    assert 'name="product" value="34567"' in html
    assert "23.456" not in html and "34.567" not in html
