"""The sales list's reading strategy, so a page costs the same at ten thousand or a million sales."""

from functools import cached_property

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.utils.formats import number_format
from django.utils.translation import gettext

from . import extensions, selectors


class CappedCountPaginator(Paginator):
    """Counts the filtered sales only up to CAP + 1, so no list page counts a million rows.

    Past CAP the list says "more than 1.000 sales" and offers the first CAP / 50 pages; a clerk
    looking further narrows the list with a filter or a search.
    """

    CAP = 1000

    @cached_property
    def count(self):
        # Unordered: the database may count along whichever index reaches CAP + 1 first.
        return self.object_list.order_by().values("pk")[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP


class SaleChangeList(ChangeList):
    """The sales list in two steps: the page's 50 sales alone, read in the order of an index, then
    their customers, integrations and flags by primary key.

    Joined into the page's query, the customers (or the flags' subqueries) let SQLite start from
    the wrong table and sort every filtered sale before keeping 50.
    """

    def get_results(self, request):
        super().get_results(request)
        page = list(self.result_list)
        prefetch_related_objects(page, "customer", "integration")
        self.result_list = selectors.attach_review_flags(page)
        extensions.attach_flags(self.result_list)

    @property
    def count_capped(self) -> bool:
        return getattr(self.paginator, "capped", False)

    @property
    def capped_count_label(self) -> str:
        return gettext("more than %(count)s sales") % {"count": self._cap}

    @property
    def capped_select_all_label(self) -> str:
        return gettext("Select all sales of this list (more than %(count)s)") % {"count": self._cap}

    @property
    def capped_all_selected_label(self) -> str:
        return gettext("All sales of this list selected (more than %(count)s)") % {"count": self._cap}

    @property
    def _cap(self) -> str:
        return number_format(CappedCountPaginator.CAP, force_grouping=True)
