import sys
import types
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from catalog.models import Product, StockMovement
from customers.models import Customer
from demo import seed as demo
from sales.models import Sale
from sales.services import confirm_sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins_file(tmp_path, monkeypatch):
    path = tmp_path / ".venv" / "demo-logins"
    monkeypatch.setattr(demo, "default_logins_file", lambda: path)
    monkeypatch.delenv("PONTE_GESTOR_PASSWORD", raising=False)
    monkeypatch.delenv("PONTE_FINANCEIRO_PASSWORD", raising=False)
    return path


def run_command() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts():
    return (
        get_user_model().objects.count(),
        Customer.objects.count(),
        Product.objects.count(),
        StockMovement.objects.count(),
        Sale.objects.count(),
    )


def test_demo_twice_creates_once_and_prints_the_same_logins(logins_file, client):
    first = run_command()
    after_first = counts()
    second = run_command()
    assert counts() == after_first
    assert Sale.objects.filter(status=Sale.Status.REVIEW_PENDING).count() == len(demo.SALES)
    logins_first = [line for line in first.splitlines() if "password:" in line]
    assert logins_first == [line for line in second.splitlines() if "password:" in line]
    assert len(logins_first) == 2
    assert "http://testserver/accounts/login/" in first
    assert logins_file.exists()
    for line in logins_first:
        username, _, password = line.split()
        assert client.login(username=username, password=password)


def test_passwords_come_from_the_environment(logins_file, monkeypatch, client):
    monkeypatch.setenv("PONTE_GESTOR_PASSWORD", "senha-do-gestor-1")
    monkeypatch.setenv("PONTE_FINANCEIRO_PASSWORD", "senha-do-financeiro-1")
    output = run_command()
    assert "senha-do-gestor-1" in output
    assert client.login(username="gestor", password="senha-do-gestor-1")
    assert client.login(username="financeiro", password="senha-do-financeiro-1")
    gestor = get_user_model().objects.get(username="gestor")
    assert gestor.is_staff and gestor.groups.filter(name="Gestor").exists()


def test_demo_sales_can_be_confirmed_with_the_stock_they_have(logins_file):
    run_command()
    financeiro = get_user_model().objects.get(username="financeiro")
    outcomes = confirm_sales(Sale.objects.order_by("pk"), financeiro)
    assert all(outcome.confirmed for outcome in outcomes)
    for product in Product.objects.all():
        assert product.stock_quantity == sum(m.quantity for m in product.stock_movements.all())


def test_store_sandbox_seeds_are_called_with_the_gestor_and_printed(logins_file, monkeypatch):
    calls = []
    fake = types.ModuleType("sandboxes.loja_integrada.demo")
    fake.seed = lambda gestor: calls.append(gestor.username) or ["Loja Integrada sandbox: 3 orders"]
    monkeypatch.setitem(sys.modules, "sandboxes.loja_integrada.demo", fake)
    monkeypatch.setattr(demo, "SANDBOX_SEEDS", ["sandboxes.loja_integrada.demo", "ponte_missing_demo"])
    output = run_command()
    assert calls == ["gestor"]
    assert "Loja Integrada sandbox: 3 orders" in output


def test_only_the_seed_module_itself_missing_is_skipped(logins_file, monkeypatch):
    # A seed module that exists but fails to import something else is a bug to show, not to skip.
    monkeypatch.setattr(demo, "SANDBOX_SEEDS", ["ponte_missing_package.demo"])
    with pytest.raises(ModuleNotFoundError):
        run_command()


@pytest.mark.django_db
def test_demo_sales_once_confirmed_are_ready_for_nfe_but_the_notebooks(tmp_path, settings):
    from fiscal.readiness import gaps_by_sale, with_fiscal_data
    from sales.models import Sale

    settings.STORE_SANDBOXES = False
    from demo.seed import run

    run(logins_file=tmp_path / "logins")
    gaps = gaps_by_sale(with_fiscal_data(Sale.objects.filter(integration__isnull=True)))
    not_ready = {pk for pk, missing in gaps.items() if missing}
    notebook_sales = set(Sale.objects.filter(items__product__sku="CAD-UNI").values_list("pk", flat=True))
    assert not_ready == notebook_sales and len(notebook_sales) == 1
    assert all("NCM" in item.message for pk in not_ready for item in gaps[pk])
    from fiscal.services import nfe_draft

    ready = Sale.objects.exclude(pk__in=not_ready).filter(integration__isnull=True)
    confirm_sales(ready.order_by("pk"), get_user_model().objects.get(username="financeiro"))
    assert all(nfe_draft(sale).key for sale in ready.order_by("pk"))
