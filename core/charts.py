"""A bar chart of daily figures (counts, amounts) as plain SVG geometry, drawn by the template: no
JavaScript, no CDN (the machine may be offline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format

WIDTH = 300
HEIGHT = 60
GAP = 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    count: int | Decimal
    value_label: str = ""

    @property
    def label(self) -> str:
        return f"{date_format(self.day, 'SHORT_DATE_FORMAT')}: {self.value_label or self.count}"


@dataclass(frozen=True)
class DailyChart:
    bars: list[Bar]
    peak: int | Decimal
    total: int | Decimal
    width: int = WIDTH
    height: int = HEIGHT


def daily_chart(
    series: list[tuple[date, int | Decimal]], format_value: Callable[[int | Decimal], str] | None = None
) -> DailyChart:
    """One bar per day, scaled to the busiest day; a day with nothing keeps a 1px stub so the gap reads
    as "nothing that day" rather than as a missing bar. `format_value` writes a bar's figure in its
    hover label (R$ for amounts)."""
    peak = max((count for _day, count in series), default=0)
    slot = WIDTH / max(len(series), 1)
    bars = []
    for index, (day, count) in enumerate(series):
        height = max(round(float(count) / float(peak) * (HEIGHT - 1), 1), 1) if peak else 1
        bars.append(
            Bar(
                x=round(index * slot, 1),
                y=round(HEIGHT - height, 1),
                width=round(slot - GAP, 1),
                height=height,
                day=day,
                count=count,
                value_label=format_value(count) if format_value else "",
            )
        )
    return DailyChart(bars=bars, peak=peak, total=sum((count for _day, count in series), 0))
