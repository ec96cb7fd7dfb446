"""Money and quantities as a pt-BR reader expects them, for templates, admin columns and messages."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format


def brl(value):
    """R$ 1.234,56 (negative: -R$ 1.234,56); empty for None."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    text = number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"-R$ {text}" if amount < 0 else f"R$ {text}"


def format_quantity(value: Decimal) -> str:
    """2 rather than 2,000; 1,5 rather than 1,500 (quantities are stored with three decimals)."""
    normalised = value.normalize()
    places = max(0, -normalised.as_tuple().exponent)
    return number_format(normalised, decimal_pos=places, use_l10n=True)


def unit_price(value):
    """A unit price: R$ 11,10 as money, but R$ 11,1234 when the store priced it past the cent."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if amount == amount.quantize(Decimal("0.01")):
        return brl(amount)
    text = number_format(abs(amount.normalize()), use_l10n=True, force_grouping=True)
    return f"-R$ {text}" if amount < 0 else f"R$ {text}"
