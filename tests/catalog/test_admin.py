from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import StockMovement, StockSettings
from catalog.services import record_in
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db

ADD_MOVEMENT = reverse("admin:catalog_stockmovement_add")


@pytest.mark.parametrize(
    ("kind", "typed", "stock_after", "stored"),
    [
        ("purchase_in", "2,5", Decimal("7.5"), Decimal("2.5")),
        ("adjustment_in", "1", Decimal("6"), Decimal("1")),
        ("adjustment_out", "3", Decimal("2"), Decimal("-3")),
    ],
)
def test_a_gestor_records_stock_by_hand_and_the_product_follows(
    gestor_client, kind, typed, stock_after, stored
):
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("5"))
    response = gestor_client.post(ADD_MOVEMENT, {"product": product.pk, "kind": kind, "quantity": typed})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.stock_quantity == stock_after
    movement = StockMovement.objects.filter(kind=kind).latest("pk")
    assert movement.quantity == stored
    assert product.stock_quantity == sum(m.quantity for m in product.stock_movements.all())


@pytest.mark.parametrize("typed", ["0", "-1"])
def test_a_zero_or_negative_count_is_refused(gestor_client, typed):
    product = ProductFactory()
    response = gestor_client.post(
        ADD_MOVEMENT, {"product": product.pk, "kind": "adjustment_in", "quantity": typed}
    )
    assert response.status_code == 200
    assert not StockMovement.objects.exists()


def test_a_sale_movement_cannot_be_entered_by_hand(gestor_client):
    product = ProductFactory()
    response = gestor_client.post(ADD_MOVEMENT, {"product": product.pk, "kind": "sale_out", "quantity": "1"})
    assert response.status_code == 200
    assert "Faça uma escolha válida" in response.content.decode()
    assert not StockMovement.objects.exists()


def test_the_stock_check_setting_reads_as_the_seeds_say(gestor_client):
    response = gestor_client.get(reverse("admin:catalog_stocksettings_change"))
    assert "Verificar estoque ao criar uma venda" in response.content.decode()
    gestor_client.post(reverse("admin:catalog_stocksettings_change"), {"check_stock_on_sale": "on"})
    assert StockSettings.get_solo().check_stock_on_sale is True
    gestor_client.post(reverse("admin:catalog_stocksettings_change"), {})
    assert StockSettings.get_solo().check_stock_on_sale is False


def test_product_list_shows_price_and_stock_the_brazilian_way(financeiro_client):
    product = ProductFactory(description="Casaco infantil", sale_price=Decimal("1234.5"))
    record_in(product=product, quantity=Decimal("1.5"))
    page = financeiro_client.get(reverse("admin:catalog_product_changelist")).content.decode()
    assert "R$ 1.234,50" in page
    assert "1,5" in page


def test_index_uses_the_seeds_words(gestor_client):
    page = gestor_client.get(reverse("admin:index")).content.decode()
    for words in [
        "Vendas",
        "Contas a receber",
        "Estoque",
        "Clientes",
        "Produtos",
        "Movimentações de estoque",
    ]:
        assert words in page, words


def test_the_product_picker_shows_sku_and_stock_beside_each_name(financeiro_client):
    from decimal import Decimal as D

    from catalog.services import record_in
    from tests.catalog.factories import ProductFactory

    scarf = ProductFactory(description="Gorro de lã vermelho", sku="GOR-V")
    record_in(product=scarf, quantity=D("1.5"))
    ProductFactory(description="Gorro de lã azul", sku="")
    response = financeiro_client.get(
        "/admin/autocomplete/",
        {"app_label": "sales", "model_name": "saleitem", "field_name": "product", "term": "gorro"},
        HTTP_ACCEPT_LANGUAGE="pt-BR",
    )
    labels = sorted(result["text"] for result in response.json()["results"])
    assert labels == ["Gorro de lã azul · estoque 0", "Gorro de lã vermelho · SKU GOR-V · estoque 1,5"]


def test_a_products_page_shows_its_stock_without_useless_decimals(gestor_client):
    from decimal import Decimal as D

    from catalog.services import record_in
    from tests.catalog.factories import ProductFactory

    product = ProductFactory()
    record_in(product=product, quantity=D("2"))
    page = gestor_client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()
    assert '<div class="readonly">2</div>' in page and "2,000" not in page
