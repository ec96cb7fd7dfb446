"""The signed webhook: verification, deduplication, and what each event does."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import responses
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from integrations import importing, services, tasks
from integrations.models import ImportRecord, ImportRun, Integration, WebhookEvent
from sales.models import Sale
from sales.services import confirm_sale
from sandboxes.nuvemshop import services as sandbox
from tests.integrations.factories import IntegrationFactory

from .conftest import installed_integration

URL = "/integrations/nuvemshop/webhook/"
SUSPENDED_NOTE = (
    "A loja suspendeu o aplicativo Ponte. O Ponte não chamará esta loja, nem para importar agora, "
    "até que a loja reative o aplicativo ou a integração seja conectada novamente."
)


def signed(body: dict, *, encoding: str = "hex", secret: str | None = None) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    digest = hmac.new((secret or settings.NUVEMSHOP_CLIENT_SECRET).encode(), raw, hashlib.sha256)
    return raw, digest.hexdigest() if encoding == "hex" else base64.b64encode(digest.digest()).decode()


def post(client, raw: bytes, signature: str | None):
    headers = {} if signature is None else {"HTTP_X_LINKEDSTORE_HMAC_SHA256": signature}
    return client.post(URL, data=raw, content_type="application/json", **headers)


@pytest.fixture
def suspended(db):
    return IntegrationFactory(
        provider="nuvemshop", store_id="555", connection_status=Integration.ConnectionStatus.SUSPENDED
    )


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["hex", "base64"])
@responses.activate
def test_a_good_signature_in_hex_or_base64_is_accepted_and_handled(client, suspended, encoding):
    # app/resumed is applied once the store confirms it: its details answer again with the token.
    responses.get(f"{settings.NUVEMSHOP_API_URL}/555/store", json={"id": 555})
    raw, signature = signed({"store_id": 555, "event": "app/resumed", "id": 555}, encoding=encoding)
    response = post(client, raw, signature)
    assert response.status_code == 200 and response.json() == {"status": "stored"}
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.PROCESSED
    suspended.refresh_from_db()
    assert suspended.connection_status == Integration.ConnectionStatus.CONNECTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "00" * 32,
        signed({"store_id": 555, "event": "app/resumed", "id": 555}, secret="outro-segredo")[1],
        "não é hex nem base64",
    ],
)
def test_a_missing_or_bad_signature_gets_401_and_nothing_is_stored(client, suspended, signature):
    raw, _good = signed({"store_id": 555, "event": "app/resumed", "id": 555})
    assert post(client, raw, signature).status_code == 401
    assert not WebhookEvent.objects.exists()
    suspended.refresh_from_db()
    assert suspended.connection_status == Integration.ConnectionStatus.SUSPENDED


@pytest.mark.django_db
def test_a_signature_over_another_body_is_refused(client, suspended):
    _raw, signature = signed({"store_id": 555, "event": "app/resumed", "id": 555})
    tampered = json.dumps({"store_id": 555, "event": "app/uninstalled", "id": 555}).encode()
    assert post(client, tampered, signature).status_code == 401


@pytest.mark.django_db
def test_no_client_secret_configured_accepts_nothing(client, suspended, settings):
    raw, signature = signed({"store_id": 555, "event": "app/resumed", "id": 555})
    settings.NUVEMSHOP_CLIENT_SECRET = ""
    assert post(client, raw, signature).status_code == 401


@pytest.mark.django_db
def test_a_repeat_of_a_pending_event_is_stored_once(client, suspended, monkeypatch):
    monkeypatch.setattr("integrations.nuvemshop.tasks.queue_webhook_event", lambda event: None)
    raw, signature = signed({"store_id": 555, "event": "order/paid", "id": 77})
    assert post(client, raw, signature).json() == {"status": "stored"}
    assert post(client, raw, signature).json() == {"status": "duplicate"}
    assert WebhookEvent.objects.count() == 1


@pytest.mark.django_db
def test_events_for_unknown_stores_are_acknowledged_and_ignored(client):
    raw, signature = signed({"store_id": 999, "event": "order/paid", "id": 1})
    assert post(client, raw, signature).json() == {"status": "ignored"}
    assert not WebhookEvent.objects.exists()


# --- over loopback, with the sandbox sending -------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_paid_order_arrives_by_webhook_as_a_pending_sale(gestor_client, store):
    integration = installed_integration(gestor_client, store)
    order = sandbox.create_order(store)
    [(url, status)] = sandbox.mark_paid(order)
    assert status == 200 and url.endswith(URL)
    sale = Sale.objects.get()
    assert sale.integration == integration and sale.external_id == str(order.order_id)
    assert sale.status == Sale.Status.REVIEW_PENDING
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED


@pytest.mark.django_db(transaction=True)
def test_duplicate_and_out_of_order_deliveries_make_one_sale(gestor_client, store):
    installed_integration(gestor_client, store)
    order = sandbox.create_order(store)
    sandbox.send_webhook(store, "order/updated", order.order_id)  # before payment: skipped, not paid
    assert ImportRecord.objects.get().reason_code == "not_paid"
    sandbox.mark_paid(order)
    sandbox.send_webhook(store, "order/paid", order.order_id)
    sandbox.send_webhook(store, "order/updated", order.order_id)
    assert Sale.objects.count() == 1
    assert ImportRecord.objects.get().status == ImportRecord.Status.IMPORTED
    # Within the repeat window order/paid is counted on its row; an order/updated after the first
    # was handled may be news (a change right after another) and is handled once more.
    rows = sorted(WebhookEvent.objects.values_list("event", "deliveries"))
    assert rows == [("order/paid", 2), ("order/updated", 1), ("order/updated", 1)]


@pytest.mark.django_db(transaction=True)
def test_app_uninstalled_disconnects_with_reason_and_when(gestor_client, store):
    integration = installed_integration(gestor_client, store)
    [(_url, status)] = sandbox.uninstall(store)
    assert status == 200
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED
    assert "desinstalado" in integration.disconnected_reason and integration.disconnected_at is not None
    assert not integration.may_import


@pytest.mark.django_db(transaction=True)
def test_an_order_cancelled_after_import_cancels_the_pending_sale(gestor_client, store):
    installed_integration(gestor_client, store)
    order = sandbox.create_order(store, paid=True)
    sandbox.send_webhook(store, "order/paid", order.order_id)
    sandbox.cancel_order(order)
    sale = Sale.objects.get()
    assert sale.status == Sale.Status.CANCELLED
    assert "Loja da Ana (Nuvemshop): o pedido 101 foi cancelado na loja em" in sale.notes


@pytest.mark.django_db(transaction=True)
def test_an_order_cancelled_after_the_sale_was_confirmed_is_flagged(gestor_client, gestor, store):
    installed_integration(gestor_client, store)
    order = sandbox.create_order(store, paid=True)
    sandbox.send_webhook(store, "order/paid", order.order_id)
    confirm_sale(Sale.objects.get(), gestor)
    sandbox.cancel_order(order)
    sale = Sale.objects.get()
    assert sale.status == Sale.Status.CONFIRMED
    assert "o pedido 101 foi cancelado na loja em" in sale.attention_reason
    assert "depois que esta venda foi confirmada" in sale.attention_reason


@pytest.mark.django_db(transaction=True)
def test_a_suspended_store_is_not_called_at_all_until_app_resumed(gestor_client, store):
    """The store's guideline: while the app is suspended, stop calling; app/resumed says it is back."""
    integration = installed_integration(gestor_client, store)
    sandbox.suspend_app(store)
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.SUSPENDED
    assert not integration.may_import and not Integration.objects.importable().exists()

    def requests_reaching_the_store() -> int:
        store.refresh_from_db()
        return store.requests_served + store.requests_rejected

    before = requests_reaching_the_store()
    order = sandbox.create_order(store, paid=True)  # its order/paid webhook arrives too
    sandbox.send_webhook(store, "order/paid", order.pk)
    run = importing.sync_integration(integration)
    assert importing.import_single_order(integration, str(order.pk)) is None
    assert tasks.import_all_enabled() == 0
    # The order the webhook announced is in the import log, saying why it did not come in yet.
    arrived = ImportRecord.objects.get(integration=integration, store_order_id=str(order.pk))
    assert arrived.status == ImportRecord.Status.SKIPPED and "suspensa" in arrived.reason
    failed = ImportRecord.objects.create(
        integration=integration, store_order_id="other-1", status=ImportRecord.Status.FAILED, reason="falhou"
    )
    assert services.retry_imports([failed]).queued == 0
    # "Importar agora" answers why instead of queuing; the card and the page say it too.
    pressed = gestor_client.post(reverse("integrations:import_now", args=[integration.pk]), follow=True)
    assert SUSPENDED_NOTE in pressed.content.decode() and "Nada foi importado." in pressed.content.decode()
    assert not ImportRun.objects.exclude(pk=run.pk).exists()
    assert SUSPENDED_NOTE in gestor_client.get(reverse("integrations:list")).content.decode()
    assert requests_reaching_the_store() == before
    assert run.status == ImportRun.Status.SKIPPED and not Sale.objects.exists()

    sandbox.resume_app(store)
    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.CONNECTED

    assert importing.sync_integration(integration).imported == 1
    assert requests_reaching_the_store() > before and Sale.objects.count() == 1


