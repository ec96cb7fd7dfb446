import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product
from sales.models import Sale
from sales.services import ItemLine
from tests.fiscal.factories import (
    AddressedCustomerFactory,
    FiscalProductFactory,
    company_ready,
    confirmed_sale,
)
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


def test_queue_flags_a_sale_not_ready_and_the_review_page_lists_what_with_links(financeiro_client):
    company_ready()
    product = FiscalProductFactory(ncm="")
    sale = PendingSaleFactory(
        customer=AddressedCustomerFactory(),
        lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("10"))],
    )
    queue = financeiro_client.get(reverse("admin:sales_sale_changelist"))
    assert "Sem dados para NF-e" in queue.content.decode()
    review = financeiro_client.get(reverse("admin:sales_sale_review", args=[sale.pk])).content.decode()
    assert f"O produto {product.description} não tem NCM." in review
    assert f"/admin/catalog/product/{product.pk}/change/" in review
    assert "Confirmar continua permitido" in review


def test_a_confirmed_ready_sale_offers_its_draft(financeiro_client):
    company_ready()
    sale = confirmed_sale()
    page = financeiro_client.get(reverse("admin:sales_sale_change", args=[sale.pk])).content.decode()
    assert "Gerar rascunho de NF-e" in page
    response = financeiro_client.get(reverse("fiscal:nfe_draft", args=[sale.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert b"<infNFe" in response.content


def test_a_sale_not_ready_is_sent_back_with_the_reasons(financeiro_client):
    company_ready()
    sale = confirmed_sale()
    Product.objects.update(ncm="")
    response = financeiro_client.get(reverse("fiscal:nfe_draft", args=[sale.pk]), follow=True)
    assert "não tem NCM" in response.content.decode()


def test_zip_action_on_the_sales_list_streams_the_drafts(financeiro_client):
    company_ready()
    sales = [confirmed_sale() for _ in range(2)]
    response = financeiro_client.post(
        reverse("admin:sales_sale_changelist") + "?status=all",
        {"action": "download_nfe_drafts", "_selected_action": [sale.pk for sale in sales]},
    )
    assert response.streaming and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 2
    assert Sale.objects.count() == 2
