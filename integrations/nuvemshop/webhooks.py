"""Nuvemshop's signed notifications: verify, store once, and handle later in a task.

The body is thin (`{"store_id", "event", "id"}`): an order event means "fetch this order again",
so duplicates and out-of-order deliveries all end in the same fetch and the same idempotent
pipeline: one sale. Handling never trusts the body beyond which store and which order, and those
are checked for the store's shape of id before anything uses them.

A signature proves the store wrote the body, not that it wrote it now: a captured delivery can be
sent again. So a byte-identical delivery soon after another is counted on the first, not fetched
again, and the app events (uninstalled, suspended, resumed) are acted on only as far as the store
itself, asked with the app's token, confirms them.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from integrations import services
from integrations.errors import AuthError, StoreError, Suspended
from integrations.importing import import_single_order
from integrations.models import Integration, WebhookEvent
from integrations.store_ids import store_id_or_none

from . import privacy
from .client import client_for

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Linkedstore-Hmac-Sha256"
# The bodies are thin ({store_id, event, id}, LGPD ones a little more): anything this big is not
# from the store, and is refused before it is read or hashed.
MAX_BODY_BYTES = 64 * 1024
# Every order event means "fetch this order again": a new paid order is imported, and what the store
# now says about an imported one (cancelled, refunded, voided…) is applied to its sale, as a poll
# would (integrations.importing.store_changes).
ORDER_IMPORT_EVENTS = frozenset(
    {"order/created", "order/paid", "order/updated", "order/cancelled", "order/voided"}
)
APP_EVENTS = frozenset({"app/uninstalled", "app/suspended", "app/resumed"})
# A pending event older than this is taken as lost by the queue when the store delivers it again.
STALE_PENDING = timedelta(minutes=5)
# A byte-identical delivery (same store, event and id) within this long of one already stored is
# the same delivery again, the store's retry or a replay: counted on that row, neither fetched nor
# stored again. A window and not forever, because the bodies are thin: a real later change of an
# order sends an order/updated byte-identical to the earlier one. So order/updated is handled a
# second time in the window once the first was handled (a change right after another, a second
# partial refund); a third is left to the scheduled import (every IMPORT_SCHEDULE_MINUTES, reading
# orders by the time they changed), and past the window it is handled again. A replay costs at most
# one fetch and one row per window (two for order/updated). App events are not windowed
# (suspended, resumed, suspended again is real): the store is asked.
REPEAT_WINDOW = timedelta(minutes=5)
HANDLED_PER_WINDOW = {"order/updated": 2}
# The store's bodies are a level or two deep; anything deeper is not from the store.
MAX_DEPTH = 6
KNOWN_EVENTS = ORDER_IMPORT_EVENTS | APP_EVENTS | privacy.EVENTS


def signature_is_valid(body: bytes, signature: str | None) -> bool:
    """HMAC-SHA256 of the raw body with the client secret, sent as hex (docs) or base64 (SDK);
    compared in constant time. No secret configured → nothing is valid."""
    secret = settings.NUVEMSHOP_CLIENT_SECRET
    if not secret or not signature:
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    signature = signature.strip()
    candidates = []
    with contextlib.suppress(ValueError):
        candidates.append(bytes.fromhex(signature))
    with contextlib.suppress(binascii.Error, ValueError):
        candidates.append(base64.b64decode(signature, validate=True))
    # Evaluate every candidate so the time taken does not depend on which encoding matched.
    return any([hmac.compare_digest(digest, candidate) for candidate in candidates])


@dataclass
class Receipt:
    """What the endpoint did with a delivery: stored (and queued), duplicate, or ignored."""

    outcome: str
    event: WebhookEvent | None = None


def receive(body: bytes) -> Receipt:
    """Store a verified delivery as a pending WebhookEvent. A body that is not the store's shape
    (not an object, too deep, a store or order id that is not digits, an LGPD request of another
    shape) is malformed and nothing is stored; a repeat is counted on the row it repeats."""
    data = _parsed(body)
    if data is None:
        return Receipt("malformed")
    store_id, event = store_id_or_none(data.get("store_id")), data.get("event")
    if store_id is None or not isinstance(event, str):
        return Receipt("malformed")
    integration = Integration.objects.filter(
        provider=Integration.Provider.NUVEMSHOP, store_id=store_id
    ).first()
    if integration is None or event not in KNOWN_EVENTS:
        logger.info("nuvemshop webhook %s for store %s ignored", event[:60], store_id)
        return Receipt("ignored")
    if event in privacy.EVENTS:
        problem = privacy.shape_problem(event, data)
        resource_id = None if problem else privacy.resource_id(event, data)[:64]
    else:
        resource_id = store_id_or_none(data.get("id"))
        problem = None if resource_id else "the id is not a store id"
    if problem:
        logger.warning("nuvemshop webhook %s for store %s malformed: %s", event, store_id, problem)
        return Receipt("malformed")
    digest = hashlib.sha256(body).hexdigest()
    if event not in APP_EVENTS and _count_repeat(integration, event, digest):
        return Receipt("duplicate")
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                integration=integration, event=event, resource_id=resource_id, body=data, body_hash=digest
            )
    except IntegrityError:
        return _repeat(integration, event, resource_id)
    return Receipt("stored", stored)


def _parsed(body: bytes) -> dict | None:
    """The body as a JSON object no deeper than the store's, or None."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    level, depth = [data], 1
    while level:
        children = [
            child
            for value in level
            for child in (value.values() if isinstance(value, dict) else value)
            if isinstance(child, dict | list)
        ]
        if children and depth >= MAX_DEPTH:
            return None
        level, depth = children, depth + 1
    return data


