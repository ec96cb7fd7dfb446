"""django-q2 tasks for Nuvemshop: thin, they call integrations.nuvemshop.webhooks."""

from __future__ import annotations

import logging

from django_q.tasks import async_task

from integrations.models import WebhookEvent

from . import webhooks

logger = logging.getLogger(__name__)


def queue_webhook_event(event: WebhookEvent) -> None:
    """Hand a stored event to the workers; the webhook answer does not wait for it."""
    async_task(
        "integrations.nuvemshop.tasks.handle_webhook_event",
        event.pk,
        task_name=f"nuvemshop {event.event} {event.resource_id}"[:100],
        group="nuvemshop-webhooks",
    )


def handle_webhook_event(event_id: int) -> str:
    """Fetch-and-import (or cancel, disconnect, erase…) for one stored event. A store error
    re-raises, so the queue delivers the task again later (max_attempts caps it)."""
    event = WebhookEvent.objects.select_related("integration").filter(pk=event_id).first()
    if event is None or event.status == WebhookEvent.Status.PROCESSED:
        return "nothing to do"
    webhooks.handle(event)
    return f"{event.event} {event.resource_id}: {event.status}"
