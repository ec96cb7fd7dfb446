"""A store refusing, failing or answering garbage never puts the API key in the logs."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.importing import sync_integration
from integrations.models import ImportRun
from sandboxes.loja_integrada import store as sandbox
from tests.integrations.factories import IntegrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("fault", [None, 500, 401, 429])
def test_the_api_key_never_reaches_the_logs_or_the_run(sandbox_api, sandbox_store, caplog, fault):
    caplog.set_level(logging.DEBUG)  # urllib3 and requests included
    sandbox.add_paid_order(sandbox_store)
    integration = IntegrationFactory(
        credential=sandbox_store.api_key, activated_at=timezone.now() - timedelta(days=1)
    )
    if fault:
        sandbox.set_faults(sandbox_store, fault)
    run = sync_integration(integration)
    integration.refresh_from_db()
    assert run.status in {ImportRun.Status.DONE, ImportRun.Status.FAILED, ImportRun.Status.RETRY_LATER}
    key = sandbox_store.api_key
    assert caplog.records, "nothing logged: the test would prove nothing"
    assert key not in caplog.text
    assert key not in f"{run.error} {integration.last_sync_error} {integration.disconnected_reason}"
