"""{% load money %}: the formatting helpers of core.formatting as template filters."""

from decimal import Decimal

from django import template

from core.formatting import brl, format_quantity, unit_price

register = template.Library()
register.filter("brl", brl)


@register.filter
def quantity(value):
    """A stored quantity without its trailing zeros (see format_quantity); empty for None."""
    if value is None or value == "":
        return ""
    return format_quantity(Decimal(value))


register.filter("unit_price", unit_price)
