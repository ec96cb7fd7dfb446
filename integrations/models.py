from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedTextField


class IntegrationQuerySet(models.QuerySet):
    def importable(self) -> IntegrationQuerySet:
        """The integrations whose stores may be called for their orders now (see Integration.may_import)."""
        return self.filter(
            enabled=True,
            activated_at__isnull=False,
            connection_status=Integration.ConnectionStatus.CONNECTED,
        )


class Integration(models.Model):
    """One connected store. Several, of either provider, work side by side and independently."""

    class Provider(models.TextChoices):
        NUVEMSHOP = "nuvemshop", "Nuvemshop"
        LOJA_INTEGRADA = "loja_integrada", "Loja Integrada"

    class ConnectionStatus(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        # The store refused the credentials (token revoked, app uninstalled, key deleted).
        DISCONNECTED = "disconnected", _("Disconnected")
        # Nuvemshop 402 or app/suspended: the store or the app is suspended; not called until
        # app/resumed or a reconnect.
        SUSPENDED = "suspended", _("Suspended by the store")

    provider = models.CharField(_("store platform"), max_length=20, choices=Provider.choices)
    name = models.CharField(_("name"), max_length=120)
    # "Integração ativada": the manager's switch. Imports run only while it is on and connected.
    enabled = models.BooleanField(_("integration enabled"), default=True)
    # Orders placed before this moment are never imported (no retroactive import).
    activated_at = models.DateTimeField(_("activation date"), null=True, blank=True)
    # Off: imported sales arrive as Dinheiro in one installment (the seeds' default). On (the Gestor's
    # choice): with the store's own payment method and installments, when the store said them.
    use_store_payment = models.BooleanField(
        _("use the store's payment in imported sales"),
        default=False,
        help_text=_(
            "Imported sales come with the payment method and installments of the store order, "
            "instead of Cash in one installment."
        ),
    )
    # The user who activated the integration; imported sales name them as seller.
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seller of imported sales"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The store's own id (Nuvemshop: user_id of the install). Loja Integrada keys name no store.
    store_id = models.CharField(_("store id"), max_length=64, blank=True)
    # Nuvemshop access token or Loja Integrada API key; encrypted at rest, never shown in full.
    credential = EncryptedTextField(_("credential"), blank=True)
    credential_hint = models.CharField(_("credential"), max_length=12, blank=True, editable=False)
    scope = models.CharField(_("scope"), max_length=255, blank=True)

    connection_status = models.CharField(
        _("connection"), max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.CONNECTED
    )
    disconnected_reason = models.TextField(_("why disconnected"), blank=True)
    disconnected_at = models.DateTimeField(_("disconnected at"), null=True, blank=True)

    # Import watermark: the store's "updated at" of the last order processed in sequence.
    sync_cursor = models.DateTimeField(_("synchronised up to"), null=True, blank=True)
    last_sync_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    last_sync_error = models.TextField(_("last sync error"), blank=True)
    # A lease, not a lock held across HTTP calls: the import that set it owns the store until then.
    sync_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    webhooks_registered_at = models.DateTimeField(_("webhooks registered at"), null=True, blank=True)
    # The events subscribed at the store, as last registered: an install that lacks one of the
    # events Ponte now needs gets it on its next run (Nuvemshop).
    subscribed_events = models.JSONField(_("webhook events"), default=list, blank=True, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IntegrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["name", "pk"]
        permissions = [("run_import", _("Can run imports and retry orders"))]
        constraints = [
            # A second install of the same store reconnects the same integration.
            models.UniqueConstraint(
                fields=["provider", "store_id"], condition=~Q(store_id=""), name="integration_unique_store"
            ),
            models.CheckConstraint(
                condition=~Q(connection_status="disconnected") | Q(disconnected_at__isnull=False),
                name="integration_disconnected_has_when",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_provider_display()})"

    @property
    def may_import(self) -> bool:
        """Whether the store may be called for its orders now: switched on, activated, and neither
        refused by the store (disconnected) nor suspended by it. A suspended store is not called at
        all until the store says it is back (Nuvemshop's app/resumed) or it is connected again.
        The queryset twin is Integration.objects.importable(); the two say the same."""
        return (
            self.enabled
            and self.activated_at is not None
            and self.connection_status == self.ConnectionStatus.CONNECTED
        )


class StoreProductLink(models.Model):
    """Which of our products a store's product/variant was matched to, per integration."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="product_links")
    store_product_id = models.CharField(max_length=64)
    store_variant_id = models.CharField(max_length=64, blank=True)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="store_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("store product link")
        verbose_name_plural = _("store product links")
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "store_product_id", "store_variant_id"], name="storeproductlink_unique"
            )
        ]

    def __str__(self):
        return f"{self.store_product_id}/{self.store_variant_id} → {self.product_id}"


class ImportRecord(models.Model):
    """What happened to one store order: imported, skipped (and why), or failed (and why)."""

    class Status(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    integration = models.ForeignKey(
        Integration, verbose_name=_("integration"), on_delete=models.PROTECT, related_name="import_records"
    )
    store_order_id = models.CharField(_("store order id"), max_length=64)
    store_order_number = models.CharField(_("store order number"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Stable code (not_paid, before_activation, insufficient_stock, …) beside the readable reason.
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    first_seen_at = models.DateTimeField(_("first seen at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    store_updated_at = models.DateTimeField(_("updated at the store"), null=True, blank=True)
    # DjangoJSONEncoder: a mapper's Decimals and datetimes are kept as text rather than failing the save.
    payload = models.JSONField(_("what the store sent"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    sale = models.OneToOneField(
        "sales.Sale",
        verbose_name=_("sale"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_record",
    )
    # What the store last said about the money of the imported order, as applied to its sale
    # (a StoreState; empty: as imported, paid), and the amount of a partial refund. A store change
    # is applied once: the same state read or delivered again is no news.
    store_state = models.CharField(_("store state applied"), max_length=20, blank=True)
    store_refunded_amount = models.DecimalField(
        _("refunded at the store"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import log")
        ordering = ["-last_attempt_at", "-pk"]
        # In the log's whole order: a page's records share their last attempt, so without the key
        # the newest 50 failed orders of a store meant sorting every failed order it has.
        indexes = [
            models.Index(
                fields=["integration", "status", "-last_attempt_at", "-id"], name="importrecord_log_idx"
            ),
            models.Index(fields=["status", "-last_attempt_at", "-id"], name="importrecord_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "store_order_id"], name="importrecord_unique_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="imported") | Q(sale__isnull=False), name="importrecord_imported_has_sale"
            ),
            models.CheckConstraint(
                condition=Q(status="imported") | ~Q(reason=""), name="importrecord_not_imported_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.integration} #{self.store_order_number or self.store_order_id}"


class ImportRecordCount(models.Model):
    """How many import records an integration has in one status, so its pages never count them.

    Kept by the database itself (triggers on the import records: row-level on SQLite, created by
    the migration 0008_import_record_counts; statement-level on PostgreSQL, 0009): every insert,
    status change and delete moves it in the same transaction, whatever wrote the record (a page's
    bulk insert, one order, the admin, a fixture).
    """

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="record_counts")
    status = models.CharField(max_length=10, choices=ImportRecord.Status.choices)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "status"], name="importrecordcount_unique_status")
        ]

    def __str__(self):
        return f"{self.integration_id} {self.status}: {self.total}"


class ImportRun(models.Model):
    """One pass over a store's orders (scheduled, by a button, by a command), for progress and history."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Import now")
        COMMAND = "command", _("Command line")
        WEBHOOK = "webhook", _("Webhook")
        RETRY = "retry", _("Retry")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not run")
        # The store was down, slow or rate-limiting: the next run resumes from the kept cursor.
        RETRY_LATER = "retry_later", _("Store unavailable, will retry")

    integration = models.ForeignKey(
        Integration, verbose_name=_("integration"), on_delete=models.CASCADE, related_name="import_runs"
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    orders_seen = models.PositiveIntegerField(_("orders seen"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["integration", "-queued_at"], name="importrun_integration_idx")]

    def __str__(self):
        return f"{self.integration} {self.get_trigger_display()} {self.queued_at:%Y-%m-%d %H:%M}"


class WebhookEvent(models.Model):
    """Inbox of store notifications: stored at once, handled by a task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    integration = models.ForeignKey(
        Integration, verbose_name=_("integration"), on_delete=models.CASCADE, related_name="webhook_events"
    )
    event = models.CharField(_("event"), max_length=60)
    resource_id = models.CharField(_("resource id"), max_length=64, blank=True)
    body = models.JSONField(_("body"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Why it was ignored, when it was (a replayed app/uninstalled the store contradicts, …).
    note = models.TextField(_("note"), blank=True)
    # SHA-256 of the raw body: a byte-identical delivery soon after is the same delivery again.
    body_hash = models.CharField(_("body hash"), max_length=64, blank=True, editable=False)
    # Deliveries of this same body counted on this row instead of a row each.
    deliveries = models.PositiveIntegerField(_("deliveries"), default=1)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # Repeated deliveries of an event not yet handled collapse into one row.
            models.UniqueConstraint(
                fields=["integration", "event", "resource_id"],
                condition=Q(status="pending"),
                name="webhookevent_one_pending",
            )
        ]
        indexes = [
            models.Index(
                fields=["integration", "event", "body_hash", "-received_at"], name="webhookevent_repeat_idx"
            )
        ]

    def __str__(self):
        return f"{self.event} {self.resource_id}"


class RateLimitState(models.Model):
    """Leaky-bucket state per store when no Redis is configured (see integrations.ratelimit)."""

    key = models.CharField(max_length=200, primary_key=True)
    state = models.JSONField(default=list)

    class Meta:
        verbose_name = _("rate limit state")

    def __str__(self):
        return self.key