def _count_repeat(integration: Integration, event: str, digest: str) -> bool:
    """Whether this body is a repeat within the window (deliveries that failed are not counted: a
    new one may retry them); if so, it is counted on the latest row. An order/updated whose
    earlier delivery was handled already gets one follow-up (HANDLED_PER_WINDOW)."""
    handled = HANDLED_PER_WINDOW.get(event, 1)
    recent = list(
        WebhookEvent.objects.filter(
            integration=integration,
            event=event,
            body_hash=digest,
            received_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .exclude(status=WebhookEvent.Status.FAILED)
        .order_by("-received_at", "-pk")
        .values_list("pk", "status")[:handled]
    )
    if not recent or (len(recent) < handled and recent[0][1] != WebhookEvent.Status.PENDING):
        return False
    WebhookEvent.objects.filter(pk=recent[0][0]).update(deliveries=F("deliveries") + 1)
    return True


def _repeat(integration: Integration, event: str, resource_id: str) -> Receipt:
    """A delivery of an event still pending. Normally its task is on the way; one pending for long
    (its task was lost: a broker restart, a worker killed) is handed to the workers again."""
    pending = WebhookEvent.objects.filter(
        integration=integration, event=event, resource_id=resource_id, status=WebhookEvent.Status.PENDING
    ).first()
    if pending is None:
        return Receipt("duplicate")
    WebhookEvent.objects.filter(pk=pending.pk).update(deliveries=F("deliveries") + 1)
    if pending.received_at < timezone.now() - STALE_PENDING:
        return Receipt("requeued", pending)
    return Receipt("duplicate")


def handle(event: WebhookEvent) -> WebhookEvent:
    """Do what the event asks; the event ends processed, ignored, or failed with the error.

    Store errors (down, rate limited) are re-raised after being recorded, so the task queue
    retries the delivery; a 401 has already disconnected the integration by then.
    """
    integration = event.integration
    WebhookEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1)
    try:
        status = _dispatch(integration, event)
    except StoreError as error:
        _close(event, WebhookEvent.Status.FAILED, error=str(error))
        raise
    _close(event, status)
    return event


def _dispatch(integration: Integration, event: WebhookEvent) -> str:
    name, when = (
        event.event,
        formats.date_format(timezone.localtime(event.received_at), "SHORT_DATETIME_FORMAT"),
    )
    if name in ORDER_IMPORT_EVENTS:
        record = import_single_order(integration, event.resource_id)
        return WebhookEvent.Status.PROCESSED if record is not None else WebhookEvent.Status.IGNORED
    if name in APP_EVENTS:
        return _app_event(integration, event, when)
    privacy.handle(integration, event)
    return WebhookEvent.Status.PROCESSED


# What the store answers a call with the app's token, and the app event each answer confirms.
TOKEN_WORKS, TOKEN_REFUSED, APP_SUSPENDED = "works", "refused", "suspended"
CONFIRMED_BY = {"app/uninstalled": TOKEN_REFUSED, "app/suspended": APP_SUSPENDED, "app/resumed": TOKEN_WORKS}


def _app_event(integration: Integration, event: WebhookEvent, when: str) -> str:
    """An app event is a reason to ask the store, not a verdict: a replayed app/uninstalled must not
    disconnect a store connected again since. One cheap call with the app's token (the store's
    details) decides: refused → disconnected, suspended → paused, accepted → connected (resumed if
    it was paused). When the answer does not confirm the event, it is ignored and the note says
    what the store answered. A store that cannot be asked now raises, and the delivery is retried."""
    answer = _token_answer(integration)
    if answer == TOKEN_REFUSED:
        reason = (
            _(
                "The Ponte app was uninstalled from the Nuvemshop store on %(when)s. "
                "Connect it again to resume imports."
            )
            if event.event == "app/uninstalled"
            else _(
                "Nuvemshop refused the app's token on %(when)s. Connect the store again to resume imports."
            )
        )
        services.disconnect_integration(integration, reason % {"when": when})
    elif answer == APP_SUSPENDED:
        services.suspend_integration(
            integration, _("Nuvemshop suspended the app in this store on %(when)s.") % {"when": when}
        )
    else:
        services.resume_integration(integration)
    if CONFIRMED_BY[event.event] == answer:
        return WebhookEvent.Status.PROCESSED
    said = {
        TOKEN_WORKS: _("it still accepts the app's token"),
        TOKEN_REFUSED: _("it refuses the app's token"),
        APP_SUSPENDED: _("the app is suspended"),
    }[answer]
    note = _(
        "Not applied: asked on receipt, Nuvemshop answered that %(answer)s "
        "(a repeat or an out-of-date notice)."
    )
    event.note = note % {"answer": said}
    logger.info("nuvemshop %s for store %s not applied: %s", event.event, integration.store_id, answer)
    return WebhookEvent.Status.IGNORED


def _token_answer(integration: Integration) -> str:
    try:
        client_for(integration).store()
    except AuthError:
        return TOKEN_REFUSED
    except Suspended:
        return APP_SUSPENDED
    return TOKEN_WORKS


def _close(event: WebhookEvent, status: str, *, error: str = "") -> None:
    # Once closed, the event no longer holds the "one pending" key: a later repeat past the repeat
    # window is stored anew and fetches the order again, which the pipeline makes harmless.
    event.status, event.error, event.processed_at = status, error, timezone.now()
    event.save(update_fields=["status", "error", "note", "processed_at"])
