from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyModelAdmin

from . import selectors, services
from .models import AuditEntry


class ObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of objects people follow (sales, products, integrations…), not every table audited."""

    title = gettext_lazy("object type")
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        return selectors.followed_object_types()

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(content_type_id=int(self.value()))
        return queryset


class AuditHistoryMixin:
    """An object's "History" button (on its change page) lists the object's audit entries: who
    connected, switched, changed or confirmed it, and when. Read-only: the page has no form, and
    whoever may see the object may see its history."""

    object_history_template = "admin/audit/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "subtitle": None,
            "entries": [
                (entry, selectors.changes_in_words(self.model, entry.changes))
                for entry in services.history(obj).order_by("-created_at", "-pk")
            ],
            "module_name": str(opts.verbose_name_plural).capitalize(),
            "object": obj,
            "opts": opts,
            "may_open_entries": request.user.has_perm("audit.view_auditentry"),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """Read-only: the trail is shown, never edited, added or deleted."""

    list_display = ["created_at", "actor", "action", "object_repr"]
    list_filter = ["action", ObjectTypeFilter, "created_at"]
    search_fields = ["object_repr", "actor__username", "note"]
    # No date_hierarchy, as on the sales list: its year links read the whole trail.
    show_full_result_count = False
    list_select_related = ["actor", "content_type"]
    readonly_fields = [
        "created_at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "changes_in_words",
        "note",
    ]
    fields = readonly_fields

    @admin.display(description=gettext_lazy("what changed"))
    def changes_in_words(self, entry):
        model = entry.content_type.model_class()
        return (
            format_html_join(
                mark_safe("<br>"),
                "{}: {} → {}",
                (
                    (change.field, change.before, change.after)
                    for change in selectors.changes_in_words(model, entry.changes)
                ),
            )
            or "—"
        )
