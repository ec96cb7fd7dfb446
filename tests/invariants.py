"""The books' invariants, checked after faults and races. `assert_books_consistent()` lists every
breach at once, so a failing test says everything that went wrong, not only the first thing."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from catalog.models import Product
from integrations.models import ImportRecord
from sales.models import Sale, SaleReversal


def breaches() -> list[str]:
    """Every invariant the database currently breaks, in words."""
    found = []
    # Confirmed sales: their receivables (not cancelled) add up to the total; other sales have none
    # standing (a reversed sale's are all cancelled).
    standing = ~Q(receivables__status="cancelled")
    for sale in Sale.objects.annotate(receivable_sum=Sum("receivables__amount", filter=standing)):
        booked = sale.receivable_sum or Decimal("0.00")
        if sale.status == Sale.Status.CONFIRMED and booked != max(sale.total_amount, Decimal("0.00")):
            found.append(f"sale {sale.number}: receivables {booked} != total {sale.total_amount}")
        if sale.status != Sale.Status.CONFIRMED and booked:
            found.append(f"sale {sale.number} is {sale.status} but has receivables {booked}")
    # Confirmed sales: one stock movement out per item; a reversed sale also one back in per item;
    # sales never confirmed have none.
    for sale in Sale.objects.annotate(
        items_n=Count("items", distinct=True),
        outs=Count("stock_movements", filter=Q(stock_movements__kind="sale_out"), distinct=True),
        ins=Count("stock_movements", filter=Q(stock_movements__kind="sale_reversal_in"), distinct=True),
    ):
        reversed_ = SaleReversal.objects.filter(sale=sale).exists()
        expected_out = sale.items_n if sale.status == Sale.Status.CONFIRMED or reversed_ else 0
        expected_in = sale.items_n if reversed_ else 0
        if (sale.outs, sale.ins) != (expected_out, expected_in):
            found.append(
                f"sale {sale.number} ({sale.status}): {sale.outs} stock movements out and {sale.ins} in, "
                f"expected {expected_out} and {expected_in}"
            )
    # Stock equals the sum of the movements.
    for product in Product.objects.annotate(moved=Sum("stock_movements__quantity")):
        if product.stock_quantity != (product.moved or 0):
            found.append(
                f"product {product.pk}: stock {product.stock_quantity} != movements {product.moved or 0}"
            )
    # One sale per store order.
    doubled = (
        Sale.objects.exclude(integration=None)
        .values("integration_id", "external_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    found += [f"store order {row['external_id']} has {row['n']} sales" for row in doubled]
    # No sale from a store without its ImportRecord, and it names that same order.
    for sale in Sale.objects.exclude(integration=None).filter(import_record__isnull=True):
        found.append(f"sale {sale.number} from store order {sale.external_id} has no import record")
    for record in ImportRecord.objects.exclude(sale=None).select_related("sale"):
        if (record.sale.integration_id, record.sale.external_id) != (
            record.integration_id,
            record.store_order_id,
        ):
            found.append(f"import record {record.pk} points at another order's sale {record.sale.number}")
    # No ImportRecord pointing nowhere: imported means it has its sale, and only then.
    for record in ImportRecord.objects.filter(Q(status=ImportRecord.Status.IMPORTED, sale=None)):
        found.append(f"import record {record.pk} ({record.store_order_id}) is imported without a sale")
    return found


def assert_books_consistent() -> None:
    problems = breaches()
    assert not problems, "\n".join(problems)
