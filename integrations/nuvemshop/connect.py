"""The app install (OAuth 2 authorization code): start it, finish it, or say clearly why it failed.

Start: a one-time `state` bound to the manager's session, then the store's authorize page.
Finish (the store's redirect back): the state is taken out of the session (so it works once),
the code is exchanged, the webhooks are registered with the new token, and only then is the
integration created or reconnected, in one transaction. Any failure before that leaves nothing
behind: no integration, no half-set credential; a disconnected integration stays as it was.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from integrations import services
from integrations.errors import AuthError, StoreError, Suspended, Unavailable
from integrations.models import Integration

from .client import NuvemshopClient, TokenError, client_for, exchange_code

logger = logging.getLogger(__name__)

SESSION_KEY = "nuvemshop_install"
# The merchant may take a while on the store's page; the code itself only lives five minutes.
STATE_LIFETIME_SECONDS = 15 * 60
WEBHOOK_EVENTS = (
    "order/paid",
    "order/updated",
    "order/cancelled",
    "order/voided",
    "app/uninstalled",
    "app/suspended",
    "app/resumed",
)


class InstallFailure(Exception):
    """Why the install did not complete; `kind` picks the message the manager sees."""

    NOT_CONFIGURED = "not_configured"
    DENIED = "denied"
    BAD_STATE = "bad_state"
    MISSING_CODE = "missing_code"
    CODE_REFUSED = "code_refused"
    STORE_ERROR = "store_error"
    STORE_UNAVAILABLE = "store_unavailable"

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


def is_configured() -> bool:
    """Whether Ponte has its Nuvemshop app credentials (from the partner portal) at all."""
    return bool(settings.NUVEMSHOP_APP_ID and settings.NUVEMSHOP_CLIENT_SECRET)


def start_install(session, *, integration_id: int | None = None) -> str:
    """Bind a fresh state to this session and return the store's authorize URL to send the browser to."""
    if not is_configured():
        raise InstallFailure(InstallFailure.NOT_CONFIGURED)
    state = secrets.token_urlsafe(32)
    session[SESSION_KEY] = {"state": state, "issued_at": time.time(), "integration": integration_id}
    base = settings.NUVEMSHOP_AUTHORIZE_URL.format(app_id=settings.NUVEMSHOP_APP_ID)
    return f"{base}{'&' if '?' in base else '?'}{urlencode({'state': state})}"


def take_state(session, state: str | None) -> dict:
    """The pending install this state belongs to; consumed whatever the outcome, so it works once."""
    pending = session.pop(SESSION_KEY, None)
    if not pending or not state or not secrets.compare_digest(str(pending.get("state", "")), str(state)):
        raise InstallFailure(InstallFailure.BAD_STATE)
    if time.time() - float(pending.get("issued_at", 0)) > STATE_LIFETIME_SECONDS:
        raise InstallFailure(InstallFailure.BAD_STATE, "expired")
    return pending


def webhook_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('nuvemshop:webhook')}"


def register_webhooks(api: NuvemshopClient, url: str) -> None:
    """Subscribe `url` to the events Ponte needs; ones already there are left alone (reinstalls)."""
    existing = {(hook.get("event"), hook.get("url")) for hook in api.webhooks()}
    for event in WEBHOOK_EVENTS:
        if (event, url) not in existing:
            api.create_webhook(event, url)


def subscribe_missing_webhooks(integration: Integration) -> bool:
    """Before each run: a store installed when Ponte needed fewer events gets the missing ones (the
    store's list read, what is missing created); nothing is asked of the store once it has them.
    Credentials refused or a suspended store are the run's verdict; any other refusal is logged
    and tried again on the next run, without holding up the import. True when subscribed now."""
    if set(WEBHOOK_EVENTS) <= set(integration.subscribed_events or []):
        return False
    try:
        register_webhooks(client_for(integration), webhook_url())
    except (AuthError, Suspended):
        raise
    except StoreError as error:
        logger.warning("nuvemshop store %s: webhooks not subscribed: %s", integration.store_id, error)
        return False
    Integration.objects.filter(pk=integration.pk).update(
        subscribed_events=list(WEBHOOK_EVENTS), webhooks_registered_at=timezone.now()
    )
    integration.subscribed_events = list(WEBHOOK_EVENTS)
    return True


def _store_name(api: NuvemshopClient, store_id: str) -> str:
    name = (api.store() or {}).get("name")
    if isinstance(name, dict):
        name = name.get("pt") or next(iter(name.values()), "")
    return str(name or f"Nuvemshop {store_id}")


@dataclass
class Installed:
    integration: Integration
    created: bool


def finish_install(*, params, session, user) -> Installed:
    """The store's redirect back: state, code → token, webhooks, then the integration (new or reconnected).

    Raises InstallFailure, having changed nothing in Ponte.
    """
    take_state(session, params.get("state"))
    if params.get("error"):
        raise InstallFailure(InstallFailure.DENIED, params.get("error_description") or params["error"])
    code = params.get("code")
    if not code:
        raise InstallFailure(InstallFailure.MISSING_CODE)
    try:
        grant = exchange_code(code)
    except TokenError as error:
        kind = InstallFailure.CODE_REFUSED if error.code == "invalid_grant" else InstallFailure.STORE_ERROR
        raise InstallFailure(kind, str(error)) from error
    except StoreError as error:
        raise InstallFailure(InstallFailure.STORE_UNAVAILABLE, str(error)) from error

    api = NuvemshopClient(grant.store_id, grant.access_token)
    try:
        name = _store_name(api, grant.store_id)
        register_webhooks(api, webhook_url())
    except (AuthError, Unavailable) as error:
        raise InstallFailure(InstallFailure.STORE_UNAVAILABLE, str(error)) from error
    except StoreError as error:
        raise InstallFailure(InstallFailure.STORE_ERROR, str(error)) from error

    integration, created = services.activate_integration(
        provider=Integration.Provider.NUVEMSHOP,
        name=name,
        credential=grant.access_token,
        seller=user,
        store_id=grant.store_id,
        scope=grant.scope,
    )
    changes = {"webhooks_registered_at": timezone.now(), "subscribed_events": list(WEBHOOK_EVENTS)}
    if created:
        # Nuvemshop dates are whole seconds: an order placed in the activation's own second is
        # on or after it, and must not be turned away for the activation's microseconds.
        changes["activated_at"] = integration.activated_at.replace(microsecond=0)
    Integration.objects.filter(pk=integration.pk).update(**changes)
    integration.refresh_from_db()
    logger.info(
        "nuvemshop store %s %s by %s", grant.store_id, "installed" if created else "reconnected", user
    )
    return Installed(integration=integration, created=created)
