"""The receivables list's filters: where it stands (opening on what is open), received in a period,
the sale's integration and payment method."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import receivable_selectors as selectors
from .models import Receivable, Sale

Status = Receivable.Status
# The filters' headings as the clerk names them (Situação, Recebidos no período), not "Por …".
TEMPLATE = "admin/sales/receivable/filter.html"


class DueFilter(admin.SimpleListFilter):
    """Situação: opens on Em aberto (what the clerk follows); Vencidos, Vencem hoje, Próximos 7 / 30
    dias narrow it; Recebidos, Cancelados and Todos show the rest."""

    title = _("situation")
    parameter_name = "situacao"
    template = TEMPLATE
    ALL = "all"

    def lookups(self, request, model_admin):
        return [
            ("open", pgettext_lazy("receivables", "Open")),
            ("overdue", pgettext_lazy("receivables", "Overdue")),
            ("today", pgettext_lazy("receivables", "Due today")),
            ("next7", pgettext_lazy("receivables", "Next 7 days")),
            ("next30", pgettext_lazy("receivables", "Next 30 days")),
            ("received", pgettext_lazy("receivables", "Received")),
            ("cancelled", pgettext_lazy("receivables", "Cancelled")),
            (self.ALL, pgettext_lazy("receivables", "All")),
        ]

    def value(self):
        chosen = super().value()
        if chosen:
            return chosen
        # Received in a period: the received ones, not the open ones.
        return self.ALL if ReceivedPeriodFilter.parameter_name in self.request_params else "open"

    def __init__(self, request, params, model, model_admin):
        self.request_params = request.GET
        super().__init__(request, params, model, model_admin)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        today = timezone.localdate()
        windows = {
            "open": {},
            "overdue": {"due_date__lt": today},
            "today": {"due_date": today},
            "next7": {"due_date__gte": today, "due_date__lt": today + timedelta(days=7)},
            "next30": {"due_date__gte": today, "due_date__lt": today + timedelta(days=30)},
        }
        value = self.value()
        if value in windows:
            return queryset.filter(status=Status.OPEN, **windows[value])
        if value in (Status.RECEIVED, Status.CANCELLED):
            return queryset.filter(status=value)
        return queryset

    @classmethod
    def shows_open(cls, request) -> bool:
        return request.GET.get(cls.parameter_name, "open") not in ("received", "cancelled", cls.ALL) and (
            ReceivedPeriodFilter.parameter_name not in request.GET
        )

    @classmethod
    def shows_received(cls, request) -> bool:
        return request.GET.get(cls.parameter_name) == Status.RECEIVED or (
            ReceivedPeriodFilter.parameter_name in request.GET
        )


class ReceivedPeriodFilter(admin.SimpleListFilter):
    """Recebidos no período: receivables whose latest receipt falls in the period (received in full
    or in part)."""

    title = _("received in the period")
    parameter_name = "recebidos"
    template = TEMPLATE

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("7d", _("Last 7 days")),
            ("month", _("This month")),
            ("last_month", _("Last month")),
        ]

    def queryset(self, request, queryset):
        window = selectors.period(self.value() or "", timezone.localdate())
        if window is None:
            return queryset
        return queryset.filter(received_on__range=window)


class PaymentMethodFilter(admin.SimpleListFilter):
    """The sale's payment method, as copied onto each receivable at confirm (read by index)."""

    title = _("payment method")
    parameter_name = "forma"
    template = TEMPLATE

    def lookups(self, request, model_admin):
        return Sale.PaymentMethod.choices

    def queryset(self, request, queryset):
        if self.value() in Sale.PaymentMethod.values:
            return queryset.filter(payment_method=self.value())
        return queryset


class IntegrationFilter(admin.RelatedFieldListFilter):
    """The sale's integration, as copied onto each receivable at confirm (read by index)."""

    template = TEMPLATE
