"""Bulk confirm N pending sales of 3 items each, as the admin action does: sales/s, queries/sale.

    python bench/confirm.py --sales 1000 [--database sqlite|postgres] [--profile] [--show-queries]

On a throw-away test database: N pending sales (3 items, 2 installments, stock check on) are
generated with bulk inserts, then `sales.services.confirm_sales` (the "Confirmar vendas
selecionadas" action's service: a transaction per chunk of sales, bulk inserts of the receivables,
stock movements and audit entries) confirms them all. Prints the machine, sales/s, queries per
sale and the time spent in the database driver (`--show-queries`: the slowest statements).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from decimal import Decimal

from _common import add_database_argument, machine, setup_django, test_database


def pending_sales(count: int, *, items: int = 3) -> None:
    """N pending sales of `items` items each, over 50 customers and 100 products, in bulk."""
    from django.contrib.auth import get_user_model

    from catalog.models import Product, StockSettings
    from customers.models import Customer
    from sales.models import Sale, SaleItem, SaleNumber

    seller = get_user_model().objects.create_user("bench-seller")
    customers = Customer.objects.bulk_create(Customer(name=f"Cliente {n}") for n in range(50))
    products = Product.objects.bulk_create(
        Product(description=f"Produto {n}", sale_price=10, stock_quantity=10**6) for n in range(100)
    )
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    price = Decimal("10.00")
    sales = Sale.objects.bulk_create(
        (
            Sale(
                number=n + 1,
                customer=customers[n % len(customers)],
                seller=seller,
                payment_method=Sale.PaymentMethod.BOLETO,
                installments=2,
                first_due_date=date.today(),
                items_amount=price * items,
                shipping_amount=Decimal("5.00"),
                total_amount=price * items + Decimal("5.00"),
            )
            for n in range(count)
        ),
        batch_size=1000,
    )
    SaleItem.objects.bulk_create(
        (
            SaleItem(
                sale=sale,
                position=k + 1,
                product=products[(n + k) % len(products)],
                quantity=1,
                unit_price=price,
            )
            for n, sale in enumerate(sales)
            for k in range(items)
        ),
        batch_size=1000,
    )
    SaleNumber.objects.update_or_create(pk=1, defaults={"last_number": count})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=1000)
    add_database_argument(parser)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of the confirm")
    parser.add_argument("--show-queries", action="store_true", help="print the 10 slowest statements")
    args = parser.parse_args()
    setup_django(args.database)

    from django.contrib.auth import get_user_model
    from django.db import connection

    with test_database():
        from sales.models import Receivable, Sale
        from sales.services import confirm_sales

        pending_sales(args.sales)
        clerk = get_user_model().objects.create_user("bench-clerk")
        queryset = Sale.objects.filter(status=Sale.Status.REVIEW_PENDING).order_by("pk")

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        queries = []

        def timed(execute, sql, *rest):
            started = time.perf_counter()
            try:
                return execute(sql, *rest)
            finally:
                queries.append((time.perf_counter() - started, sql))

        began = time.perf_counter()
        with connection.execute_wrapper(timed):
            outcomes = confirm_sales(queryset, clerk)
        elapsed = time.perf_counter() - began
        if profiler is not None:
            profiler.disable()

        confirmed = sum(outcome.confirmed for outcome in outcomes)
        assert confirmed == args.sales == Sale.objects.filter(status=Sale.Status.CONFIRMED).count(), [
            outcome.message for outcome in outcomes if not outcome.confirmed
        ][:3]
        assert Receivable.objects.count() == 2 * args.sales
        print(machine())
        print(f"sales: {args.sales} pending, 3 items, 2 installments, stock check on")
        print(f"bulk confirm: {elapsed:.2f} s -> {confirmed / elapsed:.0f} sales/s")
        print(f"queries: {len(queries)} -> {len(queries) / confirmed:.2f} per sale")
        database_time = sum(seconds for seconds, _sql in queries)
        print(f"time in the database driver: {database_time:.2f} s of {elapsed:.2f} s")
        if args.show_queries:
            for seconds, sql in sorted(queries, reverse=True)[:10]:
                print(f"{1000 * seconds:8.1f} ms  {sql[:150]}")
        if profiler is not None:
            import pstats

            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
