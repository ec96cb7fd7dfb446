"""The fake Nuvemshop's rate limit (its leaky bucket) and the faults a test switches on: forced
answers (402, 500, 401, a broken body) and a listing that changes between its pages."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import SandboxOrder, SandboxStore
from .orders import create_order, touch_order


@dataclass
class Slot:
    allowed: bool
    limit: int
    remaining: int
    reset_ms: int


def take_slot(store: SandboxStore) -> Slot:
    """Nuvemshop's leaky bucket: each call adds one, `drain_per_second` leak out; full → 429."""
    with transaction.atomic():
        row = SandboxStore.objects.select_for_update().get(pk=store.pk)
        now = time.time()
        level = max(0.0, row.bucket_level - (now - row.bucket_checked_at) * row.drain_per_second)
        allowed = level + 1 <= row.bucket_size
        if allowed:
            level += 1
            row.requests_served += 1
        else:
            row.requests_rejected += 1
        row.bucket_level, row.bucket_checked_at = level, now
        row.save(update_fields=["bucket_level", "bucket_checked_at", "requests_served", "requests_rejected"])
    # Milliseconds until the bucket is empty again (allowed) or one request fits (rejected).
    empty_in = level / row.drain_per_second
    fits_in = (level + 1 - row.bucket_size) / row.drain_per_second
    return Slot(
        allowed=allowed,
        limit=row.bucket_size,
        remaining=max(0, int(row.bucket_size - level)),
        reset_ms=int(1000 * (empty_in if allowed else max(fits_in, 0.001))),
    )


def force_answers(store: SandboxStore, status: int | None, count: int = 1, *, after: int = 0) -> None:
    """Make `count` API calls answer `status` (402 suspended, 500, 401, or a SandboxStore.Fault),
    once `after` more calls have been answered normally."""
    SandboxStore.objects.filter(pk=store.pk).update(
        forced_status=status, forced_count=count, forced_after=after
    )


def change_between_pages(store: SandboxStore, change: str) -> None:
    """Once, between the reads of page 1 and page 2 of an order listing (SandboxStore.PageChange)."""
    SandboxStore.objects.filter(pk=store.pk).update(page_change=change)


def take_forced_status(store: SandboxStore) -> int | None:
    with transaction.atomic():
        row = SandboxStore.objects.select_for_update().get(pk=store.pk)
        if not row.forced_status or row.forced_count <= 0:
            return None
        if row.forced_after > 0:
            row.forced_after -= 1
            row.save(update_fields=["forced_after"])
            return None
        row.forced_count -= 1
        row.save(update_fields=["forced_count"])
        return row.forced_status


def take_page_change(store: SandboxStore) -> None:
    """Play the store's switched-on page change, once."""
    with transaction.atomic():
        row = SandboxStore.objects.select_for_update().get(pk=store.pk)
        change, row.page_change = row.page_change, ""
        row.save(update_fields=["page_change"])
    if change == SandboxStore.PageChange.LATE_PAID_ORDER:
        first = SandboxOrder.objects.filter(store=row).order_by("created_at").first()
        placed = (first.created_at if first else timezone.now()) - timedelta(minutes=1)
        # Committed just now, stamped a little earlier: inside the window being read.
        create_order(row, paid=True, created_at=placed, updated_at=timezone.now() - timedelta(seconds=30))
    elif change == SandboxStore.PageChange.ORDER_REFUNDED:
        first = SandboxOrder.objects.filter(store=row, payment_status="paid").order_by("created_at").first()
        if first is not None:
            touch_order(first, payment_status="refunded")
