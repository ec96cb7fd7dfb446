from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Ponte")
admin.site.site_title = _("Ponte")
admin.site.index_title = _("Back office")
