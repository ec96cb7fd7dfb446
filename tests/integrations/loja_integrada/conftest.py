import copy
import gc
import json
from pathlib import Path

import pytest

from sandboxes.loja_integrada import store as sandbox

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict:
    """One of the store's documented examples (a fresh copy each time)."""
    return copy.deepcopy(json.loads((FIXTURES / f"lojaintegrada_{name}.json").read_text(encoding="utf-8")))


@pytest.fixture
def sandbox_api(live_server, settings):
    """The client pointed at the sandbox over loopback; the client-side limiter off (the sandbox
    still enforces the store's own limit), retries without long backoff."""
    settings.LOJA_INTEGRADA_API_URL = f"{live_server.url}/sandbox/loja-integrada/v1"
    settings.STORE_RATE_LIMIT_ENABLED = False
    settings.STORE_HTTP_BACKOFF = 0.01
    yield settings.LOJA_INTEGRADA_API_URL
    # Close the clients' keep-alive sockets while the live server still shares its connection:
    # a server thread left waiting on one would otherwise end after the test, on a database
    # connection that is no longer shared with it.
    gc.collect()


@pytest.fixture
def sandbox_store(transactional_db):
    return sandbox.create_store("Loja sandbox", api_key="chave-sandbox-0001")
