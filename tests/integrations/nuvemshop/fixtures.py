"""The official documentation's examples (copied from /shared/fixtures), and BRL orders built on them."""

import copy
import json
from pathlib import Path

HERE = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((HERE / f"nuvemshop_{name}.json").read_text())


def order_v1() -> dict:
    return load("order_v1")[0]


def order_2025() -> dict:
    return load("order_2025-03")


def brl_order(order_id: int = 9001, *, created_at: str, payment_status: str = "paid", **changes) -> dict:
    """The v1 example as a Brazilian paid order (BRL, a CPF), with the given id and dates."""
    order = copy.deepcopy(order_v1())
    order.update(
        id=order_id,
        number=order_id - 8000 if order_id > 8000 else order_id,
        currency="BRL",
        created_at=created_at,
        updated_at=created_at,
        paid_at=created_at if payment_status == "paid" else None,
        payment_status=payment_status,
    )
    order["customer"]["identification"] = "52998224725"
    order["customer"]["name"] = "João da Silva"
    order.update(changes)
    return order
