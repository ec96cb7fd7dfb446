"""Two workers importing the same store at the same moment (PostgreSQL: real row locks)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from integrations import importing
from integrations.importing import sync_integration
from integrations.loja_integrada.source import LojaIntegradaSource
from integrations.models import ImportRecord, Integration
from sales.models import Sale
from sandboxes.loja_integrada import store as sandbox
from tests.concurrency import run_together_or_raise
from tests.integrations.factories import IntegrationFactory


@pytest.fixture
def needs_postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a no-op on SQLite; run with DATABASE_URL=postgres://…")


@pytest.mark.postgres
def test_two_workers_walking_the_same_store_make_one_sale_per_order(
    needs_postgres, sandbox_api, sandbox_store
):
    integration = IntegrationFactory(
        credential=sandbox_store.api_key, activated_at=timezone.now() - timedelta(days=1)
    )
    orders = [sandbox.add_paid_order(sandbox_store) for _ in range(10)]

    def worker():
        # The whole walk and pipeline, without the sync's lease: the pipeline alone must hold.
        mine = Integration.objects.get(pk=integration.pk)
        for page in LojaIntegradaSource(mine).pages(None):
            importing.orders.import_orders(mine, page.orders)

    run_together_or_raise(worker, worker)

    assert Sale.objects.filter(integration=integration).count() == len(orders)
    assert ImportRecord.objects.filter(integration=integration, status="imported").count() == len(orders)


@pytest.mark.postgres
def test_two_syncs_at_once_one_runs_the_other_steps_aside(needs_postgres, sandbox_api, sandbox_store):
    integration = IntegrationFactory(
        credential=sandbox_store.api_key, activated_at=timezone.now() - timedelta(days=1)
    )
    for _ in range(5):
        sandbox.add_paid_order(sandbox_store)
    runs = []

    def worker():
        runs.append(sync_integration(Integration.objects.get(pk=integration.pk)))

    run_together_or_raise(worker, worker)

    assert Sale.objects.filter(integration=integration).count() == 5
    assert sorted(run.status for run in runs) in (["done", "done"], ["done", "skipped"])
