"""The review services other apps rely on: the product-swap signal and the attention note."""

from decimal import Decimal

import pytest

from sales.models import Sale
from sales.services import ItemLine, confirm_sale, flag_for_attention, replace_item_product
from sales.signals import sale_item_product_replaced
from tests.catalog.factories import ProductFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Two listeners to the swap signal, as the store connectors would be: what they were told."""
    calls = []

    def moves_two(sender, **kwargs):
        calls.append((sender, kwargs))
        return 2

    def says_nothing(sender, **kwargs):
        return None

    sale_item_product_replaced.connect(moves_two)
    sale_item_product_replaced.connect(says_nothing)
    yield calls
    sale_item_product_replaced.disconnect(moves_two)
    sale_item_product_replaced.disconnect(says_nothing)


def test_a_swap_tells_the_listeners_and_counts_the_links_they_moved(financeiro, heard):
    imported, catalogue = ProductFactory(description="Produto novo"), ProductFactory(description="Casaco")
    sale = PendingSaleFactory(
        lines=[ItemLine(product=imported, quantity=Decimal("1"), unit_price=Decimal("10"))]
    )

    swap = replace_item_product(sale.items.get(), catalogue, by=financeiro)

    assert swap.store_links_moved == 2
    ((sender, told),) = heard
    assert sender is Sale
    assert (told["sale"].pk, told["item"].pk, told["previous"], told["product"]) == (
        sale.pk,
        swap.item.pk,
        imported,
        catalogue,
    )


def test_the_same_product_again_tells_nobody(financeiro, heard):
    sale = PendingSaleFactory()
    item = sale.items.get()
    assert replace_item_product(item, item.product, by=financeiro).store_links_moved == 0
    assert heard == []


def test_attention_notes_pile_up_one_per_line_even_on_a_confirmed_sale(financeiro):
    sale = PendingSaleFactory()
    confirm_sale(sale, financeiro)

    flag_for_attention(sale, note="A loja cancelou o pedido.")
    flagged = flag_for_attention(sale, note="A loja estornou o pagamento.")

    sale.refresh_from_db()
    assert (
        sale.attention_reason
        == flagged.attention_reason
        == ("A loja cancelou o pedido.\nA loja estornou o pagamento.")
    )
    assert sale.status == Sale.Status.CONFIRMED
