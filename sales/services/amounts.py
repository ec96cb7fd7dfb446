"""What a sale adds up to: the items, and the total the database checks (items + freight − discount)."""

from collections.abc import Iterable
from decimal import Decimal

from ..models import Sale, to_cents


def items_amount(lines: Iterable) -> Decimal:
    """Sum of each line's quantity × unit price, each line rounded to the cent."""
    return sum((to_cents(line.quantity * line.unit_price) for line in lines), Decimal("0.00"))


def set_amounts(sale: Sale, *, items: Decimal) -> Sale:
    """Set the sale's items amount and its total, items + freight − discount, each to the cent (in memory)."""
    sale.items_amount = items
    sale.shipping_amount = to_cents(sale.shipping_amount)
    sale.discount_amount = to_cents(sale.discount_amount)
    sale.total_amount = sale.items_amount + sale.shipping_amount - sale.discount_amount
    return sale
