"""Importing orders: store orders in, pending sales (or recorded reasons) out, a page at a time.

This is the design: one transaction per page, with each order isolated on failure. A page is
planned in memory (rules.plan_order, one order at a time) against what it needs from the
database, read in a few queries (read_set.PageLookups), then written in one transaction with
bulk inserts (unit_of_work.write_page): each order's customer, products, sale and ImportRecord.
Each order is planned on its own, so a bad order (unreadable, short of stock, an unexpected error)
fails alone, with a failed ImportRecord saying why, retried on later runs; nothing it would have
created is written or reused by the page's later orders. If writing the page fails (another worker
wrote one of its rows a moment ago, a value the database refuses), nothing of it stays and its
orders are imported again one by one, so the failure again stays with its own order.

Provider-agnostic: it sees StoreOrder, never store JSON. Idempotent: the ImportRecord of an order
is unique per integration and store order id, and so is a store order's sale; an order's record is
row-locked while it is written, so the same order twice, or from two workers at once, makes one
sale. An order already imported is never imported again: what the store now says about its money
goes to store_changes, which applies it to the sale once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.utils.translation import gettext as _

from ..models import ImportRecord, Integration
from ..order_source import FetchedOrder
from ..store_order import StoreOrder
from . import rules, store_changes
from .binder import records_of
from .read_set import PageLookups
from .unit_of_work import Outcome, record_outcome, write_page

logger = logging.getLogger(__name__)


def import_orders(integration: Integration, fetched: Iterable[FetchedOrder]) -> list[ImportRecord | None]:
    """Handle a page of orders: one record per order (None for those already imported).

    The page is planned and written as a whole (a few queries for the page, not per order);
    should writing it fail, its orders are imported one by one, each failing alone.
    """
    fetched = list(fetched)
    records = records_of(integration, [f.store_order_id for f in fetched])
    todo, changed, seen = [], [], set()
    for f in fetched:
        record = records.get(f.store_order_id)
        if f.store_order_id in seen:
            continue
        seen.add(f.store_order_id)
        if record is not None and record.status == ImportRecord.Status.IMPORTED:
            if store_changes.is_news(record, store_changes.StoreWord.of(f)):
                changed.append((record, f))
        elif f.order is not None or f.error is not None:
            todo.append(f)
    if changed:
        store_changes.apply_store_changes(integration, changed)
    if not todo:
        return [None] * len(fetched)
    try:
        written = _import_page(integration, todo, records)
    except Exception:
        logger.warning(
            "writing a page of %s failed; importing its orders one by one", integration, exc_info=True
        )
        written = {f.store_order_id: import_fetched(integration, f) for f in todo}
    results, given = [], set()
    for f in fetched:
        results.append(written.get(f.store_order_id) if f.store_order_id not in given else None)
        given.add(f.store_order_id)
    return results


def import_fetched(integration: Integration, fetched: FetchedOrder) -> ImportRecord | None:
    """One fetched order (webhook, retry): mapped → the pipeline; unmappable → a failed record;
    already imported → what the store now says about it is applied to its sale (store_changes).

    Writing it is tried twice: a first failure is most often another worker having just written
    the same customer, product or order, which the second reading then finds.
    """
    for attempt in (1, 2):
        try:
            records = records_of(integration, [fetched.store_order_id])
            record = records.get(fetched.store_order_id)
            if record is not None and record.status == ImportRecord.Status.IMPORTED:
                return store_changes.apply_store_change(integration, record, fetched)
            if fetched.order is None and fetched.error is None:
                return record  # only the state of an order not imported: nothing to import from it
            return _import_page(integration, [fetched], records).get(fetched.store_order_id)
        except Exception as error:
            if attempt == 1:
                continue
            # A bug or an unexpected store shape must not stop the run: the order fails alone.
            logger.exception("import of %s order %s failed", integration, fetched.store_order_id)
            return record_outcome(
                integration,
                Outcome(
                    store_order_id=fetched.store_order_id,
                    number=fetched.number,
                    status=ImportRecord.Status.FAILED,
                    code="unexpected_error",
                    reason=_("Unexpected error while importing: %(error)s") % {"error": error},
                    payload=fetched.raw,
                    order=fetched.order,
                ),
            )
    return None  # not reached


def import_order(integration: Integration, order: StoreOrder) -> ImportRecord | None:
    """Turn one store order into a pending sale, or record why not (see rules.plan_order)."""
    return import_fetched(integration, FetchedOrder.mapped(order))


def _import_page(
    integration: Integration, fetched: list[FetchedOrder], records: dict[str, ImportRecord]
) -> dict[str, ImportRecord]:
    """Plan every order of the page, then write the page in one transaction. Nothing happens
    while the integration may not import (switched off, disconnected, suspended)."""
    integration.refresh_from_db(fields=["enabled", "connection_status", "activated_at"])
    if not integration.may_import:
        return {}
    lookups = PageLookups.for_page(integration, [f.order for f in fetched if f.order is not None])
    outcomes = [rules.plan_order(integration, f, lookups) for f in fetched]
    return write_page(integration, outcomes, records, lookups)


def record_failure(integration: Integration, store_order_id: str, *, reason: str, code: str = "fetch_failed"):
    """An order that could not even be read: a failed attempt with the reason (an imported one stays)."""
    return record_outcome(
        integration,
        Outcome(
            store_order_id=store_order_id,
            number="",
            status=ImportRecord.Status.FAILED,
            code=code,
            reason=reason,
            payload=None,
        ),
    )
