"""What a store's own ids look like, checked before anything (a URL, a row, a query) uses one.

Both stores number their orders and stores with plain integers (Nuvemshop 450789469, Loja
Integrada 1234). An id is taken as a JSON integer or a string of ASCII digits, at most 20 of them
(every 64-bit number); null, booleans, objects, floats (NaN, 1e400), signs, spaces and paths such
as "../webhooks" are refused.
"""

from __future__ import annotations

from .errors import InvalidStoreId

MAX_DIGITS = 20


def store_id_or_none(value) -> str | None:
    """The id as its canonical digits ("0042" stays "0042": the store's own spelling), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value) if value >= 0 else ""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_DIGITS:
        return None
    return value if value.isascii() and value.isdigit() else None


def checked_store_id(value, *, what: str = "order") -> str:
    """The id, or InvalidStoreId naming what it was meant to be."""
    checked = store_id_or_none(value)
    if checked is None:
        raise InvalidStoreId(f"not a store {what} id: {str(value)[:40]!r}")
    return checked