@pytest.mark.django_db
def test_a_repeat_of_an_event_pending_for_long_is_handed_to_the_workers_again(client, suspended, monkeypatch):
    queued = []
    monkeypatch.setattr("integrations.nuvemshop.tasks.queue_webhook_event", queued.append)
    raw, signature = signed({"store_id": 555, "event": "order/paid", "id": 77})
    post(client, raw, signature)
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=10))
    assert post(client, raw, signature).json() == {"status": "requeued"}
    assert len(queued) == 2 and queued[0].pk == queued[1].pk
    assert WebhookEvent.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_handling_deliveries_of_the_same_order_at_once_make_one_sale(gestor_client, store):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from integrations.nuvemshop import webhooks

    integration = installed_integration(gestor_client, store)
    order = sandbox.create_order(store, paid=True)
    events = [
        WebhookEvent.objects.create(integration=integration, event=name, resource_id=str(order.order_id))
        for name in ("order/paid", "order/updated", "order/created")
    ]

    def worker(event):
        try:
            return webhooks.handle(WebhookEvent.objects.select_related("integration").get(pk=event.pk)).status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(pool.map(worker, events))
    assert statuses == [WebhookEvent.Status.PROCESSED] * 3
    assert Sale.objects.count() == 1
    assert ImportRecord.objects.get().status == ImportRecord.Status.IMPORTED
