"""Admin for integrations: read mostly. Connecting a store goes through its connect page (which
checks the credential against the store); credentials are never shown, only their hint."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditHistoryMixin
from core.admin import ReadOnlyModelAdmin

from . import services
from .models import ImportRecord, ImportRun, Integration, WebhookEvent


@admin.register(Integration)
class IntegrationAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "provider",
        "enabled",
        "connection_status",
        "activated_at",
        "last_sync_at",
        "credential_hint",
    ]
    list_filter = ["provider", "enabled", "connection_status"]
    search_fields = ["name", "store_id"]
    # `credential` is left out on purpose: the encrypted secret never reaches a page.
    fields = [
        "name",
        "provider",
        "store_id",
        "enabled",
        "use_store_payment",
        "activated_at",
        "seller",
        "credential_hint",
        "connection_status",
        "disconnected_reason",
        "disconnected_at",
        "sync_cursor",
        "last_sync_at",
        "last_sync_error",
    ]
    readonly_fields = [f for f in fields if f not in ("name", "enabled", "use_store_payment")]
    actions = ["import_now"]

    def has_add_permission(self, request):
        # A new store is connected from Integrações › Todas as integrações, which checks the key.
        return False

    def view_on_site(self, obj):
        return reverse("integrations:detail", args=[obj.pk])

    @admin.action(description=_("Import now"), permissions=["run_import"])
    def import_now(self, request, queryset):
        queued = 0
        for integration in queryset:
            if integration.may_import:
                queued += services.queue_import(integration, requested_by=request.user)[1]
        self.message_user(
            request,
            ngettext("%(count)s import queued.", "%(count)s imports queued.", queued) % {"count": queued},
            messages.SUCCESS,
        )

    def has_run_import_permission(self, request):
        return request.user.has_perm("integrations.run_import")


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyModelAdmin):
    list_display = [
        "store_order_number",
        "integration",
        "status",
        "reason",
        "attempts",
        "last_attempt_at",
        "sale",
    ]
    list_filter = ["status", "integration", "reason_code"]
    search_fields = ["store_order_id", "store_order_number", "reason"]
    list_select_related = ["integration", "sale"]
    # A filtered list shows "N results" without a second COUNT(*) over the whole table.
    show_full_result_count = False
    actions = ["retry"]

    @admin.action(description=_("Retry"), permissions=["run_import"])
    def retry(self, request, queryset):
        outcome = services.retry_imports(queryset.select_related("integration"))
        self.message_user(
            request,
            ngettext(
                "%(count)s order will be fetched from the store again.",
                "%(count)s orders will be fetched from the store again.",
                outcome.queued,
            )
            % {"count": outcome.queued},
            messages.SUCCESS,
        )
        for integration in outcome.not_importing:
            self.message_user(
                request,
                _("%(integration)s is disabled or disconnected; its orders were not retried.")
                % {"integration": integration},
                messages.ERROR,
            )

    def has_run_import_permission(self, request):
        return request.user.has_perm("integrations.run_import")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyModelAdmin):
    list_display = ["queued_at", "integration", "trigger", "status", "imported", "skipped", "failed", "error"]
    list_filter = ["status", "trigger", "integration"]
    list_select_related = ["integration"]
    # A filtered list shows "N results" without a second COUNT(*) over the whole table.
    show_full_result_count = False


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyModelAdmin):
    list_display = ["received_at", "integration", "event", "resource_id", "status", "attempts"]
    list_filter = ["status", "event", "integration"]
    search_fields = ["resource_id"]
    list_select_related = ["integration"]
    # A filtered list shows "N results" without a second COUNT(*) over the whole table.
    show_full_result_count = False
