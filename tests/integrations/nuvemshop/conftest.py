"""The Nuvemshop sandbox on live_server, with Ponte's NUVEMSHOP_* URLs pointing at it."""

import gc
from urllib.parse import parse_qs, urlsplit

import pytest

from integrations.models import Integration
from sandboxes.nuvemshop import services as sandbox


@pytest.fixture
def nuvemshop_sandbox(live_server, settings):
    """Real HTTP over loopback: Ponte's client → the sandbox, the sandbox's webhooks → Ponte."""
    base = live_server.url
    settings.PUBLIC_BASE_URL = base
    settings.NUVEMSHOP_AUTHORIZE_URL = f"{base}/sandbox/nuvemshop/apps/{{app_id}}/authorize"
    settings.NUVEMSHOP_TOKEN_URL = f"{base}/sandbox/nuvemshop/apps/authorize/token"
    settings.NUVEMSHOP_API_URL = f"{base}/sandbox/nuvemshop/v1"
    settings.STORE_HTTP_RETRIES = 1
    yield base
    # Close the clients' idle keep-alive connections now, while the live server still shares its
    # in-memory database with its request threads; closed later, a thread ending would touch it
    # from the wrong thread.
    gc.collect()


@pytest.fixture
def store(nuvemshop_sandbox):
    return sandbox.create_store(name="Loja da Ana", store_id=817495)


def start(client) -> str:
    """Press "Conectar com Nuvemshop"; returns the state the store will send back."""
    response = client.post("/integrations/nuvemshop/connect/")
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)["state"][0]


def press_install(client, store, state: str, *, action: str = "install") -> str:
    """The merchant presses Instalar (or Cancelar) on the store's page; returns the callback path+query."""
    response = client.post(
        "/sandbox/nuvemshop/apps/4321/authorize", {"store": store.pk, "state": state, "action": action}
    )
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    assert parts.path == "/integrations/nuvemshop/callback/"
    return f"{parts.path}?{parts.query}"


def install(client, store):
    """The whole install through the views; returns the callback's response."""
    return client.get(press_install(client, store, start(client)))


def installed_integration(client, store) -> Integration:
    response = install(client, store)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Integration.objects.get(provider="nuvemshop", store_id=str(store.store_id))
