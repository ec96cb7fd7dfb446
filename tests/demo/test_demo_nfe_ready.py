"""`manage.py demo` alone, then the stores' orders imported and every sale confirmed: each NF-e is
ready but the one sale of the product the demo left without NCM, which shows the checklist."""

import gc

import pytest
from django.contrib.auth import get_user_model
from django.core.management import ManagementUtility, call_command
from django.utils import translation

from demo import seed as demo
from fiscal.readiness import gaps_by_sale, with_fiscal_data
from integrations.importing import sync_integration
from integrations.models import Integration
from sales.models import Sale
from sales.services import confirm_sales
from sandboxes.nuvemshop import demo as nuvemshop_demo
from sandboxes.nuvemshop import services as nuvemshop_sandbox
from sandboxes.nuvemshop.models import SandboxStore
from tests.integrations.nuvemshop.conftest import installed_integration

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stores_on_live_server(live_server, settings, tmp_path, monkeypatch):
    """Both sandboxes answered over loopback, as `bash bin/start` serves them."""
    base = live_server.url
    settings.PUBLIC_BASE_URL = base
    settings.LOJA_INTEGRADA_API_URL = f"{base}/sandbox/loja-integrada/v1"
    settings.NUVEMSHOP_AUTHORIZE_URL = f"{base}/sandbox/nuvemshop/apps/{{app_id}}/authorize"
    settings.NUVEMSHOP_TOKEN_URL = f"{base}/sandbox/nuvemshop/apps/authorize/token"
    settings.NUVEMSHOP_API_URL = f"{base}/sandbox/nuvemshop/v1"
    settings.STORE_RATE_LIMIT_ENABLED = False
    settings.STORE_HTTP_RETRIES = 1
    monkeypatch.setattr(demo, "default_logins_file", lambda: tmp_path / "demo-logins")
    yield base
    gc.collect()  # close idle keep-alive sockets while the live server still shares its database


def exit_code(*argv: str) -> int:
    """What `manage.py …` exits with, run as the shell runs it."""
    try:
        ManagementUtility(["manage.py", *argv]).execute()
    except SystemExit as leaving:
        return leaving.code or 0
    return 0


def test_demo_then_import_then_confirm_leaves_one_sale_short_of_an_ncm(
    stores_on_live_server, client, tmp_path
):
    call_command("demo", stdout=None)
    gestor = get_user_model().objects.get(username="gestor")

    # Loja Integrada is connected by the demo; Nuvemshop is installed the way the demo says, then
    # sells to a person ("Novo pedido pago") and to a company; the webhooks import both.
    sync_integration(Integration.objects.get(provider=Integration.Provider.LOJA_INTEGRADA))
    client.force_login(gestor)
    store = SandboxStore.objects.get(store_id=nuvemshop_demo.DEMO_STORE_ID)
    nuvemshop = installed_integration(client, store)
    nuvemshop_sandbox.mark_paid(nuvemshop_sandbox.create_order(store))
    nuvemshop_sandbox.mark_paid(nuvemshop_sandbox.create_order(store, customer=nuvemshop_demo.COMPANY_BUYER))
    sync_integration(nuvemshop)

    imported = Sale.objects.filter(integration__isnull=False)
    assert imported.filter(integration=nuvemshop).count() == 2
    assert (
        imported.exclude(integration=nuvemshop).count() == 6
    )  # paid by Pix, boleto, card 1x/3x/6x, transfer
    pending = Sale.objects.filter(status=Sale.Status.REVIEW_PENDING).order_by("pk")
    outcomes = confirm_sales(pending, get_user_model().objects.get(username="financeiro"))
    assert all(outcome.confirmed for outcome in outcomes), [o.reason for o in outcomes if not o.confirmed]

    sales = list(with_fiscal_data(Sale.objects.order_by("pk")))
    assert all(sale.status == Sale.Status.CONFIRMED for sale in sales)
    (notebook_sale,) = Sale.objects.filter(items__product__sku="CAD-UNI")
    with translation.override("en"):
        not_ready = {
            pk: [m.message for m in missing] for pk, missing in gaps_by_sale(sales).items() if missing
        }
    assert not_ready == {notebook_sale.pk: ["The product Caderno universitário has no NCM."]}

    # Every store order's customer came with a complete, checked billing address and document.
    for sale in imported.select_related("customer"):
        customer = sale.customer
        assert customer.document and customer.city_code and customer.postal_code, customer
    companies = [sale.customer for sale in imported if sale.customer.document_kind == "cnpj"]
    assert len(companies) == 2 and all(c.state_registration for c in companies)
    assert {s.customer.state for s in imported} >= {"SP", "RJ"}  # inside and outside the state
    assert any(item.product.gtin for sale in imported for item in sale.items.all())

    for sale in sales:
        out = tmp_path / f"nfe-{sale.number}.xml"
        expected = 1 if sale.pk == notebook_sale.pk else 0
        assert exit_code("nfe_draft", str(sale.number), "--out", str(out)) == expected
        assert out.exists() == (expected == 0)
