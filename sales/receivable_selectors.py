"""Read-only queries behind the receivables list: the filters' date windows, the totals at the top
and the due chart, each answered by the database in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When

from core.charts import DailyChart, daily_chart
from core.formatting import brl

from .models import Receivable

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
OPEN = Q(status=Receivable.Status.OPEN)
CHART_DAYS = 30

# Open ones due soonest first, as the clerk works them; served by the (status, due_date, …) index.
DUE_ORDERING = ("due_date", "pk")
RECEIVED_ORDERING = ("-received_on", "-pk")
# Every receivable (or the cancelled ones): the latest due first, along the due_date index.
LATEST_DUE_ORDERING = ("-due_date", "-pk")


def open_balance():
    return F("amount") - F("settled_amount")


@dataclass(frozen=True)
class ReceivableTotals:
    open: Decimal
    overdue: Decimal
    received: Decimal
    # The days `received` covers: the period chosen, else this month.
    received_from: date
    received_to: date


def totals(
    receivables: QuerySet[Receivable], today: date, period: tuple[date, date] | None = None
) -> ReceivableTotals:
    """What is open and what of it is overdue, over the list as filtered; and what came in over the
    chosen period, else this month. Two SUM statements, each over index entries alone: the open
    rows (a few weeks' worth), and one period's receipts; a list of every receivable does not sum
    years of receipts on each page (the export is the report of those)."""
    unordered = receivables.order_by()
    due = unordered.filter(OPEN).aggregate(
        open=Sum(open_balance()),
        overdue=Sum(Case(When(due_date__lt=today, then=open_balance()), default=ZERO)),
    )
    start, end = period or (today.replace(day=1), today)
    received = unordered.filter(received_on__range=(start, end)).aggregate(received=Sum("received_amount"))
    sums = {**due, **received}
    return ReceivableTotals(
        **{key: value or Decimal("0.00") for key, value in sums.items()}, received_from=start, received_to=end
    )


def due_chart(today: date, days: int = CHART_DAYS) -> DailyChart:
    """The open amounts falling due on each of the next `days` days, today included."""
    per_day = dict(
        Receivable.objects.filter(OPEN, due_date__gte=today, due_date__lt=today + timedelta(days=days))
        .order_by()
        .values("due_date")
        .annotate(total=Sum(open_balance()))
        .values_list("due_date", "total")
    )
    series = [
        (today + timedelta(days=n), per_day.get(today + timedelta(days=n), Decimal("0"))) for n in range(days)
    ]
    return daily_chart(series, format_value=brl)


def period(name: str, today: date) -> tuple[date, date] | None:
    """The date window of a period filter: today, last 7 days, this month, last month."""
    if name == "today":
        return today, today
    if name == "7d":
        return today - timedelta(days=6), today
    if name == "month":
        return today.replace(day=1), today
    if name == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    return None
