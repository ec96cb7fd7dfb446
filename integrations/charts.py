"""A bar chart of daily counts as plain SVG geometry, drawn by the template: no JavaScript, no CDN
(the machine may be offline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    count: int

    @property
    def label(self) -> str:
        return f"{date_format(self.day, 'SHORT_DATE_FORMAT')}: {self.count}"


@dataclass(frozen=True)
class DailyChart:
    bars: list[Bar]
    peak: int
    total: int
    width: int = WIDTH
    height: int = HEIGHT


def daily_chart(series: list[tuple[date, int]]) -> DailyChart:
    """One bar per day, scaled to the busiest day; a day with no sale keeps a 1px stub so the gap reads
    as "nothing came in" rather than as a missing bar."""
    peak = max((count for _day, count in series), default=0)
    slot = WIDTH / max(len(series), 1)
    bars = []
    for index, (day, count) in enumerate(series):
        height = max(round(count / peak * (HEIGHT - 1), 1), 1) if peak else 1
        bars.append(
            Bar(
                x=round(index * slot, 1),
                y=round(HEIGHT - height, 1),
                width=round(slot - GAP, 1),
                height=height,
                day=day,
                count=count,
            )
        )
    return DailyChart(bars=bars, peak=peak, total=sum(count for _day, count in series))
