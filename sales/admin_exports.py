"""Admin mixin: the sales list's "Exportar vendas confirmadas" (CSV / XLSX) for the accountant,
the confirmed sales of the list as the clerk filtered it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext

from . import exports
from .filters import QueueStatusFilter
from .models import Sale


class SaleExportMixin:
    def get_urls(self):
        pages = [
            path("export.<str:kind>", self.admin_site.admin_view(self.export_view), name="sales_sale_export"),
        ]
        return [*pages, *super().get_urls()]

    def export_view(self, request, kind):
        """The confirmed sales of the list as filtered and searched, streamed (see sales.exports)."""
        if kind not in exports.KINDS:
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The list's other filters and search stand; its status is Confirmada whatever the list shows.
        query = request.GET.copy()
        query[QueueStatusFilter.parameter_name] = Sale.Status.CONFIRMED
        request.GET = query
        sales = self.get_changelist_instance(request).queryset
        return exports.download(
            kind,
            exports.sale_columns(),
            exports.sale_rows(sales),
            name="vendas-confirmadas",
            sheet=gettext("Sales"),
        )
