"""Ids typed or tampered into a URL or a form (not a number, past 64 bits) answer 400 with a
message or 404, never 500."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.request_ids import MAX_ID, parse_id
from integrations.models import ImportRecord
from sales.services import ItemLine
from tests.catalog.factories import ProductFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 20


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (12, 12),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("abc", None),
        ("", None),
        (None, None),
        ("0", None),
        ("-1", None),
        ("1e3", None),
        ("١٢", None),  # Arabic-Indic digits: isdigit() says yes, a primary key says no
        (" 7 ", 7),
        (True, None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.fixture
def sale(financeiro):
    return PendingSaleFactory(
        seller=financeiro,
        lines=[ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=Decimal("10"))],
    )


@pytest.mark.parametrize("item", ["abc", HUGE, "1.5", ""])
def test_replacing_a_product_on_a_line_that_is_not_a_number_is_a_400(financeiro_client, sale, item):
    url = reverse("admin:sales_sale_review", args=[sale.pk])
    response = financeiro_client.post(url, {"_replace_product": "1", "item": item})
    assert response.status_code == 400
    assert "A linha a trocar não foi informada ou não é um número." in response.content.decode()


def test_replacing_a_product_on_a_line_of_another_sale_is_a_404(financeiro_client, sale):
    other = PendingSaleFactory(
        lines=[ItemLine(product=ProductFactory(), quantity=Decimal("1"), unit_price=1)]
    )
    url = reverse("admin:sales_sale_review", args=[sale.pk])
    response = financeiro_client.post(url, {"_replace_product": "1", "item": other.items.get().pk})
    assert response.status_code == 404


@pytest.mark.parametrize("product", ["abc", "1e3"])
def test_removing_a_product_that_is_not_a_number_is_a_400(financeiro_client, sale, product):
    url = reverse("admin:sales_sale_review", args=[sale.pk])
    response = financeiro_client.post(url, {"_remove_product": "1", "product": product})
    assert response.status_code == 400 and "O produto a remover não é um número." in response.content.decode()
    assert financeiro_client.get(f"{url}?replaced={HUGE}").status_code == 200


@pytest.mark.parametrize("value", ["abc", HUGE])
def test_integration_ids_in_addresses(gestor_client, value):
    said = "A integração no endereço não é um número."
    for url in (
        reverse("loja_integrada:connect"),
        reverse("integrations:import_log"),
        reverse("nuvemshop:install"),
    ):
        response = gestor_client.get(f"{url}?integration={value}")
        assert response.status_code == 400, url
        assert said in response.content.decode(), url
    assert gestor_client.get(f"{reverse('loja_integrada:connect')}?integration=123456").status_code == 404


@pytest.mark.parametrize("record", [HUGE, "abc"])
def test_retrying_an_import_record_that_is_not_a_number_is_a_400(gestor_client, record):
    integration = IntegrationFactory(enabled=False)
    ImportRecord.objects.create(
        integration=integration, store_order_id="1", status=ImportRecord.Status.FAILED, reason="x"
    )
    response = gestor_client.post(reverse("integrations:retry"), {"record": record})
    assert (
        response.status_code == 400
        and "Um pedido a tentar de novo não é um número." in response.content.decode()
    )
    response = gestor_client.post(reverse("integrations:retry"), {"records": ["1", record]})
    assert response.status_code == 400


def test_pages_with_a_huge_id_in_the_path_are_404(gestor_client):
    integration = IntegrationFactory(enabled=False)
    for url in (
        f"/integrations/{HUGE}/",
        f"/integrations/{integration.pk}/runs/{HUGE}/",
        f"/admin/sales/sale/{HUGE}/review/",
        f"/admin/sales/sale/{HUGE}/change/",
        f"/admin/sales/sale/bulk-confirmations/{HUGE}/",
        f"/integrations/nuvemshop/{HUGE}/ready/",
    ):
        response = gestor_client.get(url)
        assert response.status_code in (302, 404), (url, response.status_code)


def test_a_review_round_carrying_ids_that_are_not_sale_ids_is_read_without_them(financeiro_client, sale):
    url = reverse("admin:sales_sale_review", args=[sale.pk])
    response = financeiro_client.get(f"{url}?round=²,{HUGE},abc,{sale.pk}")
    assert response.status_code == 200
