"""Import N paid Nuvemshop orders from the sandbox: orders/s end to end vs fetch-and-parse only.

    python bench/import.py --orders 1000 [--database sqlite|postgres] [--profile]
    python bench/import.py --orders 20000 --store-limits [--database sqlite|postgres]

`--store-limits` keeps the store's limit on: the sandbox's leaky bucket (40, draining 2 a second)
and Ponte's shared limiter (its state in the database, as on a machine without Redis). The
import can then take no less than the store allows: the first 40 requests at once, then 2 a
second, so R requests need (R − 40) / 2 s. The bench prints the wall time of the run against that
floor (for the requests it made, and for the fewest requests N orders need: one per 200), the
requests made and the 429s the store answered, peak RSS and the load average; it skips the
fetch-only pass (it would spend the bucket).

On a throw-away test database, the Nuvemshop sandbox serves N paid orders (200 a page, its rate
limit off, Ponte's limiter off) over loopback HTTP from a live server thread. Customers and
products are mixed: about a third already exist in Ponte before the run, the rest are new, and
customers and products repeat across orders. In the same run the bench first only fetches and
maps every page (HTTP + JSON + mapper, no database), then runs the real sync (HTTP + mapping +
pipeline + database). The ratio import/fetch is the figure to watch. Queries are those of the
importing worker only (the sandbox's run on the server thread's connection).
"""

from __future__ import annotations

import argparse
import copy
import logging
import math
import os
import re
import resource
import time
from datetime import timedelta

from _common import add_database_argument, machine, sandbox_server, setup_django, test_database

CUSTOMERS = 0.4  # distinct customers per order
PRODUCTS = 300  # distinct store products
TOKEN = "bench-token"  # noqa: S105 - the sandbox's, on a throw-away database


def cpf(n: int) -> str:
    """A valid CPF built from a number (the check digits computed)."""
    digits = [int(c) for c in f"{(n * 7919 + 100_000_000) % 1_000_000_000:09d}"]
    for length in (9, 10):
        total = sum(d * w for d, w in zip(digits, range(length + 1, 1, -1), strict=True))
        digits.append(0 if total % 11 < 2 else 11 - total % 11)
    return "".join(map(str, digits))


def seed_store(store, orders: int, start) -> None:
    """N paid orders in the sandbox, in bulk (the sandbox's own create_order gives the shape)."""
    from sandboxes.nuvemshop import services as sandbox
    from sandboxes.nuvemshop.models import SandboxOrder

    template = sandbox.create_order(store, paid=True, created_at=start).data
    SandboxOrder.objects.filter(store=store).delete()
    customers = max(1, int(orders * CUSTOMERS))
    rows = []
    for n in range(orders):
        placed = start + timedelta(seconds=n * 3600 / max(orders, 1) / 2)
        c = n % customers
        customer = {
            "name": f"Cliente Bench {c}",
            "email": f"cliente{c}@example.com.br",
            "identification": cpf(c),
            "phone": "+55 11 98765-4321",
        }
        products = []
        for k in range(1 + n % 3):
            p = (n * 7 + k * 13) % PRODUCTS
            products.append(
                {
                    "id": (store.store_id * 1_000_000 + n) * 10 + k,
                    "name": f"Produto bench {p}",
                    "price": "10.00",
                    "product_id": 50_000 + p,
                    "variant_id": str(70_000 + p),
                    "quantity": 1,
                    "sku": f"BENCH-{p}" if p % 2 else None,
                }
            )
        data = copy.deepcopy(template)
        stamp = sandbox.store_timestamp(placed)
        order_id = store.store_id * 1_000_000 + n
        subtotal = 10 * len(products)
        data.update(
            id=order_id,
            number=1000 + n,
            contact_name=customer["name"],
            contact_email=customer["email"],
            contact_identification=customer["identification"],
            billing_name=customer["name"],
            customer={"id": 900_000 + c, **customer},
            products=products,
            shipping_cost_customer="15.00",
            subtotal=f"{subtotal:.2f}",
            discount="0.00",
            total=f"{subtotal + 15:.2f}",
            created_at=stamp,
            updated_at=stamp,
            paid_at=stamp,
        )
        rows.append(
            SandboxOrder(
                store=store, order_id=order_id, data=data, payment_status="paid",
                created_at=placed.replace(microsecond=0), updated_at=placed.replace(microsecond=0),
            )
        )  # fmt: skip
        if len(rows) == 1000:  # in chunks, so seeding 100k orders does not set the peak memory
            SandboxOrder.objects.bulk_create(rows)
            rows = []
    SandboxOrder.objects.bulk_create(rows, batch_size=1000)


