"""Headlines that fit one screen: the board's own chosen KPIs, else one line per theme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from sqlalchemy.orm import Session

from bot.kpis.figures import Headline, headlines, in_area
from bot.kpis.info import KpiInfo
from bot.kpis.reading import recent_values


@dataclass
class ThemeLine:
    theme: str | None
    count: int  # the theme's KPIs (with a value in the area asked about, if one was)
    headline: Headline  # the KPI with the theme's most recent value, one with a change first


def newest(headline: Headline) -> date:
    ends = [
        fig.period_end
        for area in headline.areas
        for fig in (area.figure, area.partial)
        if fig is not None and fig.period_end is not None
    ]
    return max(ends, default=date.min)


def changed(headline: Headline) -> bool:
    return any(area.trend is not None or area.figure.change for area in headline.areas)


def theme_lines(session: Session, kpis: Sequence[KpiInfo], area: str | None = None) -> list[ThemeLine]:
    """For each theme (in the given order), its KPI whose latest value is the most recent,
    preferring one whose change is known (a direction of travel or a change the source states)."""
    values = recent_values(session, [k.id for k in kpis])
    lines = []
    for theme, members in groupby(kpis, key=lambda k: k.theme):
        listed = list(members)
        with_values = [k for k in listed if in_area(values[k.id], area)]
        if not with_values and area is None:
            with_values = listed  # none has a value yet: the line says so
        if not with_values:
            continue
        shown = headlines(session, with_values, area, values=values)
        best = max(shown, key=lambda h: (changed(h), newest(h), -shown.index(h)))
        lines.append(ThemeLine(theme, len(with_values), best))
    return lines
