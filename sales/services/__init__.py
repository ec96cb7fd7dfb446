"""The sales app's services, one module per job along a sale's way; every public name is importable
from here (`from sales.services import confirm_sale`), the names other tools rely on included.

    drafts             new sales in Revisão pendente (the import, the demo, the tests)
    review             the clerk's edits while pending: terms, freight/discount, a line's product
    confirmation       confirm one or many: receivables, stock out, audit (one implementation)
    bulk_confirmation  "Confirmar vendas selecionadas": the queued job and its progress
    cancellation       cancel a pending sale
    amounts, refusals  what a sale adds up to; why an operation is refused
"""

from .amounts import items_amount, set_amounts
from .bulk_confirmation import run_bulk_confirmation, start_bulk_confirmation
from .cancellation import cancel_sale
from .confirmation import (
    CONFIRM_CHUNK,
    ConfirmOutcome,
    Installment,
    confirm_sale,
    confirm_sale_with_terms,
    confirm_sales,
    installment_plan,
)
from .drafts import ItemLine, SaleDraft, allocate_sale_numbers, create_sale, create_sales
from .refusals import InsufficientStock, SaleError, SaleHasNoItems, SaleNotPending, ensure_pending
from .review import (
    MAX_INSTALLMENTS,
    ProductSwap,
    flag_for_attention,
    flag_store_change,
    replace_item_product,
    save_sale_changes,
    update_sale_terms,
)

__all__ = [
    "CONFIRM_CHUNK",
    "MAX_INSTALLMENTS",
    "ConfirmOutcome",
    "Installment",
    "InsufficientStock",
    "ItemLine",
    "ProductSwap",
    "SaleDraft",
    "SaleError",
    "SaleHasNoItems",
    "SaleNotPending",
    "allocate_sale_numbers",
    "cancel_sale",
    "confirm_sale",
    "confirm_sale_with_terms",
    "confirm_sales",
    "create_sale",
    "create_sales",
    "ensure_pending",
    "flag_for_attention",
    "flag_store_change",
    "installment_plan",
    "items_amount",
    "replace_item_product",
    "run_bulk_confirmation",
    "save_sale_changes",
    "set_amounts",
    "start_bulk_confirmation",
    "update_sale_terms",
]
