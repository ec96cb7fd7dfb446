"""The sales app's services, one module per job along a sale's way; every public name is importable
from here (`from sales.services import confirm_sale`), the names other tools rely on included.

    drafts             new sales in Revisão pendente (the import, the demo, the tests)
    review             the clerk's edits while pending: terms, freight/discount, a line's product
    confirmation       confirm one or many: receivables, stock out, audit (one implementation)
    bulk_confirmation  "Confirmar vendas selecionadas": the queued job and its progress
    cancellation       cancel a pending sale
    store_terms        the store's payment as the sale's terms ("Usar pagamento da loja")
    receipts           receipts (baixas) of receivables: register, undo, register in bulk
    reversal           reverse (estornar) a confirmed sale: receivables cancelled, stock back in
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
from .receipts import (
    BulkReceiptOutcome,
    ReceiptError,
    ReceiptNotAllowed,
    register_full_receipts,
    register_receipt,
    undo_receipt,
)
from .refusals import (
    DueDatesOutOfRange,
    InsufficientStock,
    SaleError,
    SaleHasNoItems,
    SaleNotPending,
    ensure_pending,
)
from .reversal import ReceivablesAlreadyReceived, ReversalOutcome, SaleNotReversible, reverse_sale
from .review import (
    MAX_INSTALLMENTS,
    ProductSwap,
    flag_for_attention,
    flag_store_change,
    replace_item_product,
    save_sale_changes,
    update_sale_terms,
)
from .store_terms import StoreTermsOutcome, store_payment_terms, use_store_payment, use_store_payment_for

__all__ = [
    "CONFIRM_CHUNK",
    "MAX_INSTALLMENTS",
    "BulkReceiptOutcome",
    "ConfirmOutcome",
    "DueDatesOutOfRange",
    "Installment",
    "InsufficientStock",
    "ItemLine",
    "ProductSwap",
    "ReceiptError",
    "ReceiptNotAllowed",
    "ReceivablesAlreadyReceived",
    "ReversalOutcome",
    "SaleDraft",
    "SaleError",
    "SaleHasNoItems",
    "SaleNotPending",
    "SaleNotReversible",
    "StoreTermsOutcome",
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
    "register_full_receipts",
    "register_receipt",
    "replace_item_product",
    "reverse_sale",
    "run_bulk_confirmation",
    "save_sale_changes",
    "set_amounts",
    "start_bulk_confirmation",
    "store_payment_terms",
    "undo_receipt",
    "update_sale_terms",
    "use_store_payment",
    "use_store_payment_for",
]
