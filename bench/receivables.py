"""The money side at scale: bulk receipts per second, the receivables list with its totals at N
receivables, and the export's peak memory.

    python bench/receivables.py --receivables 1000000 [--database sqlite|postgres] [--repeat 5]
        [--receipts 5000] [--export 100000]

On a throw-away test database, N receivables are generated with INSERT ... SELECT (bench/admin.py's
sales first, one receivable per confirmed sale, 3 years of due dates: what fell due more than
30 days ago is received, the rest open, so about 1 in 12 is open and a few of those overdue).
Then: "Registrar recebimento" (register_full_receipts) on `--receipts` open receivables, timed;
the receivables list (default, overdue, next 30 days, received this month, by integration, by
payment method, all) fetched `--repeat` times through Django's test client, with its query count
and median time; and the CSV and XLSX export of `--export` rows, with the process's peak memory
(tracemalloc for Python's allocations, and ru_maxrss growth for the whole process).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

from _common import add_database_argument, machine, setup_django, test_database
from admin import generate


def generate_receivables(today) -> None:
    from django.db import connection

    vendor = connection.vendor
    due = "(s.sale_date + 30)" if vendor == "postgresql" else "date(s.sale_date, '+30 days')"
    received = (
        f"{due} < DATE '{today.isoformat()}'" if vendor == "postgresql" else f"{due} < '{today.isoformat()}'"
    )
    with connection.cursor() as cursor:
        # The sales paid in four ways in turn, so filtering by one method keeps a quarter of them.
        cursor.execute(
            """UPDATE sales_sale SET payment_method = CASE number % 4 WHEN 0 THEN 'pix' WHEN 1 THEN 'boleto'
                WHEN 2 THEN 'credit_card' ELSE 'bank_transfer' END"""
        )
        # Due 30 days after the sale; received on the due date when that is past, except one in 50 (overdue).
        cursor.execute(
            f"""INSERT INTO sales_receivable (sale_id, number, due_date, amount, status, settled_amount,
                received_amount, fees_amount, interest_amount, received_on, created_at, payment_method,
                integration_id)
            SELECT s.id, 1, {due}, s.total_amount,
                CASE WHEN {received} AND s.number % 50 <> 0 THEN 'received' ELSE 'open' END,
                CASE WHEN {received} AND s.number % 50 <> 0 THEN s.total_amount ELSE 0 END,
                CASE WHEN {received} AND s.number % 50 <> 0 THEN s.total_amount ELSE 0 END, 0, 0,
                CASE WHEN {received} AND s.number % 50 <> 0 THEN {due} END, s.created_at, s.payment_method,
                s.integration_id
            FROM sales_sale s WHERE s.status = 'confirmed'"""
        )
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")


def timed_get(client, url, repeat):
    """Median wall time of the page, median time in the database (the statements' own time, which
    the machine's load inflates less than the rendering), and the most statements of a run."""
    from django.db import connection

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times, database, counts = [], [], []
    for _ in range(repeat):
        spent = []

        def timed(execute, *args, spent=spent):
            started = time.perf_counter()
            try:
                return execute(*args)
            finally:
                spent.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        database.append(sum(spent))
        counts.append(len(spent))
    return statistics.median(times), statistics.median(database), max(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receivables", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--receipts", type=int, default=5_000)
    parser.add_argument("--export", type=int, default=100_000)
    parser.add_argument("--explain", action="store_true", help="print each list's statements and times")
    parser.add_argument(
        "--keep",
        metavar="SQLITE_FILE",
        help="keep the test database and reuse it when it already holds receivables (SQLite: in this "
        "file; PostgreSQL: test_<database name>, the value is ignored)",
    )
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: receipts,list,export")
    add_database_argument(parser)
    args = parser.parse_args()
    setup_django(args.database)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    if args.keep and connection.vendor == "sqlite":
        settings.DATABASES["default"]["TEST"]["NAME"] = args.keep
    skip = set(args.skip.split(","))
    with test_database(keep=bool(args.keep)):
        from integrations.models import Integration
        from sales.models import Receivable

        today = timezone.localdate()
        began = time.perf_counter()
        if Receivable.objects.exists():
            manager = get_user_model().objects.get(username="bench-gestor")
            integration = Integration.objects.get(name="Loja bench")
        else:
            manager = get_user_model().objects.create_superuser("bench-gestor", "gestor@example.com", "x")
            integration = Integration.objects.create(
                provider=Integration.Provider.NUVEMSHOP, name="Loja bench", store_id="1", credential="x" * 20
            )
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA synchronous = OFF")
            # One receivable per confirmed sale, and nine sales in ten are confirmed.
            generate(round(args.receivables / 0.9), seller=manager, integration=integration, today=today)
            generate_receivables(today)
        total = Receivable.objects.count()
        opened = Receivable.objects.filter(status="open").count()
        print(machine())
        print(f"receivables: {total} ({opened} open), generated in {time.perf_counter() - began:.1f} s")

        if "receipts" not in skip:
            receive_in_bulk(args.receipts, manager, today)
        if "list" not in skip:
            measure_lists(args, manager, integration)
        if "export" not in skip:
            measure_exports(args.export)


def receive_in_bulk(count, manager, today) -> None:
    """Registrar recebimento on `count` open receivables, timed."""
    from sales.models import Receivable
    from sales.services.receipts import register_full_receipts

    chosen = list(Receivable.objects.filter(status="open").order_by("pk")[:count])
    started = time.perf_counter()
    outcome = register_full_receipts(chosen, received_on=today, user=manager)
    seconds = time.perf_counter() - started
    rate = outcome.received / seconds
    print(f"bulk receipt: {outcome.received} receivables in {seconds:.2f} s = {rate:,.0f}/s")


def measure_lists(args, manager, integration) -> None:
    """The list with its totals and due chart, under each filter: statements and median time."""
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(manager)
    base = "/admin/sales/receivable/"
    screens = {
        "open, due soonest (default)": base,
        "overdue": f"{base}?situacao=overdue",
        "next 30 days": f"{base}?situacao=next30",
        "received this month": f"{base}?recebidos=month",
        "open, by integration": f"{base}?integration__id__exact={integration.pk}",
        "open, by payment method": f"{base}?forma=boleto",
        "all": f"{base}?situacao=all",
        "received (all time)": f"{base}?situacao=received",
    }
    for name, url in screens.items():
        if args.explain:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            for query in captured.captured_queries:
                print(f"    {query['time']} {query['sql'][:200]}")
        median, in_database, queries = timed_get(client, url, args.repeat)
        print(
            f"list {name:30s} {queries:3d} queries  median {1000 * median:7.1f} ms"
            f"  (database {1000 * in_database:6.1f} ms)"
        )


def measure_exports(count: int) -> None:
    """The CSV and the XLSX of `count` received receivables: time and peak memory."""
    from sales import exports
    from sales.models import Receivable

    rows = Receivable.objects.filter(status="received").order_by("-received_on", "-pk")[:count]
    for label, write in [
        ("CSV", lambda qs: sum(len(line) for line in exports.csv_lines(exports.receivable_columns(),
                                                                       exports.receivable_rows(qs)))),
        ("XLSX", lambda qs: exports.xlsx_file(exports.receivable_columns(), exports.receivable_rows(qs),
                                              "Contas").seek(0, 2)),
    ]:  # fmt: skip
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        started = time.perf_counter()
        size = write(rows)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        print(
            f"export {label:4s} {count} rows: {size / 1e6:.1f} MB in {seconds:.1f} s, "
            f"peak Python allocations {peak / 1e6:.1f} MB, "
            f"process max RSS grew {rss_growth / 1e3:.1f} MB "
            f"(max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB)"
        )


if __name__ == "__main__":
    main()
