"""Import N Loja Integrada orders from the sandbox and print orders/s and queries per order.

    python bench/loja_integrada_import.py [--orders 500]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ponte_bench python bench/loja_integrada_import.py

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
import socket
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # A file, not memory: the server thread then has its own connection, and its queries
        # are not counted as the importer's.
        settings.DATABASES["default"]["TEST"]["NAME"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")

    from django.db import connection
    from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler, _StaticFilesHandler
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)

    class NoDelayHandler(QuietWSGIRequestHandler):
        # wsgiref writes headers and body in separate sends; with Nagle on, the client's delayed
        # ACK adds ~40 ms to every request, which would be measured as the importer's time.
        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    class SandboxServer(LiveServerThread):
        def _create_server(self, connections_override=None):
            return self.server_class(
                (self.host, self.port), NoDelayHandler, allow_reuse_address=False,
                connections_override=connections_override,
            )  # fmt: skip

    server = SandboxServer("127.0.0.1", _StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from integrations import pipeline
        from integrations.loja_integrada.sandbox import store as sandbox
        from integrations.models import ImportRecord, Integration
        from integrations.sync import sync_integration
        from sales.models import Sale

        settings.LOJA_INTEGRADA_API_URL = f"http://127.0.0.1:{server.port}/sandbox/loja-integrada/v1"
        settings.STORE_RATE_LIMIT_ENABLED = False
        settings.DEBUG = False

        store = sandbox.create_store("Bench", enforce_rate_limit=False)
        seller = get_user_model().objects.create_user("bench")
        start = timezone.now() - timedelta(hours=1)
        products = [f"Produto {n}" for n in range(40)]
        for n in range(args.orders):
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
                # Whole reais: on SQLite the sales CHECK constraint adds money as floats, and
                # 20.00 + 21.38 fails it (reported to the sales owner); the bench measures speed.
                freight="20.00",
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
        import_orders = pipeline.import_orders

        def timed_import_orders(*args_, **kwargs):
            started = time.perf_counter()
            try:
                return import_orders(*args_, **kwargs)
            finally:
                in_pipeline[0] += time.perf_counter() - started

        pipeline.import_orders = timed_import_orders
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            run = sync_integration(integration)
        elapsed = time.perf_counter() - began

        imported = ImportRecord.objects.filter(integration=integration, status="imported").count()
        failed = list(ImportRecord.objects.exclude(status="imported").values_list("reason", flat=True)[:3])
        assert imported == args.orders == Sale.objects.count(), (run.status, run.error, imported, failed)
        store.refresh_from_db()
        vendor = connection.vendor
        print(f"database: {vendor} {connection.pg_version if vendor == 'postgresql' else ''}".rstrip())
        print(f"orders imported: {imported} in {elapsed:.2f} s -> {imported / elapsed:.1f} orders/s")
        print(f"HTTP requests to the sandbox: {store.requests_served}")
        print(
            f"of which in the pipeline: {in_pipeline[0]:.2f} s -> {imported / in_pipeline[0]:.1f} orders/s, "
            f"{1000 * in_pipeline[0] / imported:.1f} ms/order"
        )
        print(f"queries by the importer: {len(queries)} -> {len(queries) / imported:.1f} per order")
    finally:
        server.terminate()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
