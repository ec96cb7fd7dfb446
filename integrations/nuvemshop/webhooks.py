"""Nuvemshop's signed notifications: verify, store once, and handle later in a task.

The body is thin (`{"store_id", "event", "id"}`): an order event means "fetch this order again",
so duplicates and out-of-order deliveries all end in the same fetch and the same idempotent
pipeline: one sale. Handling never trusts the body beyond which store and which order.
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
from integrations.errors import StoreError
from integrations.importing import import_single_order
from integrations.models import Integration, WebhookEvent

from . import privacy

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
    """Store a verified delivery as a pending WebhookEvent; a repeat of a pending one is a duplicate."""
    try:
        data = json.loads(body)
        store_id, event = str(data["store_id"]), str(data["event"])
    except (ValueError, KeyError, TypeError):
        return Receipt("malformed")
    integration = Integration.objects.filter(
        provider=Integration.Provider.NUVEMSHOP, store_id=store_id
    ).first()
    if integration is None or event not in KNOWN_EVENTS:
        logger.info("nuvemshop webhook %s for store %s ignored", event, store_id)
        return Receipt("ignored")
    resource_id = privacy.resource_id(event, data) if event in privacy.EVENTS else str(data.get("id") or "")
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                integration=integration, event=event, resource_id=resource_id[:64], body=data
            )
    except IntegrityError:
        return _repeat(integration, event, resource_id[:64])
    return Receipt("stored", stored)


def _repeat(integration: Integration, event: str, resource_id: str) -> Receipt:
    """A delivery of an event still pending. Normally its task is on the way; one pending for long
    (its task was lost: a broker restart, a worker killed) is handed to the workers again."""
    pending = WebhookEvent.objects.filter(
        integration=integration, event=event, resource_id=resource_id, status=WebhookEvent.Status.PENDING
    ).first()
    if pending is not None and pending.received_at < timezone.now() - STALE_PENDING:
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
    if name == "app/uninstalled":
        services.disconnect_integration(
            integration,
            _(
                "The Ponte app was uninstalled from the Nuvemshop store on %(when)s. "
                "Connect it again to resume imports."
            )
            % {"when": when},
        )
    elif name == "app/suspended":
        services.suspend_integration(
            integration, _("Nuvemshop suspended the app in this store on %(when)s.") % {"when": when}
        )
    elif name == "app/resumed":
        services.resume_integration(integration)
    else:
        privacy.handle(integration, event)
    return WebhookEvent.Status.PROCESSED


def _close(event: WebhookEvent, status: str, *, error: str = "") -> None:
    # Once closed, the event no longer holds the "one pending" key: a later repeat is stored anew
    # and fetches the order again, which the pipeline makes harmless.
    event.status, event.error, event.processed_at = status, error, timezone.now()
    event.save(update_fields=["status", "error", "processed_at"])
