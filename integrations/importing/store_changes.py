"""The store's later word on orders already imported: applied to the sale, once.

Every run reads the orders the store changed since its cursor, imported or not, and a webhook
fetches its order again: both hand an imported order here (orders.import_orders, import_fetched).
What the store now says about the order's money (StoreState, mapped by each store's mapper from
its own codes) is compared with what was last applied, kept on the ImportRecord:

- money gone back (cancelled, refunded, voided, charged back): a sale still pending is cancelled
  with the reason and when; a confirmed sale is flagged for the clerk, who may reverse it; a sale
  already cancelled stays as it is;
- partially refunded: the sale is flagged with the amount; the books are not changed;
- paid again after any of those (a chargeback won): flagged; the order is never imported twice;
- anything else (awaiting payment, in dispute) changes nothing.

Applied once: the record is row-locked while its change is applied and remembers the state, so
the same state read again or delivered ten times is no news (no audit entry, no second note).
Provider-agnostic; the books change through sales services only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.formatting import brl
from sales import services as sales_services
from sales.models import Sale

from ..models import ImportRecord, Integration
from ..order_source import FetchedOrder
from ..store_order import MONEY_GONE_BACK, StoreState

# What happened to the money, as said in a note ("The store says order 123 …").
_WHAT = {
    StoreState.CANCELLED: lambda: _("was cancelled"),
    StoreState.REFUNDED: lambda: _("was refunded"),
    StoreState.VOIDED: lambda: _("had its payment voided"),
    StoreState.CHARGED_BACK: lambda: _("was charged back"),
}


@dataclass(frozen=True)
class StoreWord:
    """What the store now says about an imported order's money."""

    state: StoreState
    label: str
    refunded_amount: Decimal | None = None
    changed_at: object = None  # the store's last change (aware datetime), when known

    @classmethod
    def of(cls, fetched: FetchedOrder) -> StoreWord | None:
        if not fetched.store_state:
            return None  # unreadable: nothing to say
        amount = fetched.refunded_amount
        return cls(
            state=StoreState(fetched.store_state),
            label=fetched.status_label,
            refunded_amount=amount.quantize(Decimal("0.01")) if amount is not None else None,
            changed_at=fetched.updated_at,
        )


def applied_state(record: ImportRecord) -> StoreState:
    """What was last applied to the record's sale; an order is imported paid."""
    return StoreState(record.store_state) if record.store_state else StoreState.PAID


def is_news(record: ImportRecord, word: StoreWord | None) -> bool:
    """Whether the store's word changes anything for this imported order (in memory, no query)."""
    if word is None or word.state == StoreState.AWAITING:
        return False
    before = applied_state(record)
    if word.state == before:
        partial = word.state == StoreState.PARTIALLY_REFUNDED
        return partial and word.refunded_amount != record.store_refunded_amount
    # Gone back once already (cancelled, then refunded): its effect is there; nothing new to do.
    return not (word.state in MONEY_GONE_BACK and before in MONEY_GONE_BACK)


def apply_store_changes(integration: Integration, changes: list[tuple[ImportRecord, FetchedOrder]]) -> None:
    """Apply each imported order's news (see is_news), each in its own transaction."""
    for record, fetched in changes:
        apply_store_change(integration, record, fetched)


def apply_store_change(integration: Integration, record: ImportRecord, fetched: FetchedOrder) -> ImportRecord:
    """What the store now says about this imported order, applied to its sale once (see the
    module's docstring); returns the record."""
    word = StoreWord.of(fetched)
    if not is_news(record, word):
        return record
    with transaction.atomic():
        locked = ImportRecord.objects.select_for_update(of=("self",)).select_related("sale").get(pk=record.pk)
        if locked.sale is None or not is_news(locked, word):
            return locked  # another delivery applied it a moment ago
        before = applied_state(locked)
        _apply(integration, locked, locked.sale, word, before)
        locked.store_state = word.state
        locked.store_refunded_amount = word.refunded_amount
        if word.changed_at is not None:
            locked.store_updated_at = word.changed_at
        locked.save(update_fields=["store_state", "store_refunded_amount", "store_updated_at"])
    return locked


def _apply(
    integration: Integration, record: ImportRecord, sale: Sale, word: StoreWord, before: StoreState
) -> None:
    when = _when(word)
    context = {
        "store": str(integration),
        "number": record.store_order_number or record.store_order_id,
        "when": when,
        "status": word.label or word.state,
    }
    if word.state == StoreState.PAID:
        note = _(
            "%(store)s: order %(number)s is paid again at the store (%(status)s) on %(when)s; it was "
            "%(before)s before. It is not imported again: check this sale."
        ) % {**context, "before": _state_name(before)}
        sales_services.flag_store_change(sale, note=note)
    elif word.state == StoreState.PARTIALLY_REFUNDED:
        amount = brl(word.refunded_amount) if word.refunded_amount is not None else _("an amount not stated")
        note = _(
            "%(store)s: %(amount)s of order %(number)s was refunded at the store on %(when)s "
            "(partial refund). The books were not changed: adjust or reverse the sale if needed."
        ) % {**context, "amount": amount}
        sales_services.flag_store_change(sale, note=note)
    elif sale.status == Sale.Status.REVIEW_PENDING:
        reason = _("%(store)s: order %(number)s %(what)s at the store on %(when)s (%(status)s).") % {
            **context,
            "what": _WHAT[word.state](),
        }
        try:
            sales_services.cancel_sale(sale, user=None, reason=reason)
        except sales_services.SaleNotPending:
            # Confirmed (or cancelled) by a clerk a moment ago: what the store said still holds.
            sale.refresh_from_db()
            _apply(integration, record, sale, word, before)
    elif sale.status == Sale.Status.CONFIRMED:
        note = _(
            "%(store)s: order %(number)s %(what)s at the store on %(when)s (%(status)s), after this "
            "sale was confirmed. Reverse the sale (estorno) if the money went back."
        ) % {**context, "what": _WHAT[word.state]()}
        sales_services.flag_store_change(sale, note=note)
    # A sale already cancelled (by a clerk, or reversed) has nothing left to undo.


def _when(word: StoreWord) -> str:
    moment = word.changed_at or timezone.now()
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _state_name(state: StoreState) -> str:
    names = {
        StoreState.PAID: _("paid"),
        StoreState.AWAITING: _("awaiting payment"),
        StoreState.CANCELLED: _("cancelled"),
        StoreState.REFUNDED: _("refunded"),
        StoreState.VOIDED: _("voided"),
        StoreState.CHARGED_BACK: _("charged back"),
        StoreState.PARTIALLY_REFUNDED: _("partially refunded"),
    }
    return names[state]
