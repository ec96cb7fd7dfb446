from django.contrib import admin
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
