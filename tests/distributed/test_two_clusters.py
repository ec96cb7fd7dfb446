"""Two `qcluster` processes on Redis + PostgreSQL import three sandbox stores (served by
live_server) and end with exactly what one worker makes of the same orders."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from integrations.importing import sync_integration
from integrations.models import Integration
from sales.models import Sale
from sandboxes.loja_integrada import store as sandbox
from tests.integrations.factories import IntegrationFactory
from tests.invariants import assert_books_consistent
from tests.processes import stop_process_group

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PONTE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
ORDERS_PER_STORE = 8
STORES = 3


def _redis_or_skip():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except Exception as error:
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {error}")
    return client


pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="several worker processes need PostgreSQL (the test database must be shared)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _start_cluster(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _outcome(integration) -> list[tuple]:
    """What an import made of a store, independent of ids: per sale its order, total and items."""
    return [
        (
            sale.external_id,
            sale.status,
            sale.total_amount,
            tuple((i.details, i.quantity, i.unit_price) for i in sale.items.order_by("position")),
        )
        for sale in Sale.objects.filter(integration=integration).order_by("external_id")
    ]


def _store_pair(index: int, start):
    """Two sandbox stores with the same orders: one for the clusters, one for a single worker."""
    pair = []
    for role in ("cluster", "single"):
        store = sandbox.create_store(f"Loja {index} {role}", api_key=f"chave-{index}-{role}-0000")
        for n in range(ORDERS_PER_STORE):
            sandbox.add_paid_order(
                store,
                numero=1000 + n,
                placed_at=start + timedelta(minutes=n),
                items=[
                    {"nome": f"Produto {index}-{n % 3}", "sku": "", "quantidade": "2.00", "preco": "10.50"}
                ],
            )
        sandbox.add_order(store, situacao="aguardando_pagamento", numero=2000, placed_at=start)
        pair.append(
            IntegrationFactory(
                name=store.name, credential=store.api_key, activated_at=start - timedelta(days=1)
            )
        )
    return pair


def test_two_clusters_import_three_stores_like_one_worker(live_server, settings, tmp_path):
    redis_client = _redis_or_skip()
    redis_client.flushdb()  # only this test's Redis database
    settings.LOJA_INTEGRADA_API_URL = f"{live_server.url}/sandbox/loja-integrada/v1"
    settings.STORE_RATE_LIMIT_ENABLED = False
    start = timezone.now() - timedelta(hours=3)
    pairs = [_store_pair(index, start) for index in range(STORES)]

    # The reference: one worker, in this process.
    for _cluster, single in pairs:
        assert sync_integration(single).status == "done"
    Integration.objects.filter(pk__in=[single.pk for _c, single in pairs]).update(enabled=False)

    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEY),
        "SECRET_KEY": "distributed-test-shared-secret-key-0123456789",
        "LOJA_INTEGRADA_API_URL": settings.LOJA_INTEGRADA_API_URL,
        "LOJA_INTEGRADA_APP_KEY": settings.LOJA_INTEGRADA_APP_KEY,
        "STORE_RATE_LIMIT_ENABLED": "false",
        "Q_WORKERS": "2",
        "DEBUG": "false",
    }
    clusters = [_start_cluster(env, tmp_path / f"cluster{i}.log") for i in range(2)]
    try:
        Schedule.objects.create(
            name="distributed-test-import",
            func="integrations.tasks.import_all_enabled",
            schedule_type=Schedule.ONCE,
            next_run=timezone.now(),
        )
        expected = STORES * ORDERS_PER_STORE
        deadline = time.monotonic() + 90
        cluster_integrations = [cluster for cluster, _single in pairs]
        while time.monotonic() < deadline:
            if Sale.objects.filter(integration__in=cluster_integrations).count() >= expected:
                break
            assert all(c.poll() is None for c in clusters), "a qcluster died: see its log in " + str(tmp_path)
            time.sleep(0.5)
        time.sleep(2)  # anything doubled would show up now
    finally:
        for cluster in clusters:
            stop_process_group(cluster)
    logs = "\n".join((tmp_path / f"cluster{i}.log").read_text(errors="replace")[-2000:] for i in range(2))

    for cluster, single in pairs:
        assert _outcome(cluster) == _outcome(single), logs
        assert len(_outcome(cluster)) == ORDERS_PER_STORE, logs
        assert all(total == Decimal("21.00") + Decimal("21.38") for _id, _s, total, _i in _outcome(cluster))
    assert_books_consistent()
    assert all(c.poll() is not None for c in clusters)
