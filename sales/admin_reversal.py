"""Admin pages of the reversal (estorno): "Estornar venda" on a confirmed sale's page and the
"Estornar vendas selecionadas" action, both asking for the reason on a page of their own."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import ReversalForm
from .models import Sale, SaleReversal

REVERSE_PERMISSION = "sales.reverse_sale"


class ReversalPagesMixin:
    """Mixed into SaleAdmin: the page that reverses one sale, and the bulk action's confirmation."""

    def get_urls(self):
        page = path(
            "<int:pk>/reverse/", self.admin_site.admin_view(self.reverse_view), name="sales_sale_reverse"
        )
        return [page, *super().get_urls()]

    @admin.display(description=_("reversal"))
    def reversal_details(self, sale):
        """Who reversed the sale, when and why; "—" while it was not reversed."""
        done = SaleReversal.objects.filter(sale=sale).select_related("reversed_by").first()
        if done is None:
            return "—"
        return gettext("By %(who)s on %(when)s: %(why)s") % {
            "who": done.reversed_by,
            "when": formats.date_format(timezone.localtime(done.reversed_at), "SHORT_DATETIME_FORMAT"),
            "why": done.reason,
        }

    def has_reverse_permission(self, request):
        return request.user.has_perm(REVERSE_PERMISSION)

    def reverse_view(self, request, pk):
        """GET: what the reversal undoes, and the reason asked; POST: reverse, back to the sale."""
        if not (self.has_view_permission(request) and self.has_reverse_permission(request)):
            raise PermissionDenied
        sale = get_object_or_404(Sale.objects.select_related("customer"), pk=pk)
        form = ReversalForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            self._reverse(request, [sale], form.cleaned_data["reason"])
            return HttpResponseRedirect(reverse("admin:sales_sale_change", args=[sale.pk]))
        return self._reversal_page(request, [sale], form, bulk=False)

    @admin.action(description=_("Reverse selected sales"), permissions=["reverse"])
    def reverse_selected(self, request, queryset):
        """ "Estornar vendas selecionadas": first the page asking why, then each sale on its own."""
        sales = list(queryset.select_related("customer").order_by("pk"))
        form = ReversalForm(request.POST if request.POST.get("_reverse") else None)
        if form.is_bound and form.is_valid():
            self._reverse(request, sales, form.cleaned_data["reason"])
            return None
        return self._reversal_page(request, sales, form, bulk=True)

    def _reverse(self, request, sales, reason):
        for sale in sales:
            try:
                outcome = services.reverse_sale(sale, user=request.user, reason=reason)
            except services.SaleError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                level = messages.SUCCESS if outcome.reversed else messages.INFO
                self.message_user(request, outcome.message, level)

    def _reversal_page(self, request, sales, form, *, bulk):
        title = (
            gettext("Reverse the selected sales")
            if bulk
            else gettext("Reverse sale %(number)s") % {"number": sales[0].number}
        )
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "sales": [
                (sale, sale.receivables.order_by("number"), sale.items.select_related("product"))
                for sale in sales
            ],
            "form": form,
            "bulk": bulk,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/sales/sale/reverse.html", context)
