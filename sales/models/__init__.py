"""The sales app's models, one module per job; every name is importable from `sales.models`."""

from .bulk_confirmation import BulkConfirmation
from .receivables import Receipt, Receivable
from .sales import (
    CENT,
    EARLIEST_SALE_DATE,
    FIRST_DUE_MAX_AHEAD,
    MAX_INSTALLMENTS,
    SALE_DATE_MAX_AHEAD,
    Sale,
    SaleItem,
    SaleNumber,
    SaleReversal,
    first_due_date_problem,
    sale_date_problem,
    to_cents,
)

__all__ = [
    "CENT",
    "EARLIEST_SALE_DATE",
    "FIRST_DUE_MAX_AHEAD",
    "MAX_INSTALLMENTS",
    "SALE_DATE_MAX_AHEAD",
    "BulkConfirmation",
    "Receipt",
    "Receivable",
    "Sale",
    "SaleItem",
    "SaleNumber",
    "SaleReversal",
    "first_due_date_problem",
    "sale_date_problem",
    "to_cents",
]
