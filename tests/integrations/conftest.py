import pytest

from integrations import providers
from tests.integrations import fake_source


@pytest.fixture
def fake_store(monkeypatch):
    """Every integration reads its orders from an in-memory FakeStore: `fake_store(integration)`."""
    monkeypatch.setattr(
        providers.Provider,
        "order_source",
        lambda _provider, integration: fake_source.order_source(integration),
    )
    # Nor is the store asked for anything else before a run (Nuvemshop's webhook subscriptions).
    monkeypatch.setattr(providers.Provider, "prepare_run", lambda _provider, integration: None)
    fake_source.reset()
    yield fake_source.store_for
    fake_source.reset()


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked `postgres` prove row locks, which SQLite does not have (select_for_update is a no-op)."""
    if request.node.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks; SQLite serialises writers instead")
