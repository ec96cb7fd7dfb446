import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyModelAdmin

from .models import PrivacyRequest


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyModelAdmin):
    """LGPD requests from Nuvemshop: read-only; the report is what to send the store for a data request."""

    list_display = ["received_at", "kind", "integration", "store_customer_id", "completed_at"]
    list_filter = ["kind", "integration"]
    list_select_related = ["integration"]
    fields = [
        "integration",
        "kind",
        "store_customer_id",
        "received_at",
        "completed_at",
        "summary",
        "report_text",
    ]
    readonly_fields = fields

    @admin.display(description=_("report"))
    def report_text(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.report, indent=2, ensure_ascii=False))
