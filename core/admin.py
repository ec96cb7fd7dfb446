from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Ponte")
admin.site.site_title = _("Ponte")
admin.site.index_title = _("Back office")


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Rows that services write (imports, confirms, audit): people read them, nobody edits them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's search-as-you-type, labelling each result with its ModelAdmin's
    `autocomplete_label(obj)` when it has one (a product with its SKU and stock, say)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = str(label(obj))
        return result


def _labelled_autocomplete_view(request):
    return LabelledAutocompleteJsonView.as_view(admin_site=admin.site)(request)


admin.site.autocomplete_view = _labelled_autocomplete_view
