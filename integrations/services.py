"""An integration's life: activation, credentials, the manager's switch, the store's verdicts."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from audit.services import Action, record_audit

from .models import ImportRecord, ImportRun, Integration

# How long the history of import runs is kept.
RUN_HISTORY_DAYS = 30


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
    record_audit(
        actor=seller,
        action=Action.INTEGRATION_CONNECTED if created else Action.INTEGRATION_RECONNECTED,
        obj=integration,
    )
    return integration, created


def replace_credential(integration: Integration, credential: str, *, by=None) -> Integration:
    """A new key/token for the same store (the old one was revoked); reconnects it (`by` is audited)."""
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
    record_audit(actor=by, action=Action.INTEGRATION_RECONNECTED, obj=integration)
    return integration


@transaction.atomic
def set_enabled(integration: Integration, enabled: bool, *, by=None) -> Integration:
    """The manager's "Integração ativada" switch: off stops its imports, and nothing else.

    `by` (the manager) is written to the audit trail with the before and after."""
    was = Integration.objects.filter(pk=integration.pk).values_list("enabled", flat=True).first()
    integration.enabled = enabled
    integration.save(update_fields=["enabled", "updated_at"])
    record_audit(
        actor=by,
        action=Action.INTEGRATION_ENABLED if enabled else Action.INTEGRATION_DISABLED,
        obj=integration,
        changes={"enabled": (was, enabled)},
    )
    return integration


@transaction.atomic
def disconnect_integration(integration: Integration, reason: str) -> Integration:
    """The store refused the credentials: stop importing, say why and when, until reconnected.

    Audited as done by the system (no user), with the store's reason, once per disconnection."""
    now = timezone.now()
    was = Integration.objects.filter(pk=integration.pk).values_list("connection_status", flat=True).first()
    Integration.objects.filter(pk=integration.pk).update(
        connection_status=Integration.ConnectionStatus.DISCONNECTED,
        disconnected_reason=reason,
        disconnected_at=now,
        updated_at=now,
    )
    integration.refresh_from_db()
    if was != Integration.ConnectionStatus.DISCONNECTED:
        record_audit(actor=None, action=Action.INTEGRATION_DISCONNECTED, obj=integration, note=reason)
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


def queue_import(
    integration: Integration, *, requested_by=None, trigger: str = ImportRun.Trigger.MANUAL
) -> tuple[ImportRun, bool]:
    """Queue an import of this store, unless one is already queued or running: (run, queued).

    The integration row is locked while deciding, so two clicks (or the schedule and a click)
    queue one run. A run queued or started longer ago than the task queue's retry window was
    lost with its worker: it is closed as failed and no longer blocks a new one.
    """
    now = timezone.now()
    active = [ImportRun.Status.QUEUED, ImportRun.Status.RUNNING]
    with transaction.atomic():
        Integration.objects.select_for_update().filter(pk=integration.pk).first()
        runs = ImportRun.objects.filter(integration=integration, status__in=active)
        runs.filter(queued_at__lt=now - _lost_after()).update(
            status=ImportRun.Status.FAILED, finished_at=now, error=_("Lost: the worker never finished it.")
        )
        current = runs.order_by("-queued_at").first()
        if current is not None:
            return current, False
        run = ImportRun.objects.create(integration=integration, trigger=trigger, requested_by=requested_by)
    try:
        async_task("integrations.tasks.run_import", integration.pk, run.pk, trigger, group="imports")
    except Exception as error:
        # The broker is down: say so on the run rather than leave it queued forever.
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=str(error)
        )
        raise
    run.refresh_from_db()
    return run, True


@dataclass
class RetryRequest:
    queued: int = 0
    not_importing: list[Integration] = field(default_factory=list)


# Orders no retry can ever bring in: placed before the integration was activated (no retroactive
# import; such sales are entered by hand).
NEVER_IMPORTED = frozenset({"before_activation"})


def may_retry(record: ImportRecord) -> bool:
    """Whether *Tentar novamente* is offered for this record: not imported yet, and not an order
    that can never be imported however often it is fetched."""
    return record.status != ImportRecord.Status.IMPORTED and record.reason_code not in NEVER_IMPORTED


def retry_imports(records: Iterable[ImportRecord]) -> RetryRequest:
    """Queue the store orders of these failed or skipped records to be fetched and imported again.

    Imported records and orders that can never be imported are left alone; records of an
    integration that is off or disconnected are not queued (the answer names those integrations,
    so the screen can say why).
    """
    by_integration: dict[int, list[str]] = defaultdict(list)
    integrations: dict[int, Integration] = {}
    for record in records:
        if not may_retry(record):
            continue
        by_integration[record.integration_id].append(record.store_order_id)
        integrations[record.integration_id] = record.integration
    request = RetryRequest()
    for integration_id, store_order_ids in by_integration.items():
        integration = integrations[integration_id]
        if not integration.may_import:
            request.not_importing.append(integration)
            continue
        async_task("integrations.tasks.retry_orders", integration_id, store_order_ids, group="imports")
        request.queued += len(store_order_ids)
    return request


def _lost_after() -> timedelta:
    return timedelta(seconds=settings.Q_CLUSTER.get("retry", 900))


def prune_import_runs(*, keep_days: int = RUN_HISTORY_DAYS) -> int:
    """Forget finished import runs older than `keep_days` (the schedule makes hundreds a day per
    store). Import records, which say what happened to each order, are kept."""
    unfinished = [ImportRun.Status.QUEUED, ImportRun.Status.RUNNING]
    deleted, _by_model = (
        ImportRun.objects.exclude(status__in=unfinished)
        .filter(queued_at__lt=timezone.now() - timedelta(days=keep_days))
        .delete()
    )
    return deleted
