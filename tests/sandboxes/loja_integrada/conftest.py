# The Loja Integrada sandbox served on live_server, as the connector's tests use it.
from tests.integrations.loja_integrada.conftest import fixture, sandbox_api, sandbox_store  # noqa: F401
