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


def totals(receivables: QuerySet[Receivable], today: date) -> ReceivableTotals:
    """What is open, what of it is overdue, and what came in, over the list as filtered: one SUM
    statement (read from the index alone on the open list)."""
    sums = receivables.order_by().aggregate(
        open=Sum(Case(When(OPEN, then=open_balance()), default=ZERO)),
        overdue=Sum(Case(When(OPEN & Q(due_date__lt=today), then=open_balance()), default=ZERO)),
        received=Sum("received_amount"),
    )
    return ReceivableTotals(**{key: value or Decimal("0.00") for key, value in sums.items()})


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
