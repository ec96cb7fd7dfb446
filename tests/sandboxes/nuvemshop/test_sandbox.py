"""The sandbox behaves like the store where Ponte depends on it."""

import re
import time

import pytest

from sandboxes.nuvemshop import demo
from sandboxes.nuvemshop import services as sandbox
from sandboxes.nuvemshop.models import SandboxOrder, SandboxStore
from sandboxes.nuvemshop.services import orders as sandbox_orders

pytestmark = pytest.mark.django_db

HEADERS = {"HTTP_USER_AGENT": "Ponte (suporte@ponte.app.br)"}


@pytest.fixture
def installed():
    store = sandbox.create_store(name="Loja", store_id=4242)
    body = sandbox.exchange_code(
        client_id="4321",
        client_secret="test-client-secret",
        code=sandbox.issue_code(store),
        grant_type="authorization_code",
    ).body
    return store, body["access_token"]


def api(client, path, token, **extra):
    return client.get(f"/sandbox/nuvemshop/v1/4242/{path}", HTTP_AUTHENTICATION=f"bearer {token}", **extra)


def test_without_user_agent_the_api_answers_400(client, installed):
    _store, token = installed
    assert api(client, "store", token).status_code == 400
    assert api(client, "store", token, **HEADERS).status_code == 200


def test_after_uninstall_the_old_token_gets_401(client, installed):
    store, token = installed
    sandbox.uninstall(store)
    assert api(client, "orders", token, **HEADERS).status_code == 401


def test_a_reinstall_kills_the_old_token(client, installed):
    store, token = installed
    sandbox.exchange_code(
        client_id="4321",
        client_secret="test-client-secret",
        code=sandbox.issue_code(store),
        grant_type="authorization_code",
    )
    assert api(client, "store", token, **HEADERS).status_code == 401


def test_the_token_endpoint_refuses_a_wrong_client_secret(client, installed):
    store, _token = installed
    response = client.post(
        "/sandbox/nuvemshop/apps/authorize/token",
        {
            "client_id": "4321",
            "client_secret": "errado",
            "code": sandbox.issue_code(store),
            "grant_type": "authorization_code",
        },
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_answers_carry_the_rate_limit_headers_and_a_full_bucket_answers_429(client, installed):
    store, token = installed
    response = api(client, "store", token, **HEADERS)
    assert response["x-rate-limit-limit"] == "40" and response["x-rate-limit-remaining"] == "39"
    SandboxStore.objects.filter(pk=store.pk).update(bucket_level=40, bucket_checked_at=time.time())
    limited = api(client, "store", token, **HEADERS)
    assert limited.status_code == 429 and int(limited["x-rate-limit-reset"]) > 0


def test_orders_are_paged_with_link_and_total_count(client, installed):
    store, token = installed
    for _ in range(3):
        sandbox.create_order(store, paid=True)
    first = api(client, "orders?payment_status=paid&per_page=2", token, **HEADERS)
    assert first["x-total-count"] == "3" and 'rel="next"' in first["Link"] and len(first.json()) == 2
    assert api(client, "orders?payment_status=pending", token, **HEADERS).status_code == 404


def test_the_demo_seed_creates_the_store_once_and_says_how_to_connect(gestor):
    lines = demo.seed(gestor=gestor)
    again = demo.seed(gestor=gestor)
    assert SandboxStore.objects.count() == 1 and SandboxStore.objects.get().orders.count() == 2
    assert lines == again
    assert any("Conectar com Nuvemshop" in line and "/integrations/nuvemshop/" in line for line in lines)


PANEL = "/sandbox/nuvemshop/"


@pytest.fixture
def store_with_order():
    store = sandbox.create_store(name="Loja", store_id=4242)
    store.installed = True
    store.save(update_fields=["installed"])
    return store, sandbox.create_order(store)


def test_the_control_panel_sends_anonymous_visitors_to_the_login(client, store_with_order):
    response = client.get(PANEL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "action", ["new_order", "new_paid_order", "pay", "cancel", "uninstall", "suspend", "customers/redact"]
)
def test_the_control_panel_buttons_do_nothing_for_anonymous_visitors(client, store_with_order, action):
    store, order = store_with_order
    before = list(SandboxOrder.objects.order_by("pk").values_list("pk", "data"))

    response = client.post(PANEL, {"action": action, "store": store.pk, "order": order.pk})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert list(SandboxOrder.objects.order_by("pk").values_list("pk", "data")) == before
    store.refresh_from_db()
    assert store.installed


def test_staff_use_the_control_panel(gestor_client, store_with_order):
    store, _order = store_with_order
    assert gestor_client.get(PANEL).status_code == 200
    response = gestor_client.post(PANEL, {"action": "new_order", "store": store.pk})
    assert response.status_code == 302
    assert store.orders.count() == 2


@pytest.mark.parametrize(
    ("action", "extra", "payment_status", "status"),
    [
        ("cancel", {}, "pending", "cancelled"),
        ("refund", {}, "refunded", "open"),
        ("partial_refund", {"amount": "12,50"}, "partially_refunded", "open"),
        ("void", {}, "voided", "cancelled"),
        ("charge_back", {}, "charged_back", "open"),
        ("pay", {}, "paid", "open"),
    ],
)
def test_the_control_panel_changes_an_order_with_or_without_its_webhook(
    gestor_client, store_with_order, monkeypatch, action, extra, payment_status, status
):
    _store, order = store_with_order
    sent = []
    # Delivering needs a listening Ponte; here only whether the panel asked for it counts.
    monkeypatch.setattr(sandbox_orders, "send_webhook", lambda *args, **kwargs: sent.append(args[1]) or [])
    gestor_client.post(PANEL, {"action": action, "order": order.pk, **extra})
    gestor_client.post(PANEL, {"action": action, "order": order.pk, "lost": "1", **extra})
    order.refresh_from_db()
    assert (order.payment_status, order.data["status"]) == (payment_status, status)
    assert len(sent) == 1  # the second change was a lost delivery
    if action == "partial_refund":
        assert order.data["refunded_amount"] == "12.50"


def test_a_suspended_app_answers_402_until_resumed(client, installed):
    store, token = installed
    sandbox.suspend_app(store)
    assert api(client, "orders", token, **HEADERS).status_code == 402
    sandbox.resume_app(store)
    assert api(client, "store", token, **HEADERS).status_code == 200


@pytest.mark.django_db
def test_the_control_panel_shows_money_and_the_stores_words(gestor_client, installed):
    store, _token = installed
    sandbox.create_order(store, paid=True)
    page = gestor_client.get("/sandbox/nuvemshop/").content.decode()
    assert 'title="paid">Pago<' in page and 'title="open">Aberto<' in page
    assert re.search(r"<td>R\$ \d+,\d\d</td>", page) and not re.search(r"R\$ \d+\.\d\d<", page)
