"""NF-e drafts of N confirmed sales (3 items each): drafts/s, and the zip of them streamed.

    python bench/nfe_drafts.py --sales 1000 [--database sqlite|postgres]

On a throw-away test database: N pending sales are generated in bulk (as bench/confirm.py does)
and confirmed with the bulk-confirm service; customers get a billing address, products an NCM,
and the company its fiscal data. Then, timed: every sale's draft is built with nfelib, numbered
and checked against the official schema (`fiscal.services.nfe_drafts`), and the zip of all of
them is streamed (`stream_drafts_zip`) into a counter, never held whole: the bench prints its
size and the largest piece handed to the web server at once.
"""

from __future__ import annotations

import argparse
import time

from _common import add_database_argument, machine, setup_django, test_database
from confirm import pending_sales


def make_ready() -> None:
    from stdnum.br import cpf

    from catalog.models import Product
    from customers.models import Customer
    from tests.fiscal.factories import company_ready

    company_ready()
    for n, customer in enumerate(Customer.objects.order_by("pk")):
        base = f"{100000000 + n * 7919:09d}"
        Customer.objects.filter(pk=customer.pk).update(
            document=base + cpf._calc_check_digits(base), document_kind="cpf"
        )
    Customer.objects.update(
        street="Rua das Flores",
        street_number="123",
        district="Centro",
        postal_code="02960030",
        city="São Paulo",
        city_code="3550308",
        state="SP",
    )
    Product.objects.update(ncm="61091000", unit="UN")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=1000)
    add_database_argument(parser)
    args = parser.parse_args()
    setup_django(args.database)

    from django.contrib.auth import get_user_model

    with test_database():
        from fiscal.services import NfeDraft, nfe_drafts, stream_drafts_zip
        from sales.models import Sale
        from sales.services import confirm_sales

        pending_sales(args.sales)
        from catalog.models import StockSettings

        StockSettings.objects.update(check_stock_on_sale=False)
        confirm_sales(Sale.objects.order_by("pk"), get_user_model().objects.create_user("bench-clerk"))
        make_ready()
        confirmed = Sale.objects.filter(status=Sale.Status.CONFIRMED)
        assert confirmed.count() == args.sales, confirmed.count()

        started = time.perf_counter()
        drafts = [draft for draft in nfe_drafts(confirmed) if isinstance(draft, NfeDraft)]
        first = time.perf_counter() - started
        assert len(drafts) == args.sales

        started = time.perf_counter()
        size = biggest = pieces = 0
        for piece in stream_drafts_zip(confirmed):
            size += len(piece)
            biggest = max(biggest, len(piece))
            pieces += 1
        zipped = time.perf_counter() - started

    print(machine())
    print(f"database: {args.database}; {args.sales} confirmed sales of 3 items")
    print(f"drafts (first time, numbers taken): {first:.2f} s = {args.sales / first:.0f} drafts/s")
    print(
        f"zip streamed (numbers already taken): {zipped:.2f} s = {args.sales / zipped:.0f} drafts/s; "
        f"{size / 1024:.0f} KiB in {pieces} pieces, largest {biggest / 1024:.1f} KiB"
    )


if __name__ == "__main__":
    main()
