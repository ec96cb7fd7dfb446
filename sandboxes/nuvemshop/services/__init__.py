"""What the fake Nuvemshop does, one module per part of the store; every public name is importable
from here (`from sandboxes.nuvemshop import services as sandbox; sandbox.create_order(…)`).

    install   a store, its app install (code → token), suspension, resumption, uninstall
    orders    orders on the official v1 example's shape, and what happens to them afterwards
    limits    the store's leaky bucket, and the faults a test switches on
    webhooks  signed webhooks to the URLs the app registered
"""

from .install import (
    CODE_LIFETIME,
    TokenAnswer,
    create_store,
    exchange_code,
    issue_code,
    resume_app,
    suspend_app,
    uninstall,
)
from .limits import Slot, change_between_pages, force_answers, take_forced_status, take_page_change, take_slot
from .orders import (
    DEFAULT_CUSTOMER,
    DEFAULT_ITEMS,
    PAYMENTS,
    cancel_order,
    charge_back,
    create_order,
    mark_paid,
    orders_query,
    privacy_request,
    refund_order,
    store_timestamp,
    touch_order,
    void_order,
)
from .webhooks import ponte_webhook_url, register_webhook, send_webhook, sign

__all__ = [
    "CODE_LIFETIME",
    "DEFAULT_CUSTOMER",
    "DEFAULT_ITEMS",
    "PAYMENTS",
    "Slot",
    "TokenAnswer",
    "cancel_order",
    "change_between_pages",
    "charge_back",
    "create_order",
    "create_store",
    "exchange_code",
    "force_answers",
    "issue_code",
    "mark_paid",
    "orders_query",
    "ponte_webhook_url",
    "privacy_request",
    "refund_order",
    "register_webhook",
    "resume_app",
    "send_webhook",
    "sign",
    "store_timestamp",
    "suspend_app",
    "take_forced_status",
    "take_page_change",
    "take_slot",
    "touch_order",
    "uninstall",
    "void_order",
]