def seed_existing(integration, orders: int) -> None:
    """About a third of the customers and products exist in Ponte before the run."""
    from catalog.models import Product
    from customers.models import Customer

    customers = max(1, int(orders * CUSTOMERS))
    Customer.objects.bulk_create(
        [
            Customer(
                name=f"Cliente Bench {c}",
                document=cpf(c),
                document_kind="cpf",
                email=f"cliente{c}@example.com.br",
            )
            for c in range(0, customers, 3)
        ],
        batch_size=1000,
    )
    Product.objects.bulk_create(
        [
            Product(description=f"Produto bench {p}", sku=f"BENCH-{p}" if p % 2 else "", sale_price=10)
            for p in range(0, PRODUCTS, 3)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    add_database_argument(parser)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of the import")
    parser.add_argument("--profile-out", help="with --profile: also save the raw cProfile stats to this file")
    parser.add_argument("--show-queries", action="store_true", help="print the commonest query shapes")
    parser.add_argument(
        "--store-limits",
        action="store_true",
        help="keep the store's leaky bucket and Ponte's shared limiter on; print the time against the floor",
    )
    args = parser.parse_args()
    setup_django(args.database)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    with test_database(), sandbox_server(own_process=args.store_limits) as base:
        from integrations.importing import sync_integration
        from integrations.models import ImportRecord, Integration
        from integrations.nuvemshop.connect import WEBHOOK_EVENTS
        from integrations.nuvemshop.source import NuvemshopOrderSource
        from sales.models import Sale
        from sandboxes.nuvemshop import services as sandbox
        from sandboxes.nuvemshop.models import SandboxStore

        settings.NUVEMSHOP_API_URL = f"{base}/sandbox/nuvemshop/v1"
        settings.STORE_RATE_LIMIT_ENABLED = args.store_limits
        logging.disable(logging.WARNING)

        store = sandbox.create_store(name="Bench")
        if args.store_limits:
            SandboxStore.objects.filter(pk=store.pk).update(installed=True, access_token=TOKEN)
        else:
            SandboxStore.objects.filter(pk=store.pk).update(
                installed=True, access_token=TOKEN, bucket_size=10**9, drain_per_second=10**9
            )
        start = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
        seed_store(store, args.orders, start)
        integration = Integration.objects.create(
            provider=Integration.Provider.NUVEMSHOP,
            name="Bench",
            store_id=str(store.store_id),
            credential=TOKEN,
            activated_at=start - timedelta(minutes=1),
            seller=get_user_model().objects.create_user("bench"),
            # Installed through the connect page, its webhooks are subscribed: no run asks for them.
            subscribed_events=list(WEBHOOK_EVENTS),
        )
        seed_existing(integration, args.orders)

        if args.store_limits:
            return measure_against_the_floor(args, integration, store)

        # Fetch and parse only: the same pages, the same client and mapper, no pipeline.
        began = time.perf_counter()
        fetched = sum(len(page.orders) for page in NuvemshopOrderSource(integration).pages(since=None))
        fetch_only = time.perf_counter() - began
        # Past 10,000 orders the source walks halved time windows, whose boundary seconds are read
        # by both halves (the importer passes over what it already imported).
        assert fetched >= args.orders, fetched

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        began = time.perf_counter()
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
        ):
            run = sync_integration(integration)
        elapsed = time.perf_counter() - began
        if profiler is not None:
            profiler.disable()

        imported = ImportRecord.objects.filter(integration=integration, status="imported").count()
        failed = list(ImportRecord.objects.exclude(status="imported").values_list("reason", flat=True)[:3])
        assert imported == args.orders == Sale.objects.count(), (run.status, run.error, imported, failed)
        print(machine())
        print(f"orders: {args.orders} (200 a page; {fetched - args.orders} read twice at window boundaries)")
        print(f"import end to end: {elapsed:.2f} s -> {imported / elapsed:.0f} orders/s")
        print(f"fetch and parse only: {fetch_only:.2f} s -> {args.orders / fetch_only:.0f} orders/s")
        print(f"ratio import / fetch-and-parse: {elapsed / fetch_only:.2f}")
        print(f"queries by the importer: {len(queries)} -> {len(queries) / imported:.2f} per order")
        print(f"peak memory (RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        if args.show_queries:
            import collections

            shapes = collections.Counter(re.sub(r"\bIN \(.*?\)", "IN (…)", sql)[:160] for sql in queries)
            for sql, count in shapes.most_common(25):
                print(f"{count:6d}  {sql}")
        if profiler is not None:
            import pstats

            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            if args.profile_out:
                profiler.dump_stats(args.profile_out)


def floor_seconds(requests: int) -> float:
    """The least time the store's bucket allows `requests` in: 40 at once, then 2 a second."""
    return max(0, requests - 40) / 2


def measure_against_the_floor(args, integration, store) -> None:
    """The real sync with the store's limit on: wall time against the floor, requests, 429s."""
    from integrations.importing import sync_integration
    from integrations.models import ImportRecord
    from sales.models import Sale

    load_before = os.getloadavg()
    began, cpu_began = time.perf_counter(), time.process_time()
    # One whole import: without the run's time budget (under the task timeout), which on a busy
    # machine would leave the rest of 100k orders to the next scheduled run.
    run = sync_integration(integration, budget_seconds=24 * 3600)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    load_after = os.getloadavg()

    store.refresh_from_db()
    imported = ImportRecord.objects.filter(integration=integration, status="imported").count()
    sales = Sale.objects.count()
    every_once = imported == args.orders == sales == ImportRecord.objects.count()
    assert every_once and run.status == "done", (run.status, run.error, imported, sales)
    made, refused = store.requests_served, store.requests_rejected
    fewest = math.ceil(args.orders / 200)
    floor = floor_seconds(made)
    print(machine())
    print(f"orders: {args.orders}, each imported once: {every_once} (run {run.status})")
    print(f"wall time: {elapsed:.1f} s")
    ratio = f"ratio {elapsed / floor:.3f}" if floor else "within the burst: no floor"
    print(f"floor for the {made} requests made: {floor:.1f} s -> {ratio}")
    least = floor_seconds(fewest)
    print(
        f"requests made {made} vs the fewest {fewest} (one per 200 orders; floor {least:.1f} s"
        f" -> ratio {elapsed / max(least, 1e-9):.3f})"
    )
    print(f"429s answered by the store: {refused}")
    print(
        f"importer's CPU (both threads): {cpu:.1f} s -> {cpu / fewest:.3f} s a page"
        " (the store allows a page every 0.5 s after the burst)"
    )
    print(f"peak memory (RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(
        "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(
            *load_before, *load_after
        )
    )


if __name__ == "__main__":
    main()
