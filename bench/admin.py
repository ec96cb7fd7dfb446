"""The clerks' screens with N sales in the database: query count and median response time.

    python bench/admin.py --sales 10000 [--database sqlite|postgres] [--repeat 5]

On a throw-away test database, N sales of 3 items are generated with bulk inserts (a tenth pending
review, the rest confirmed, half of them from a store integration). Then, as a logged-in manager
through Django's test client (no HTTP server), each screen is fetched once to warm the caches and
`--repeat` times measured: the pending queue, the sales list with a filter and a search, a sale's
review page, the integrations page and an integration's page with its chart.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import add_database_argument, machine, setup_django, test_database
from confirm import pending_sales


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    add_database_argument(parser)
    args = parser.parse_args()
    setup_django(args.database)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    with test_database():
        from integrations.models import Integration
        from sales.models import Sale

        began = time.perf_counter()
        pending_sales(args.sales)
        manager = get_user_model().objects.create_superuser("bench-gestor", "gestor@example.com", "x")
        Sale.objects.filter(number__gt=args.sales // 10).update(
            status=Sale.Status.CONFIRMED, confirmed_by=manager, confirmed_at=timezone.now()
        )
        integration = Integration.objects.create(
            provider=Integration.Provider.NUVEMSHOP, name="Loja bench", store_id="1", credential="x" * 20
        )
        Sale.objects.filter(number__gt=args.sales // 2).update(
            integration=integration, external_id=Cast("number", CharField())
        )
        generated = time.perf_counter() - began

        client = Client()
        client.force_login(manager)
        pending = Sale.objects.filter(status=Sale.Status.REVIEW_PENDING).order_by("-number").first()
        screens = {
            "pending queue": "/admin/sales/sale/?status__exact=review_pending",
            "sales list, filter + search": "/admin/sales/sale/?status__exact=confirmed&q=Cliente+7",
            "review page": f"/admin/sales/sale/{pending.pk}/review/",
            "integrations page": "/integrations/",
            "integration page (chart)": f"/integrations/{integration.pk}/",
        }
        print(machine())
        print(f"sales: {args.sales} (generated in {generated:.1f} s)")
        for name, url in screens.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    client.get(url)
                    times.append(time.perf_counter() - started)
            print(f"{name:30s} {len(queries):3d} queries  median {1000 * statistics.median(times):7.1f} ms")


if __name__ == "__main__":
    main()
