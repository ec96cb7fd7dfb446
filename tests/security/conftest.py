from tests.integrations.loja_integrada.conftest import sandbox_api, sandbox_store  # noqa: F401
