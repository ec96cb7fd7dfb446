"""The page's unit of work: writing a planned page of orders (the records, and the customers,
products, links and sales) in one transaction.

One transaction per page. The records the page already had are row-locked first (an order
another worker imported meanwhile is left as it is); new rows go in with bulk inserts, each
table in key order, so two workers writing overlapping pages take their locks in the same order.
A new order's record is inserted last: a worker racing for the same order fails on the sale's or
the record's unique key, and orders.import_fetched reads the outcome again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.bulk_insert import insert_new
from sales import services as sales_services
from sales.models import Sale

from ..models import ImportRecord, Integration
from ..store_order import StoreOrder
from .read_set import PageLookups


@dataclass
class Outcome:
    """What became of one order, before it is written: its record's fields and, if imported, its sale."""

    store_order_id: str
    number: str
    status: str
    code: str
    reason: str
    payload: Any
    order: StoreOrder | None = None
    sale: Sale | None = None
    lines: list | None = None


def write_page(
    integration: Integration, outcomes: list[Outcome], records: dict[str, ImportRecord], lookups: PageLookups
) -> dict[str, ImportRecord]:
    """Write the page's outcomes in one transaction (see the module's docstring for the order of
    the writes); returns each written order's record."""
    now = timezone.now()
    written: dict[str, ImportRecord] = {}
    with transaction.atomic():
        existing = [records[o.store_order_id].pk for o in outcomes if o.store_order_id in records]
        locked = {
            record.store_order_id: record
            for record in ImportRecord.objects.select_for_update().filter(pk__in=existing).order_by("pk")
        } if existing else {}  # fmt: skip
        to_write = []
        for outcome in outcomes:
            record = locked.get(outcome.store_order_id)
            if record is not None and record.status == ImportRecord.Status.IMPORTED:
                written[outcome.store_order_id] = record
            else:
                to_write.append(outcome)
        with_sale = [o for o in to_write if o.sale is not None]
        lookups.save_new(
            customers={id(o.sale.customer) for o in with_sale},
            products={id(line.product) for o in with_sale for line in o.lines},
        )
        sales_services.create_sales([o.sale for o in with_sale], [o.lines for o in with_sale])
        new = []
        # A payload the JSON column cannot hold fails the page's insert; the orders are then
        # written one by one, where it is checked (and kept as text), so it is checked only there.
        check_payloads = len(outcomes) == 1
        for outcome in to_write:
            record = locked.get(outcome.store_order_id)
            if record is None:
                record = ImportRecord(
                    integration=integration, store_order_id=outcome.store_order_id, attempts=0
                )
                new.append(record)
            _finish(record, outcome, now, check_payload=check_payloads)
            if record.pk is not None:
                record.save()
            written[outcome.store_order_id] = record
        insert_new(ImportRecord, new)
    return written


def _lock_record(integration: Integration, store_order_id: str, number: str) -> ImportRecord:
    """The order's record, created if new, row-locked until the transaction ends."""
    record, _created = ImportRecord.objects.select_for_update().get_or_create(
        integration=integration,
        store_order_id=store_order_id,
        defaults={"store_order_number": number, "status": ImportRecord.Status.FAILED, "reason": "…"},
    )
    return record


def _finish(record: ImportRecord, outcome: Outcome, now, *, check_payload: bool = True) -> None:
    record.status = outcome.status
    record.reason_code = outcome.code
    record.reason = outcome.reason
    record.attempts += 1
    record.last_attempt_at = now
    if outcome.payload is not None:  # a failed fetch keeps what the store sent last time
        record.payload = _storable(outcome.payload) if check_payload else outcome.payload
    if outcome.sale is not None:
        record.sale = outcome.sale
    record.store_order_number = outcome.number or record.store_order_number
    order = outcome.order
    if order is not None:
        record.placed_at = order.placed_at
        record.store_updated_at = order.updated_at


def _storable(payload):
    """The store's payload as the JSON column can keep it; never lose the outcome over its shape."""
    if payload is None:
        return {}
    try:
        json.dumps(payload, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        return {"unreadable": repr(payload)[:10_000]}
    return payload


def record_outcome(integration: Integration, outcome: Outcome) -> ImportRecord:
    """A failed outcome written on its own, in its own transaction. An imported order keeps its record."""
    with transaction.atomic():
        record = _lock_record(integration, outcome.store_order_id, outcome.number)
        if record.status == ImportRecord.Status.IMPORTED:
            return record
        _finish(record, outcome, timezone.now())
        record.save()
        return record
