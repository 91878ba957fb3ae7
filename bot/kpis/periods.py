"""Which KPI values may be compared: direction of travel only between like periods.

A value is compared with the `previous` its source gives, else with the same area's value of the
same period kind ending at the same time of an earlier year. A part-year ("to date") or live-tracker
value is never given a direction: it is shown beside the latest final value instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot import models as m
from bot.kpis.info import KpiInfo
from bot.models.kpis import PeriodKind

ARROWS = {"up": "↑", "down": "↓", "same": "→"}
PARTIAL = frozenset({PeriodKind.TO_DATE.value, PeriodKind.LIVE.value})
COMPARABLE = frozenset(
    {PeriodKind.YEAR.value, PeriodKind.QUARTER.value, PeriodKind.MONTH.value, PeriodKind.SNAPSHOT.value}
)
SAME_TIME_DAYS = 3  # period ends this close in another year are "the same time of year" (28/29 Feb)


@dataclass
class Trend:
    """Direction of travel against an earlier value of the same area."""

    label: str  # "↓ improving", "↑ up", "→ unchanged"
    before: str  # the value compared with, e.g. "42.4%"
    before_period: str | None


def is_partial(row: m.KpiValue) -> bool:
    """A part-year or live-tracker value: not final, so never compared."""
    return row.period_kind in PARTIAL


def kind_note(row: m.KpiValue) -> str | None:
    """What a reader must know about the period: "to date", "live tracker, not final"."""
    said = row.period.lower()
    if row.period_kind == PeriodKind.TO_DATE:
        return None if "to date" in said else "to date"
    if row.period_kind == PeriodKind.LIVE:
        return "not final" if "live" in said else "live tracker, not final"
    return None


def comparable(later: m.KpiValue, earlier: m.KpiValue) -> bool:
    """Same kind of period (a full year, quarter, month or a count on a date), ending at the same
    time of an earlier year: a year with the year before, 31 March with 31 March."""
    if later.period_kind not in COMPARABLE or later.period_kind != earlier.period_kind:
        return False
    if later.period_end is None or earlier.period_end is None:
        return False
    if earlier.period_end.year >= later.period_end.year or earlier.period_end.month != later.period_end.month:
        return False
    return abs(later.period_end.day - earlier.period_end.day) <= SAME_TIME_DAYS


def direction(value: float, before: float, kpi: KpiInfo) -> str:
    """ "↓ improving" where the KPI says which way is better, else "↓ down"."""
    if math.isclose(value, before):
        return f"{ARROWS['same']} unchanged"
    up = value > before
    if kpi.better in (m.Better.HIGHER, m.Better.LOWER):
        word = "improving" if up == (kpi.better == m.Better.HIGHER) else "worsening"
    else:
        word = "up" if up else "down"
    return f"{ARROWS['up' if up else 'down']} {word}"


def compared_with(latest: m.KpiValue, earlier: Sequence[m.KpiValue]) -> tuple[float, str | None] | None:
    """The value and period `latest` is compared with: its own `previous`, else a comparable
    earlier value of the same area; None for a part-year or live value, or with nothing like it."""
    if is_partial(latest):
        return None
    if latest.previous is not None:
        return latest.previous, latest.previous_period
    preceding = next((r for r in earlier if r.id != latest.id and comparable(latest, r)), None)
    return (preceding.value, preceding.period) if preceding is not None else None
