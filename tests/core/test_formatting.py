from decimal import Decimal

import pytest
from django.template import Context, Template

from core.formatting import brl, format_quantity


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "R$ 1.234,50"),
        (Decimal("-1234.56"), "-R$ 1.234,56"),
        ("0", "R$ 0,00"),
        (None, ""),
        ("not money", "not money"),
    ],
)
def test_money_reads_as_brazilian_reais(value, shown):
    assert brl(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(Decimal("2.000"), "2"), (Decimal("1.500"), "1,5"), (Decimal("1234.000"), "1.234")]
)
def test_quantities_lose_their_trailing_zeros(value, shown):
    assert format_quantity(value) == shown


def test_the_template_filters_are_the_same_helpers():
    rendered = Template(
        "{% load money %}{{ price|brl }} / {{ qty|quantity }} / [{{ none|quantity }}]"
    ).render(Context({"price": Decimal("10"), "qty": Decimal("1.500"), "none": None}))
    assert rendered == "R$ 10,00 / 1,5 / []"
