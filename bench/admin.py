"""The clerks' screens with N sales in the database: query count and median response time.

    python bench/admin.py --sales 1000000 [--import-records 1000000] [--database sqlite|postgres]
        [--repeat 5] [--explain]

On a throw-away test database, N sales of 3 items are generated with INSERT ... SELECT over a
recursive row counter (the same SQL on SQLite and PostgreSQL; a million sales in about a minute):
sale dates spread over three years, one sale in ten pending review and the rest confirmed, half
of them from a store integration (with their import records), customers one per five sales;
`--import-records N` adds failed and skipped import records of that integration (no sale) up to N.
Then, as a logged-in manager through Django's test client (no HTTP server), each screen is
fetched once to warm the caches and `--repeat` times measured: the pending queue, the sales
list with a filter and each kind of search, a sale's review page, the integrations page and an
integration's page. Each screen prints its queries and median wall time, with the median time
spent in the database driver and this process's CPU time (on a shared machine, wall time also
counts the time other processes held the cores). `--explain` prints the slowest statement of
each screen with its plan.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from _common import add_database_argument, machine, setup_django, test_database

DAYS = 3 * 365
PRODUCTS = 100


def rows(count: int) -> str:
    """A recursive CTE `n(x)` counting 1..count; valid on SQLite and PostgreSQL."""
    return f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count})"


def other_columns(model, named: str) -> tuple[str, str]:
    """The model's NOT NULL columns an INSERT below does not name (fields added since it was
    written), with their defaults: `(", col, …", ", value, …")`, so the load keeps up with the models."""
    import json

    given = {name.strip() for name in named.split(",")}
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.column in given or field.has_db_default():
            continue
        default = field.get_default()
        if isinstance(default, bool):
            value = "TRUE" if default else "FALSE"
        elif isinstance(default, int | float):
            value = str(default)
        elif isinstance(default, dict | list):
            value = "'" + json.dumps(default) + "'"
        else:
            value = "'" + str(default or "").replace("'", "''") + "'"
        columns.append(field.column)
        values.append(value)
    return "".join(f", {c}" for c in columns), "".join(f", {v}" for v in values)


def generate(count: int, *, seller, integration, today, import_records: int | None = None) -> None:
    """`count` sales (and their items, customers, import records) in a handful of statements."""
    from django.db import connection

    from catalog.models import Product
    from sales.models import SaleNumber

    vendor = connection.vendor
    SaleNumber.objects.update_or_create(pk=1, defaults={"last_number": count})

    def days_before(days_sql: str) -> str:
        if vendor == "postgresql":
            return f"(DATE '{today.isoformat()}' - ({days_sql})::integer)"
        return f"date('{today.isoformat()}', '-' || ({days_sql}) || ' days')"

    def timestamp(date_sql: str) -> str:
        if vendor == "postgresql":
            return f"({date_sql} + TIME '12:00')::timestamptz"
        return f"({date_sql} || ' 15:00:00')"

    def text(number_sql: str) -> str:
        return f"CAST({number_sql} AS {'text' if vendor == 'postgresql' else 'TEXT'})"

    customers = max(50, count // 5)
    Product.objects.bulk_create(
        Product(description=f"Produto {n}", sale_price=10, stock_quantity=10**6) for n in range(PRODUCTS)
    )
    first_product = Product.objects.order_by("pk").values_list("pk", flat=True).first()
    first_names = ["ana", "bruno", "carla", "daniel", "elisa", "fabio", "gabriela", "hugo", "iris", "joao"]
    surnames = ["silva", "souza", "oliveira", "santos", "lima", "pereira", "costa", "almeida"]
    first_case = " ".join(f"WHEN {n} THEN '{name}'" for n, name in enumerate(first_names))
    surname_case = " ".join(f"WHEN {n} THEN '{name}'" for n, name in enumerate(surnames))
    name_key = (
        f"(CASE x % {len(first_names)} {first_case} END) || ' ' || "
        f"(CASE (x / {len(first_names)}) % {len(surnames)} {surname_case} END) || ' ' || {text('x')}"
    )
    now = timestamp(days_before("0"))
    from customers.models import Customer
    from integrations.models import ImportRecord
    from sales.models import Sale, SaleItem

    customer_more = other_columns(
        Customer,
        "name, name_key, document, document_kind, email, business_phone, mobile_phone, origin, created_at, "
        "updated_at",
    )
    sale_more = other_columns(
        Sale,
        "number, status, customer_id, seller_id, sale_date, payment_method, installments, first_due_date, "
        "items_amount, shipping_amount, discount_amount, total_amount, notes, integration_id, external_id, "
        "external_number, attention_reason, confirmed_by_id, confirmed_at, created_at, updated_at",
    )
    item_more = other_columns(SaleItem, "sale_id, position, product_id, details, quantity, unit_price")
    record_more = other_columns(
        ImportRecord,
        "integration_id, store_order_id, store_order_number, status, reason_code, reason, attempts, "
        "first_seen_at, last_attempt_at, payload, sale_id",
    )
    with connection.cursor() as cursor:
        # Every other customer has a CPF: 11 digits (the bench needs their shape, not their check digits).
        cursor.execute(
            f"""{rows(customers)}
            INSERT INTO customers_customer (name, name_key, document, document_kind, email, business_phone,
                mobile_phone, origin, created_at, updated_at{customer_more[0]})
            SELECT {name_key}, {name_key},
                CASE WHEN x % 2 = 0 THEN {text(f"{10**10} + x")} ELSE '' END,
                CASE WHEN x % 2 = 0 THEN 'cpf' ELSE '' END, '', '', '',
                CASE WHEN x % 3 = 0 THEN 'import' ELSE 'manual' END, {now}, {now}{customer_more[1]}
            FROM n"""
        )
        cursor.execute("SELECT MIN(id) FROM customers_customer")
        (first_customer,) = cursor.fetchone()
        sale_date = days_before(f"({count} - x) * {DAYS} / {count}")
        pending = "x % 10 = 0"
        from_store = "x % 2 = 0"
        cursor.execute(
            f"""{rows(count)}
            INSERT INTO sales_sale (number, status, customer_id, seller_id, sale_date, payment_method,
                installments, first_due_date, items_amount, shipping_amount, discount_amount, total_amount,
                notes, integration_id, external_id, external_number, attention_reason, confirmed_by_id,
                confirmed_at, created_at, updated_at{sale_more[0]})
            SELECT x,
                CASE WHEN {pending} THEN 'review_pending' ELSE 'confirmed' END,
                {first_customer} + ((x % {customers}) * 97) % {customers}, {seller.pk}, {sale_date},
                'boleto', 2, {sale_date}, 30, 5, 0, 35, '',
                CASE WHEN {from_store} THEN {integration.pk} END,
                CASE WHEN {from_store} THEN {text("x")} ELSE '' END,
                CASE WHEN {from_store} THEN {text("100000 + x")} ELSE '' END, '',
                CASE WHEN {pending} THEN NULL ELSE {seller.pk} END,
                CASE WHEN {pending} THEN NULL ELSE {timestamp(sale_date)} END,
                {timestamp(sale_date)}, {timestamp(sale_date)}{sale_more[1]}
            FROM n"""
        )
        cursor.execute(
            f"""INSERT INTO sales_saleitem (sale_id, position, product_id, details, quantity,
                unit_price{item_more[0]})
            SELECT s.id, k.position, {first_product} + (s.number + k.position) % {PRODUCTS}, '', 1,
                10{item_more[1]}
            FROM sales_sale s CROSS JOIN (SELECT 1 AS position UNION ALL SELECT 2 UNION ALL SELECT 3) k"""
        )
        cursor.execute(
            f"""INSERT INTO integrations_importrecord (integration_id, store_order_id, store_order_number,
                status, reason_code, reason, attempts, first_seen_at, last_attempt_at, payload,
                sale_id{record_more[0]})
            SELECT integration_id, external_id, external_number, 'imported', '', '', 1, created_at,
                created_at, '{{}}', id{record_more[1]}
            FROM sales_sale WHERE integration_id IS NOT NULL"""
        )
        extra = (import_records or 0) - count // 2
        if extra > 0:
            cursor.execute(
                f"""{rows(extra)}
                INSERT INTO integrations_importrecord (integration_id, store_order_id, store_order_number,
                    status, reason_code, reason, attempts, first_seen_at, last_attempt_at,
                    payload{record_more[0]})
                SELECT {integration.pk}, 'x' || {text("x")}, {text("x")},
                    CASE WHEN x % 2 = 0 THEN 'failed' ELSE 'skipped' END, 'bench', 'bench', 1,
                    {now}, {now}, '{{}}'{record_more[1]}
                FROM n"""
            )
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--import-records", type=int, help="import records of the integration (default: one per store sale)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print each screen's slowest statement and plan"
    )
    add_database_argument(parser)
    args = parser.parse_args()
    setup_django(args.database)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    with test_database():
        from customers.models import Customer
        from integrations.models import Integration
        from sales.models import Sale

        began = time.perf_counter()
        manager = get_user_model().objects.create_superuser("bench-gestor", "gestor@example.com", "x")
        integration = Integration.objects.create(
            provider=Integration.Provider.NUVEMSHOP, name="Loja bench", store_id="1", credential="x" * 20
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # The connection's own writes do not need the disk to agree after each one.
                cursor.execute("PRAGMA synchronous = OFF")
        generate(
            args.sales,
            seller=manager,
            integration=integration,
            today=timezone.localdate(),
            import_records=args.import_records,
        )
        generated = time.perf_counter() - began

        client = Client()
        client.force_login(manager)
        pending = Sale.objects.filter(status=Sale.Status.REVIEW_PENDING).order_by("-number").first()
        documented = Customer.objects.exclude(document="").order_by("pk")[100]
        recent = (timezone.localdate() - timedelta(days=3)).isoformat()
        changelist = "/admin/sales/sale/"
        store = f"integration__id__exact={integration.pk}"
        screens = {
            "pending queue": changelist,
            "all sales, newest first": f"{changelist}?status=all",
            "confirmed, integration filter": f"{changelist}?status=confirmed&{store}",
            "confirmed, since a date": f"{changelist}?status=confirmed&sale_date__gte={recent}",
            "search: customer name": f"{changelist}?status=all&q=Gabriela+Lima",
            "search: CPF (formatted)": f"{changelist}?status=all&q={documented.formatted_document}",
            "search: sale number": f"{changelist}?status=all&q={args.sales // 2}",
            "search: store order number": f"{changelist}?status=all&q={100_000 + args.sales // 2}",
            # Store sales are the even-numbered ones and go to odd-numbered customers (bruno, daniel…).
            "filter + search": f"{changelist}?status=confirmed&{store}&q=daniel",
            "review page": f"/admin/sales/sale/{pending.pk}/review/",
            "integrations page (chart)": "/integrations/",
            "integration page": f"/integrations/{integration.pk}/",
        }
        print(machine())
        from integrations.models import ImportRecord

        records = ImportRecord.objects.filter(integration=integration).count()
        print(f"sales: {args.sales}, import records: {records} (generated in {generated:.1f} s)")
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        for name, url in screens.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if "cl" in (response.context or {}):
                assert response.context["cl"].result_list, (name, "found nothing")
            times, cpu_times, database_times, statements = [], [], [], []
            for _ in range(args.repeat):
                statements = []

                def timed(execute, sql, params, many, context, statements=statements):
                    started = time.perf_counter()
                    try:
                        return execute(sql, params, many, context)
                    finally:
                        statements.append((time.perf_counter() - started, sql, params))

                with connection.execute_wrapper(timed):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    client.get(url)
                    times.append(time.perf_counter() - started)
                    cpu_times.append(time.process_time() - cpu_started)
                database_times.append(sum(seconds for seconds, _sql, _params in statements))
            print(
                f"{name:32s} {len(statements):3d} queries  median {1000 * statistics.median(times):7.1f} ms"
                f"  (in the database driver {1000 * statistics.median(database_times):6.1f} ms,"
                f" this process's CPU {1000 * statistics.median(cpu_times):6.1f} ms)"
            )
            if args.explain:
                seconds, sql, params = max(statements, key=lambda statement: statement[0])
                with connection.cursor() as cursor:
                    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
                    cursor.execute(prefix + sql, params)
                    plan = "\n      ".join(str(row[-1]) for row in cursor.fetchall())
                print(f"    slowest {1000 * seconds:.1f} ms: {sql[:300]}\n      {plan}")


if __name__ == "__main__":
    main()
