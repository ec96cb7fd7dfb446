"""Signed but hostile deliveries: replays, malformed bodies, ids that are not the store's. Each is
signed with the test secret (NUVEMSHOP_CLIENT_SECRET of config/settings/test.py), so only what the
body says is on trial."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from integrations.errors import InvalidStoreId
from integrations.loja_integrada.client import LojaIntegradaClient
from integrations.models import ImportRecord, Integration, WebhookEvent
from integrations.nuvemshop.client import NuvemshopClient
from integrations.nuvemshop.models import PrivacyRequest
from sales.models import Sale
from sandboxes.nuvemshop import services as sandbox
from tests.integrations.factories import IntegrationFactory

from .conftest import install, installed_integration
from .test_webhooks import URL, post, signed


def requests_reaching(store) -> int:
    store.refresh_from_db()
    return store.requests_served + store.requests_rejected


def send_raw(client, raw: bytes):
    """POST these exact bytes, signed with the test secret."""
    signature = hmac.new(settings.NUVEMSHOP_CLIENT_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(
        URL, data=raw, content_type="application/json", HTTP_X_LINKEDSTORE_HMAC_SHA256=signature
    )


# --- replays ----------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_replayed_app_uninstalled_does_not_disconnect_a_store_connected_again_since(gestor_client, store):
    integration = installed_integration(gestor_client, store)
    captured = signed({"store_id": store.store_id, "event": "app/uninstalled", "id": store.store_id})
    # The real uninstall: the token dies, the delivery disconnects.
    sandbox.uninstall(store)
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED
    # The merchant installs again; then someone replays the captured, correctly signed delivery.
    assert install(gestor_client, store).status_code == 302
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED
    assert post(gestor_client, *captured).json() == {"status": "stored"}
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED and integration.may_import
    replay = WebhookEvent.objects.filter(event="app/uninstalled").latest("pk")
    assert replay.status == WebhookEvent.Status.IGNORED
    assert "ainda aceita o token do aplicativo" in replay.note


@pytest.mark.django_db(transaction=True)
def test_a_replayed_app_suspended_does_not_suspend_a_working_store(gestor_client, store):
    integration = installed_integration(gestor_client, store)
    sandbox.suspend_app(store)
    sandbox.resume_app(store)
    sandbox.send_webhook(store, "app/suspended", store.store_id)  # replayed: the store works
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED
    assert (
        WebhookEvent.objects.filter(event="app/suspended").latest("pk").status == WebhookEvent.Status.IGNORED
    )


@pytest.mark.django_db(transaction=True)
def test_a_replayed_order_paid_is_neither_fetched_again_nor_stored_again(gestor_client, store):
    installed_integration(gestor_client, store)
    order = sandbox.create_order(store, paid=True)
    raw, signature = signed({"store_id": store.store_id, "event": "order/paid", "id": order.order_id})
    assert post(gestor_client, raw, signature).json() == {"status": "stored"}
    before = requests_reaching(store)
    for _ in range(5):
        assert post(gestor_client, raw, signature).json() == {"status": "duplicate"}
    assert requests_reaching(store) == before
    event = WebhookEvent.objects.get()
    assert event.deliveries == 6 and Sale.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_replayed_order_updated_is_fetched_at_most_twice_per_window(gestor_client, store):
    """A change right after another sends the same body again: handled once more; then counted."""
    installed_integration(gestor_client, store)
    order = sandbox.create_order(store, paid=True)
    raw, signature = signed({"store_id": store.store_id, "event": "order/updated", "id": order.order_id})
    assert post(gestor_client, raw, signature).json() == {"status": "stored"}
    before = requests_reaching(store)
    assert post(gestor_client, raw, signature).json() == {"status": "stored"}
    after_follow_up = requests_reaching(store)
    assert after_follow_up > before
    for _ in range(5):
        assert post(gestor_client, raw, signature).json() == {"status": "duplicate"}
    assert requests_reaching(store) == after_follow_up
    assert sorted(WebhookEvent.objects.values_list("deliveries", flat=True)) == [1, 6]


@pytest.mark.django_db(transaction=True)
def test_an_order_updated_past_the_repeat_window_is_handled_again(gestor_client, store):
    """A later real change sends a byte-identical order/updated: past the window it is fetched."""
    installed_integration(gestor_client, store)
    order = sandbox.create_order(store, paid=True)
    raw, signature = signed({"store_id": store.store_id, "event": "order/updated", "id": order.order_id})
    post(gestor_client, raw, signature)
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=6))
    before = requests_reaching(store)
    assert post(gestor_client, raw, signature).json() == {"status": "stored"}
    assert requests_reaching(store) > before and WebhookEvent.objects.count() == 2


# --- malformed, signed --------------------------------------------------------------------------------
@pytest.fixture
def known_store(db):
    return IntegrationFactory(provider="nuvemshop", store_id="555")


@pytest.mark.django_db
def test_a_deeply_nested_body_is_refused_not_a_500(client, known_store):
    deep = b'{"store_id": 555, "event": "order/paid", "id": ' + b"[" * 30000 + b"]" * 30000 + b"}"
    assert send_raw(client, deep).status_code == 400
    nested = {"store_id": 555, "event": "order/paid", "id": 1, "x": {"a": {"b": {"c": {"d": {"e": {}}}}}}}
    assert send_raw(client, json.dumps(nested).encode()).status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"store_id": 555, "event": "customers/redact", "customer": "abc"},
        {"store_id": 555, "event": "customers/data_request", "customer": {"id": 1}, "data_request": [1]},
        {"store_id": 555, "event": "customers/redact", "customer": {"id": {"x": 1}}},
        {"store_id": 555, "event": "customers/redact", "customer": {"id": 1}, "orders_to_redact": "1,2"},
        {
            "store_id": 555,
            "event": "customers/data_request",
            "customer": {"id": 1},
            "orders_requested": [None],
        },
    ],
)
def test_an_lgpd_request_of_another_shape_is_refused_not_a_500(client, known_store, body):
    response = post(client, *signed(body))
    assert response.status_code == 400 and response.json() == {"status": "malformed"}
    assert not WebhookEvent.objects.exists() and not PrivacyRequest.objects.exists()


BAD_ORDER_IDS = [
    "null",
    '{"id": 1}',
    "1" * 64,
    "NaN",
    "1e400",
    '"../webhooks"',
    '"1/../../webhooks"',
    "-5",
    "true",
    '"12 "',
    '""',
    "[1]",
    "1.5",
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("event", ["order/paid", "order/cancelled"])
def test_an_order_id_not_of_the_store_s_shape_never_reaches_the_store_nor_the_import_log(
    gestor_client, store, event
):
    installed_integration(gestor_client, store)
    before = requests_reaching(store)
    for bad in BAD_ORDER_IDS:
        raw = f'{{"store_id": {store.store_id}, "event": "{event}", "id": {bad}}}'.encode()
        response = send_raw(gestor_client, raw)
        assert response.status_code == 400, (bad, response.status_code)
    assert requests_reaching(store) == before
    assert not ImportRecord.objects.exists() and not WebhookEvent.objects.exists()


def test_the_clients_refuse_an_order_id_that_is_not_digits_before_any_call():
    nuvemshop = NuvemshopClient("271146", "tok")
    loja_integrada = LojaIntegradaClient("key", base_url="http://127.0.0.1:9/v1")
    for bad in ["../webhooks", "1/../2", "", "1e400", "NaN", "1" * 64, None, {"id": 1}]:
        with pytest.raises(InvalidStoreId):
            nuvemshop.order(bad)
        with pytest.raises(InvalidStoreId):
            loja_integrada.order(bad)
    with pytest.raises(InvalidStoreId):
        NuvemshopClient("../1", "tok")
