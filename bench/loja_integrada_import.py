"""Import N Loja Integrada orders from the sandbox and print orders/s and queries per order.

    python bench/loja_integrada_import.py [--orders 500] [--database sqlite|postgres]
    python bench/loja_integrada_import.py --orders 2000 --store-limits [--rate-per-minute 600]

`--store-limits` keeps the store's limit on: the sandbox answers 429 past `--rate-per-minute`
requests in a minute (100, the store's; a larger figure scales the store and Ponte's limiter
together, so 2,000 orders take minutes instead of twenty), and Ponte's shared limiter paces the
client under it (state in the database, as without Redis). It prints the requests made, the 429s,
and the fraction of the allowed request rate the run used: requests ÷ (limit × wall time).

Without it:

Runs on a throw-away test database (SQLite file, or `test_<name>` on PostgreSQL) with the
sandbox served by a live server thread over loopback, the client-side rate limiter off
(STORE_RATE_LIMIT_ENABLED=False) and the sandbox's own 100/min limit off: it measures Ponte
(HTTP client, mapper, pipeline, database), not the store's budget. Queries are those of the
importing worker only (the sandbox's own queries run on the server thread's connection).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from datetime import timedelta

from _common import add_database_argument, machine, sandbox_server, setup_django, test_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument(
        "--store-limits", action="store_true", help="keep the store's limit and Ponte's limiter on"
    )
    parser.add_argument(
        "--rate-per-minute", type=int, default=100, help="with --store-limits: the store's limit"
    )
    add_database_argument(parser)
    args = parser.parse_args()
    setup_django(args.database)
    with test_database(), sandbox_server(own_process=args.store_limits) as base_url:
        limit = args.rate_per_minute if args.store_limits else None
        import_through_the_sandbox(args.orders, base_url, limit_per_minute=limit)


def import_through_the_sandbox(orders: int, base_url: str, *, limit_per_minute: int | None = None) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from integrations import importing, ratelimit
    from integrations.importing import sync_integration
    from integrations.loja_integrada.client import LojaIntegradaClient
    from integrations.models import ImportRecord, Integration
    from sales.models import Sale
    from sandboxes.loja_integrada import store as sandbox

    settings.LOJA_INTEGRADA_API_URL = f"{base_url}/sandbox/loja-integrada/v1"
    settings.STORE_RATE_LIMIT_ENABLED = limit_per_minute is not None
    if limit_per_minute is None:
        store = sandbox.create_store("Bench", enforce_rate_limit=False)
    else:
        store = sandbox.create_store("Bench", rate_limit=limit_per_minute, rate_window_seconds=60)
        ratelimit.LOJA_INTEGRADA_RATE = ratelimit.StoreRate.per_window(limit_per_minute, 60)
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
    # Every answer's status and when its request went, as the client saw them.
    answers: list[tuple[float, int]] = []
    send = LojaIntegradaClient._send

    def counted_send(self, url, params):
        sent_at = time.perf_counter()
        response = send(self, url, params)
        answers.append((sent_at, response.status_code))
        return response

    LojaIntegradaClient._send = counted_send
    load_before = os.getloadavg()
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        run = sync_integration(integration, budget_seconds=24 * 3600)  # one whole import, no time budget
    elapsed = time.perf_counter() - began
    load_after = os.getloadavg()

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
    if limit_per_minute is not None:
        allowed = limit_per_minute / 60 * elapsed
        refused = sum(1 for _sent, status in answers if status == 429)
        print(f"store limit: {limit_per_minute} a minute; Ponte's limiter: {ratelimit.LOJA_INTEGRADA_RATE}")
        print(
            f"requests made: {len(answers)} (minimum: {orders} details + the search pages); 429s: {refused}"
        )
        print(
            f"allowed request rate used: {len(answers)} of {allowed:.0f} allowed in {elapsed:.1f} s"
            f" -> {100 * len(answers) / allowed:.1f} %"
        )
        print(
            "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(
                *load_before, *load_after
            )
        )


if __name__ == "__main__":
    main()
