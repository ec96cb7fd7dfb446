"""The fake Nuvemshop's webhooks: signed with the app's client secret, registered by the app,
sent to every URL registered for the event."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

import requests
from django.conf import settings
from django.urls import reverse

from ..models import SandboxStore, SandboxWebhook

logger = logging.getLogger(__name__)


def sign(body: bytes, *, encoding: str = "hex") -> str:
    """x-linkedstore-hmac-sha256: HMAC-SHA256 of the raw body keyed by the app's client secret."""
    digest = hmac.new(settings.NUVEMSHOP_CLIENT_SECRET.encode(), body, hashlib.sha256)
    return digest.hexdigest() if encoding == "hex" else base64.b64encode(digest.digest()).decode()


def ponte_webhook_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('nuvemshop:webhook')}"


def send_webhook(
    store: SandboxStore, event: str, resource_id, *, extra: dict | None = None
) -> list[tuple[str, int | None]]:
    """POST the signed, thin body to every URL registered for `event`; LGPD events (set up in the
    partner portal, not by API) go to Ponte's webhook address. Returns (url, HTTP status or None)."""
    urls = list(store.webhooks.filter(event=event).values_list("url", flat=True))
    if not urls and event.startswith(("store/", "customers/")):
        urls = [ponte_webhook_url()]
    body = json.dumps(
        {"store_id": store.store_id, "event": event, "id": resource_id, **(extra or {})}
    ).encode()
    sent = []
    for url in urls:
        try:
            response = requests.post(
                url,
                data=body,
                headers={"Content-Type": "application/json", "x-linkedstore-hmac-sha256": sign(body)},
                timeout=(2, 10),
            )
            sent.append((url, response.status_code))
        except requests.RequestException as error:
            logger.warning("sandbox webhook %s to %s failed: %s", event, url, error)
            sent.append((url, None))
    return sent


def register_webhook(store: SandboxStore, *, event: str, url: str) -> SandboxWebhook:
    return SandboxWebhook.objects.create(store=store, event=event, url=url)
