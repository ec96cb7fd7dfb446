"""Import N Loja Integrada orders from the sandbox and print orders/s and queries per order.

    python bench/loja_integrada_import.py [--orders 500] [--database sqlite|postgres]

Runs on a throw-away test database (SQLite file, or `test_<name>` on PostgreSQL) with the
sandbox served by a live server thread over loopback, the client-side rate limiter off
(STORE_RATE_LIMIT_ENABLED=False) and the sandbox's own 100/min limit off: it measures Ponte
(HTTP client, mapper, pipeline, database), not the store's budget. Queries are those of the
importing worker only (the sandbox's own queries run on the server thread's connection).
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import timedelta

from _common import add_database_argument, machine, sandbox_server, setup_django, test_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    add_database_argument(parser)
    args = parser.parse_args()
    setup_django(args.database)
    with test_database(), sandbox_server() as base_url:
        import_through_the_sandbox(args.orders, base_url)


def import_through_the_sandbox(orders: int, base_url: str) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from integrations import importing
    from integrations.importing import sync_integration
    from integrations.models import ImportRecord, Integration
    from sales.models import Sale
    from sandboxes.loja_integrada import store as sandbox

    settings.LOJA_INTEGRADA_API_URL = f"{base_url}/sandbox/loja-integrada/v1"
    settings.STORE_RATE_LIMIT_ENABLED = False

    store = sandbox.create_store("Bench", enforce_rate_limit=False)
    seller = get_user_model().objects.create_user("bench")
    start = timezone.now() - timedelta(hours=1)
    products = [f"Produto {n}" for n in range(40)]
    for n in range(orders):
        sandbox.add_paid_order(
            store,
            placed_at=start + timedelta(seconds=n),
            customer={**sandbox.DEFAULT_CUSTOMER, "nome": f"Cliente {n % 150}"},
            items=[
                {
                    "nome": products[(n + k) % len(products)],
                    "sku": "",
                    "quantidade": "1.00",
                    "preco": "10.00",
                }
                for k in range(1 + n % 3)
            ],
            freight="21.38",
        )
    integration = Integration.objects.create(
        provider=Integration.Provider.LOJA_INTEGRADA,
        name="Bench",
        credential=store.api_key,
        activated_at=start - timedelta(minutes=1),
        seller=seller,
    )

    logging.disable(logging.WARNING)  # the sandbox's own request log
    # Time spent in the pipeline (database side), apart from waiting for the store.
    in_pipeline = [0.0]
    import_orders = importing.orders.import_orders

    def timed_import_orders(*args_, **kwargs):
        started = time.perf_counter()
        try:
            return import_orders(*args_, **kwargs)
        finally:
            in_pipeline[0] += time.perf_counter() - started

    importing.orders.import_orders = timed_import_orders
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        run = sync_integration(integration)
    elapsed = time.perf_counter() - began

    imported = ImportRecord.objects.filter(integration=integration, status="imported").count()
    failed = list(ImportRecord.objects.exclude(status="imported").values_list("reason", flat=True)[:3])
    assert imported == orders == Sale.objects.count(), (run.status, run.error, imported, failed)
    store.refresh_from_db()
    print(machine())
    print(f"orders imported: {imported} in {elapsed:.2f} s -> {imported / elapsed:.1f} orders/s")
    print(f"HTTP requests to the sandbox: {store.requests_served}")
    print(
        f"of which in the pipeline: {in_pipeline[0]:.2f} s -> {imported / in_pipeline[0]:.1f} orders/s, "
        f"{1000 * in_pipeline[0] / imported:.1f} ms/order"
    )
    print(f"queries by the importer: {len(queries)} -> {len(queries) / imported:.1f} per order")


if __name__ == "__main__":
    main()
