"""An integration's life: activation, credentials, the manager's switch, the store's verdicts."""

from django.db import transaction
from django.utils import timezone

from .models import Integration


def credential_hint(secret: str) -> str:
    """What may be shown of a secret: its last four characters."""
    return f"••••{secret[-4:]}" if len(secret) > 8 else "••••"


@transaction.atomic
def activate_integration(
    *, provider: str, name: str, credential: str, seller, store_id: str = "", scope: str = ""
) -> tuple[Integration, bool]:
    """Connect a store: a new integration, or the same one again when this store was connected before.

    A new integration records now as its activation date (only orders placed from then on are
    imported) and the activating user as the seller of its sales. Reconnecting keeps the
    integration, its history, cursor and original activation date, so nothing is imported twice
    and nothing placed while it was disconnected is lost. Returns (integration, created).
    """
    integration = None
    if store_id:
        integration = (
            Integration.objects.select_for_update().filter(provider=provider, store_id=store_id).first()
        )
    created = integration is None
    if created:
        integration = Integration(
            provider=provider, store_id=store_id, activated_at=timezone.now(), seller=seller
        )
    integration.name = name or integration.name
    integration.credential = credential
    integration.credential_hint = credential_hint(credential)
    integration.scope = scope or integration.scope
    integration.enabled = True
    integration.connection_status = Integration.ConnectionStatus.CONNECTED
    integration.disconnected_reason = ""
    integration.disconnected_at = None
    integration.save()
    return integration, created


def replace_credential(integration: Integration, credential: str) -> Integration:
    """A new key/token for the same store (the old one was revoked); reconnects it."""
    integration.credential = credential
    integration.credential_hint = credential_hint(credential)
    integration.connection_status = Integration.ConnectionStatus.CONNECTED
    integration.disconnected_reason = ""
    integration.disconnected_at = None
    integration.save(
        update_fields=[
            "credential",
            "credential_hint",
            "connection_status",
            "disconnected_reason",
            "disconnected_at",
            "updated_at",
        ]
    )
    return integration


def set_enabled(integration: Integration, enabled: bool) -> Integration:
    """The manager's "Integração ativada" switch: off stops its imports, and nothing else."""
    integration.enabled = enabled
    integration.save(update_fields=["enabled", "updated_at"])
    return integration


def disconnect_integration(integration: Integration, reason: str) -> Integration:
    """The store refused the credentials: stop importing, say why and when, until reconnected."""
    now = timezone.now()
    Integration.objects.filter(pk=integration.pk).update(
        connection_status=Integration.ConnectionStatus.DISCONNECTED,
        disconnected_reason=reason,
        disconnected_at=now,
        updated_at=now,
    )
    integration.refresh_from_db()
    return integration


def suspend_integration(integration: Integration, reason: str) -> Integration:
    """The store or app is suspended (not our error): pause until it resumes."""
    Integration.objects.filter(pk=integration.pk).exclude(
        connection_status=Integration.ConnectionStatus.DISCONNECTED
    ).update(
        connection_status=Integration.ConnectionStatus.SUSPENDED,
        disconnected_reason=reason,
        updated_at=timezone.now(),
    )
    integration.refresh_from_db()
    return integration


def resume_integration(integration: Integration) -> Integration:
    """A suspended store is back (app/resumed, or a call that succeeded)."""
    Integration.objects.filter(
        pk=integration.pk, connection_status=Integration.ConnectionStatus.SUSPENDED
    ).update(
        connection_status=Integration.ConnectionStatus.CONNECTED,
        disconnected_reason="",
        updated_at=timezone.now(),
    )
    integration.refresh_from_db()
    return integration
