# The store sandboxes on live_server, as their own tests set them up.
from tests.integrations.loja_integrada.conftest import sandbox_api, sandbox_store  # noqa: F401
from tests.integrations.nuvemshop.conftest import nuvemshop_sandbox  # noqa: F401
