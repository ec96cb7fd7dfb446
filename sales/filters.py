"""The sales list's filters."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Sale


class QueueStatusFilter(admin.SimpleListFilter):
    """The status filter, opening on the queue: no choice made means Revisão pendente."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Sale.Status.choices, (self.ALL, _("All sales"))]

    def value(self):
        return super().value() or Sale.Status.REVIEW_PENDING

    def choices(self, changelist):
        # No "All" that clears the parameter: that would open the queue again.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())

    @classmethod
    def shows_queue(cls, request) -> bool:
        return request.GET.get(cls.parameter_name, Sale.Status.REVIEW_PENDING) == Sale.Status.REVIEW_PENDING


class StoreChangeFilter(admin.SimpleListFilter):
    """*Changed at the store*: the sales whose order the store cancelled, refunded (wholly or in
    part), charged back or took as paid again after the import, flagged for a person. Chosen
    from the queue it shows every status, since most of them are confirmed sales."""

    title = _("changed at the store")
    parameter_name = "store_changed"
    YES = "yes"

    def lookups(self, request, model_admin):
        return [(self.YES, _("Changed at the store"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }
        status = changelist.params.get(QueueStatusFilter.parameter_name) or QueueStatusFilter.ALL
        yield {
            "selected": self.value() == self.YES,
            "query_string": changelist.get_query_string(
                {self.parameter_name: self.YES, QueueStatusFilter.parameter_name: status}
            ),
            "display": _("Changed at the store"),
        }

    def queryset(self, request, queryset):
        if self.value() == self.YES:
            return queryset.filter(store_changed_at__isnull=False)
        return queryset
