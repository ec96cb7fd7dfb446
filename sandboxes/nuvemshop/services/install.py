"""The fake Nuvemshop's side of an app's life in a store: created, installed by a one-time code
exchanged for a token, suspended and resumed, uninstalled."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import SandboxAuthCode, SandboxStore
from .webhooks import send_webhook

CODE_LIFETIME = timedelta(minutes=5)


def create_store(*, name: str, store_id: int | None = None) -> SandboxStore:
    if store_id is None:
        store_id = (SandboxStore.objects.aggregate(m=Max("store_id"))["m"] or 817000) + 1
    return SandboxStore.objects.create(store_id=store_id, name=name)


def issue_code(store: SandboxStore) -> str:
    """The merchant pressed Instalar: a one-time code for the app to exchange."""
    code = secrets.token_hex(20)
    SandboxAuthCode.objects.create(code=code, store=store)
    return code


@dataclass
class TokenAnswer:
    status: int
    body: dict


def exchange_code(*, client_id: str, client_secret: str, code: str, grant_type: str) -> TokenAnswer:
    """Like Nuvemshop: wrong app → 401; bad, reused or expired code → HTTP 200 with an error body."""
    if client_id != settings.NUVEMSHOP_APP_ID or not hmac.compare_digest(
        client_secret.encode(), settings.NUVEMSHOP_CLIENT_SECRET.encode()
    ):
        return TokenAnswer(
            401, {"error": "invalid_client", "error_description": "Invalid client credentials"}
        )
    if grant_type != "authorization_code":
        return TokenAnswer(200, {"error": "unsupported_grant_type", "error_description": grant_type})
    with transaction.atomic():
        found = SandboxAuthCode.objects.select_for_update().select_related("store").filter(code=code).first()
        if found is None or found.used_at is not None:
            return TokenAnswer(
                200, {"error": "invalid_grant", "error_description": "The authorization code is invalid"}
            )
        if timezone.now() - found.created_at > CODE_LIFETIME:
            return TokenAnswer(
                200, {"error": "invalid_grant", "error_description": "The authorization code has expired"}
            )
        found.used_at = timezone.now()
        found.save(update_fields=["used_at"])
        store = found.store
        store.installed = True
        store.access_token = secrets.token_hex(20)  # a reinstall kills the old token
        store.save(update_fields=["installed", "access_token"])
    return TokenAnswer(
        200,
        {
            "access_token": store.access_token,
            "token_type": "bearer",
            "scope": store.scope,
            "user_id": str(store.store_id),
        },
    )


def uninstall(store: SandboxStore) -> list[tuple[str, int | None]]:
    """The merchant removed the app: the token dies, Ponte hears app/uninstalled, webhooks go."""
    store.installed = False
    store.access_token = ""
    store.save(update_fields=["installed", "access_token"])
    sent = send_webhook(store, "app/uninstalled", store.store_id)
    store.webhooks.all().delete()
    return sent


def suspend_app(store: SandboxStore) -> list[tuple[str, int | None]]:
    """Nuvemshop suspends the app in this store: its API answers 402 until resumed; app/suspended."""
    SandboxStore.objects.filter(pk=store.pk).update(suspended=True)
    return send_webhook(store, "app/suspended", store.store_id)


def resume_app(store: SandboxStore) -> list[tuple[str, int | None]]:
    """The app is back in this store: its API answers again; app/resumed."""
    SandboxStore.objects.filter(pk=store.pk).update(suspended=False)
    return send_webhook(store, "app/resumed", store.store_id)
