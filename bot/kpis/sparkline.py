"""A KPI's recent history in one line of text: ▁▃▅█ over comparable periods, and what it covers.

Only like periods share a line: an area's values of the same period kind as its latest final one
(full years ending at the same time of year, quarters, months or counts on a date), oldest first. A
part-year or live-tracker value is left out and the line says so; so are values without a date. The
earliest value's own `previous` (the figure its source compares it with) starts the line when the
source gives one, named by the period the source names, else "previous".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot import models as m
from bot.kpis.info import one_line
from bot.kpis.periods import COMPARABLE, SAME_TIME_DAYS, is_partial
from bot.models.kpis import PeriodKind

BARS = "▁▂▃▄▅▆▇█"
MAX_POINTS = 12  # a dozen periods read at a glance; older ones are in the detail and the chart
LABEL_CHARS = 45


@dataclass(frozen=True)
class Spark:
    """A sparkline and the periods it covers."""

    bars: str  # "▁▃▅█"
    first: str  # the first period as written: "2019/20"
    last: str
    kind: str  # "year", "quarter", … (PeriodKind)
    left_out: int = 0  # part-year or live values of the area not drawn
    live: bool = False  # those left out are all live-tracker values

    @property
    def covers(self) -> str:
        """ "4 years, 2019/20–2022/23": how many periods of which kind, first to last."""
        noun = {"year": "year", "quarter": "quarter", "month": "month", "snapshot": "count"}.get(
            self.kind, "period"
        )
        count = len(self.bars)
        return f"{count} {noun}{'s' if count != 1 else ''}, {self.first}–{self.last}"

    @property
    def note(self) -> str | None:
        if not self.left_out:
            return None
        what = "live-tracker" if self.live else "part-year"
        return f"{what} figure left out" if self.left_out == 1 else f"{self.left_out} {what} figures left out"


def bars(values: Sequence[float]) -> str:
    """One bar per value, scaled between the lowest and the highest: all equal is a level line."""
    low, high = min(values), max(values)
    if math.isclose(low, high):
        return BARS[3] * len(values)
    top = len(BARS) - 1
    return "".join(BARS[round((v - low) / (high - low) * top)] for v in values)


def same_time_of_year(a: m.KpiValue, b: m.KpiValue) -> bool:
    assert a.period_end is not None and b.period_end is not None
    return (
        a.period_end.month == b.period_end.month
        and abs(a.period_end.day - b.period_end.day) <= SAME_TIME_DAYS
    )


def like(latest: m.KpiValue, row: m.KpiValue) -> bool:
    """Drawn on one line with `latest`: the same kind of period; full years end at the same time of year."""
    if row.period_end is None or row.period_kind != latest.period_kind or is_partial(row):
        return False
    return latest.period_kind != PeriodKind.YEAR or same_time_of_year(latest, row)


def comparable_series(
    latest: m.KpiValue, rows: Sequence[m.KpiValue]
) -> tuple[list[tuple[str, float]], list[m.KpiValue]]:
    """The values like `latest` (the final value a reply shows) as (period, value), oldest first, and
    the area's part-year and live values left out. `rows` are the area's values, any order."""
    if latest.period_end is None or latest.period_kind not in COMPARABLE:
        return [], []
    dated = sorted((r for r in rows if r.period_end is not None), key=lambda r: (r.period_end, r.id))
    dated = [r for r in dated if r.period_end <= latest.period_end and r.id != latest.id] + [latest]  # type: ignore[operator]
    series: dict[object, m.KpiValue] = {}
    for row in dated:
        if like(latest, row):
            series[row.period_end] = row  # two documents for one period: the later-loaded one
    chosen = list(series.values())[-MAX_POINTS:]
    points = [(one_line(r.period, LABEL_CHARS), r.value) for r in chosen]
    first = chosen[0]
    if first.previous is not None and len(points) < MAX_POINTS:
        said = one_line(first.previous_period, LABEL_CHARS) if first.previous_period else "previous"
        points.insert(0, (said, first.previous))
    start = chosen[0].period_end
    left_out = [r for r in rows if is_partial(r) and r.period_end is not None and r.period_end >= start]  # type: ignore[operator]
    return points, left_out


def sparkline(latest: m.KpiValue, rows: Sequence[m.KpiValue]) -> Spark | None:
    """The sparkline of `latest` and the area's values like it, or None with fewer than two
    comparable periods (one bar says nothing)."""
    points, left_out = comparable_series(latest, rows)
    if len(points) < 2 or latest.period_kind is None:
        return None
    live = bool(left_out) and all(r.period_kind == PeriodKind.LIVE for r in left_out)
    return Spark(
        bars([v for _, v in points]), points[0][0], points[-1][0], latest.period_kind, len(left_out), live
    )
