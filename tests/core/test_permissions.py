"""Who may open which page and run which action: anonymous, staff without a role, Financeiro, Gestor."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from catalog.models import StockMovement, StockSettings
from catalog.services import record_in
from sales.models import Sale
from tests.catalog.factories import ProductFactory
from tests.core.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "financeiro", "gestor"]
OK, DENIED, LOGIN = 200, 403, "login"


@pytest.fixture
def objects(financeiro):
    sale = PendingSaleFactory(seller=financeiro)
    product = ProductFactory()
    movement = record_in(product=product, quantity=Decimal("3"))
    StockSettings.get_solo()
    return {
        "sale": sale,
        "product": product,
        "customer": CustomerFactory(),
        "movement": movement,
    }


@pytest.fixture
def client_as(client, roles, financeiro, gestor):
    def log_in(role):
        if role == "financeiro":
            client.force_login(financeiro)
        elif role == "gestor":
            client.force_login(gestor)
        elif role == "no_role":
            client.force_login(UserFactory(username="staff-sem-papel", is_staff=True))
        return client

    return log_in


# (url name, args from objects, expected for anonymous / no_role / financeiro / gestor)
PAGES = [
    ("admin:index", None, (LOGIN, OK, OK, OK)),
    ("admin:sales_sale_changelist", None, (LOGIN, DENIED, OK, OK)),
    ("admin:sales_sale_change", "sale", (LOGIN, DENIED, OK, OK)),
    ("admin:sales_sale_review", "sale", (LOGIN, DENIED, OK, OK)),
    ("admin:sales_receivable_changelist", None, (LOGIN, DENIED, OK, OK)),
    ("admin:catalog_stockmovement_changelist", None, (LOGIN, DENIED, OK, OK)),
    ("admin:catalog_stockmovement_change", "movement", (LOGIN, DENIED, OK, OK)),
    ("admin:catalog_stockmovement_add", None, (LOGIN, DENIED, DENIED, OK)),
    ("admin:catalog_product_changelist", None, (LOGIN, DENIED, OK, OK)),
    ("admin:catalog_product_change", "product", (LOGIN, DENIED, OK, OK)),
    ("admin:catalog_product_add", None, (LOGIN, DENIED, OK, OK)),
    ("admin:customers_customer_changelist", None, (LOGIN, DENIED, OK, OK)),
    ("admin:customers_customer_change", "customer", (LOGIN, DENIED, OK, OK)),
    ("admin:customers_customer_add", None, (LOGIN, DENIED, OK, OK)),
    ("admin:catalog_stocksettings_change", None, (LOGIN, DENIED, DENIED, OK)),
]
MATRIX = [
    pytest.param(name, arg, role, expected[i], id=f"{name.split(':')[1]}-{role}")
    for name, arg, expected in PAGES
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("name", "arg", "role", "expected"), MATRIX)
def test_page_access(client_as, objects, name, arg, role, expected):
    url = reverse(name, args=[objects[arg].pk] if arg else [])
    response = client_as(role).get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert "login" in response.url
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "allowed"), [("anonymous", False), ("no_role", False), ("financeiro", True), ("gestor", True)]
)
def test_confirm_on_the_review_page(client_as, objects, role, allowed):
    sale = objects["sale"]
    response = client_as(role).post(
        reverse("admin:sales_sale_review", args=[sale.pk]),
        {
            "payment_method": "cash",
            "installments": 1,
            "first_due_date": sale.first_due_date.isoformat(),
            "seller": sale.seller_id,
            "_confirm": "1",
        },
    )
    sale.refresh_from_db()
    assert (sale.status == Sale.Status.CONFIRMED) is allowed
    if not allowed:
        assert response.status_code in (302, 403)


@pytest.mark.parametrize("action", ["confirm_selected", "cancel_selected"])
@pytest.mark.parametrize(
    ("role", "allowed"), [("anonymous", False), ("no_role", False), ("financeiro", True), ("gestor", True)]
)
def test_bulk_actions(client_as, objects, role, allowed, action):
    sale = objects["sale"]
    client_as(role).post(
        reverse("admin:sales_sale_changelist"),
        {"action": action, "post": "yes", "_selected_action": [sale.pk]},
    )
    sale.refresh_from_db()
    assert (sale.status != Sale.Status.REVIEW_PENDING) is allowed


def test_a_clerk_who_may_view_but_not_confirm_gets_neither_the_page_nor_the_action(client, objects):
    viewer = UserFactory(username="so-consulta", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="sales", codename__in=["view_sale", "change_sale"])
    )
    client.force_login(viewer)
    sale = objects["sale"]
    assert client.get(reverse("admin:sales_sale_review", args=[sale.pk])).status_code == 403
    client.post(
        reverse("admin:sales_sale_changelist"),
        {"action": "confirm_selected", "post": "yes", "_selected_action": [sale.pk]},
    )
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING


@pytest.mark.parametrize(("role", "allowed"), [("financeiro", False), ("gestor", True)])
def test_only_a_gestor_switches_the_stock_check(client_as, objects, role, allowed):
    client_as(role).post(reverse("admin:catalog_stocksettings_change"), {"check_stock_on_sale": "on"})
    assert StockSettings.get_solo().check_stock_on_sale is allowed


@pytest.mark.parametrize(("role", "allowed"), [("financeiro", False), ("gestor", True)])
def test_only_a_gestor_adjusts_stock(client_as, objects, role, allowed):
    product = objects["product"]
    client_as(role).post(
        reverse("admin:catalog_stockmovement_add"),
        {"product": product.pk, "kind": "adjustment_out", "quantity": "1", "note": "contagem"},
    )
    product.refresh_from_db()
    assert (product.stock_quantity == Decimal("2")) is allowed
    assert StockMovement.objects.filter(kind="adjustment_out").exists() is allowed


@pytest.mark.parametrize("role", ["financeiro", "gestor"])
def test_nobody_deletes_sales_or_edits_receivables_or_movements(client_as, objects, role):
    client = client_as(role)
    assert client.get(reverse("admin:sales_sale_delete", args=[objects["sale"].pk])).status_code == 403
    assert client.get(reverse("admin:sales_sale_add")).status_code == 403
    movement = objects["movement"]
    response = client.post(
        reverse("admin:catalog_stockmovement_change", args=[movement.pk]), {"quantity": "99"}
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:catalog_stockmovement_delete", args=[movement.pk])).status_code == 403
