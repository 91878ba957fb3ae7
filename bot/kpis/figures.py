"""How /kpi shows values: numbers with their units, figures with comparators and sources, trends."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot import models as m
from bot.kpis.info import KpiInfo, one_line, reading_order
from bot.kpis.periods import Trend, compared_with, direction, is_partial, kind_note
from bot.kpis.reading import RECENT_DATED, documents_cited, recent_values
from bot.kpis.sparkline import Spark, sparkline

HEADLINE_AREAS = 4
HISTORY_AREAS = 4  # real boards report two boroughs and the partnership; more is a long read
HISTORY_DATED = 5  # dated values shown per area in a KPI's history
HISTORY_UNDATED = 2
NOTE_CHARS = 110
LABEL_CHARS = 60
RAG_BADGES: dict[str | None, str] = {
    m.Rag.RED: ":red_circle: red",
    m.Rag.AMBER: ":large_orange_circle: amber",
    m.Rag.GREEN: ":large_green_circle: green",
}


# --- numbers ------------------------------------------------------------------------------------


def amount(value: float) -> str:
    """A number as people write it: 1,559 · 37.5 · 0.23 · -0.2 (at most three decimals)."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) < 0.001:
        return f"{value:g}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def measure(value: float, unit: str | None) -> str:
    """A value with its unit: 40% · 44 · £1,034,455 · 196 per 100,000 aged 10-17."""
    unit = (unit or "").strip()
    if unit in ("", "count", "number"):
        return amount(value)
    if unit.startswith("%"):
        return f"{amount(value)}{unit}"  # 40% · 21% change
    if unit == "£":
        return f"-£{amount(-value)}" if value < 0 else f"£{amount(value)}"
    return f"{amount(value)} {unit}"


def brief(value: float, unit: str | None) -> str:
    """A comparator's value: the unit only where it is a sign (%, £), so lines stay short."""
    unit = (unit or "").strip()
    if unit.startswith("%"):
        return f"{amount(value)}%"
    if unit == "£":
        return measure(value, unit)
    return amount(value)


# --- figures ------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One value as a reader sees it."""

    area: str
    period: str  # as written, with what a reader must know: "2023 to present June, to date"
    period_end: date | None
    value: str  # with its unit: "37.5%"
    comparators: list[str]  # "London 33.1%", "England 31.1%", "previous 42.4% (previous cohort)"
    target: str | None
    rag: str | None
    note: str | None
    change: str | None  # the change as the source states it
    document_id: int | None
    where: str | None  # "page 4": the printed page; the data's line numbers are not shown
    differs: bool = False  # another document gives another value for this area and period
    source_number: int | None = None  # set when the KPI's figures cite more than one document

    @property
    def cite(self) -> str:
        """Where the figure comes from: "page 4", "source 2, page 4"; the titles are listed apart."""
        parts = [f"source {self.source_number}"] if self.source_number else []
        parts += [self.where] if self.where else []
        if not parts and self.document_id is None:
            return "source not recorded"
        return ", ".join(parts)


@dataclass
class AreaLatest:
    """An area's latest final value and its direction of travel, and any newer part-year or
    live-tracker value beside it (never compared with it)."""

    figure: Figure
    trend: Trend | None
    partial: Figure | None = None
    spark: Spark | None = None  # the area's comparable periods at a glance


@dataclass
class Headline:
    kpi: KpiInfo
    areas: list[AreaLatest]
    more_areas: bool


@dataclass
class Source:
    number: int | None
    title: str
    url: str | None


@dataclass
class AreaHistory:
    area: str
    figures: list[Figure]  # oldest first, undated last
    trend: Trend | None
    trend_to: str | None = None  # the period the trend is for, when newer values are not final
    spark: Spark | None = None


@dataclass
class Detail:
    kpi: KpiInfo
    areas: list[AreaHistory]
    more_areas: bool  # values for other areas were read but not shown
    older: bool  # older values exist than those shown (a count would read the KPI's whole history)
    sources: list[Source] = field(default_factory=list)


def same_period(a: m.KpiValue, b: m.KpiValue) -> bool:
    if a.period_end is not None or b.period_end is not None:
        return a.period_end == b.period_end
    return a.period.strip().lower() == b.period.strip().lower()


def disagreeing(row: m.KpiValue, rows: Sequence[m.KpiValue]) -> bool:
    return any(
        other.id != row.id
        and other.source_document_id != row.source_document_id
        and same_period(other, row)
        and not math.isclose(other.value, row.value)
        for other in rows
    )


def figure(row: m.KpiValue, kpi: KpiInfo, rows: Sequence[m.KpiValue], *, comparators: str = "all") -> Figure:
    """A value with its comparators: all of them, the first of London, England, neighbours, or none."""
    found = [
        (label, value)
        for label, value in (
            ("London", row.london),
            ("England", row.england),
            ("statistical neighbours", row.statistical_neighbours),
        )
        if value is not None
    ]
    if comparators != "all":
        found = found[: 1 if comparators == "one" else 0]
    shown = [f"{label} {brief(value, kpi.unit)}" for label, value in found]
    if comparators == "all" and row.previous is not None:
        when = f" ({one_line(row.previous_period, LABEL_CHARS)})" if row.previous_period else ""
        shown.append(f"previous {brief(row.previous, kpi.unit)}{when}")
    where = f"page {row.source_page}" if row.source_page is not None else None  # lines are for tests
    note_on_kind = kind_note(row)
    period = one_line(row.period, LABEL_CHARS)
    return Figure(
        area=row.area,
        period=f"{period}, {note_on_kind}" if note_on_kind else period,
        period_end=row.period_end,
        value=measure(row.value, kpi.unit),
        comparators=shown,
        target=measure(row.target, kpi.unit) if row.target is not None else None,
        rag=RAG_BADGES.get(row.rag),
        note=one_line(row.note, NOTE_CHARS) if row.note else None,
        change=one_line(row.change, NOTE_CHARS) if row.change else None,
        document_id=row.source_document_id,
        where=where,
        differs=disagreeing(row, rows),
    )


def by_area(rows: Sequence[m.KpiValue]) -> dict[str, list[m.KpiValue]]:
    """Values grouped by area (areas alphabetical, whatever their case and accents), each newest
    first as given."""
    grouped: dict[str, list[m.KpiValue]] = {}
    for row in rows:
        grouped.setdefault(row.area, []).append(row)
    return dict(sorted(grouped.items(), key=lambda item: (reading_order(item[0]), item[0])))


def latest(rows: Sequence[m.KpiValue], kpi: KpiInfo) -> AreaLatest:
    """An area's newest final value with its direction of travel; a newer part-year or live value
    is shown beside it, not compared with it. `rows` are the area's values, newest first."""
    final = next((r for r in rows if not is_partial(r)), None)
    partial = rows[0] if is_partial(rows[0]) else None
    if final is None:
        return AreaLatest(figure(rows[0], kpi, rows, comparators="one"), None)
    return AreaLatest(
        figure(final, kpi, rows, comparators="one"),
        trend(final, rows, kpi),
        figure(partial, kpi, rows, comparators="none") if partial is not None else None,
        sparkline(final, rows),
    )


def trend(latest: m.KpiValue, rows: Sequence[m.KpiValue], kpi: KpiInfo) -> Trend | None:
    """Direction of travel where `latest` may be compared (see periods.compared_with)."""
    found = compared_with(latest, rows)
    if found is None:
        return None
    before, before_period = found
    return Trend(
        direction(latest.value, before, kpi),
        brief(before, kpi.unit),
        one_line(before_period, LABEL_CHARS) if before_period else None,
    )


def in_area(rows: Sequence[m.KpiValue], area: str | None) -> list[m.KpiValue]:
    return list(rows) if area is None else [r for r in rows if r.area == area]


def headlines(
    session: Session, kpis: Sequence[KpiInfo], area: str | None = None, *, values=None
) -> list[Headline]:
    """Each KPI's latest value in its first areas (or in `area` only), with its direction of travel
    and one comparator."""
    values = values if values is not None else recent_values(session, [k.id for k in kpis])
    shown = []
    for kpi in kpis:
        grouped = list(by_area(in_area(values[kpi.id], area)).values())
        areas = [latest(rows, kpi) for rows in grouped[:HEADLINE_AREAS]]  # only the areas shown
        shown.append(Headline(kpi, areas, len(grouped) > HEADLINE_AREAS))
    return shown


def details(session: Session, kpis: Sequence[KpiInfo], area: str | None = None) -> list[Detail]:
    """Each KPI's recent history per area (or in `area` only), in time order, with comparators and
    sources."""
    values = recent_values(session, [k.id for k in kpis])
    docs = documents_cited(session, (v for rows in values.values() for v in rows))
    shown = []
    for kpi in kpis:
        grouped = list(by_area(in_area(values[kpi.id], area)).items())
        areas, older = [], sum(r.period_end is not None for r in values[kpi.id]) == RECENT_DATED
        for name, rows in grouped[:HISTORY_AREAS]:
            dated = [r for r in rows if r.period_end is not None][:HISTORY_DATED]
            undated = [r for r in rows if r.period_end is None][:HISTORY_UNDATED]
            figures = [figure(r, kpi, rows) for r in [*reversed(dated), *undated]]
            final = next((r for r in rows if not is_partial(r)), rows[0])
            to = one_line(final.period, LABEL_CHARS) if final is not rows[0] else None
            areas.append(AreaHistory(name, figures, trend(final, rows, kpi), to, sparkline(final, rows)))
            older = older or len(figures) < len(rows)
        detail = Detail(kpi, areas, more_areas=len(grouped) > HISTORY_AREAS, older=older)
        detail.sources = number_sources(detail, docs)
        shown.append(detail)
    return shown


def number_sources(detail: Detail, docs: dict[int, m.Document]) -> list[Source]:
    """The documents a KPI's figures cite; numbered (and each figure told its number) when several."""
    order: list[int | None] = []
    for area in detail.areas:
        for fig in area.figures:
            if fig.document_id not in order:
                order.append(fig.document_id)
    numbered = len(order) > 1
    for area in detail.areas:
        for fig in area.figures:
            fig.source_number = order.index(fig.document_id) + 1 if numbered else None
    sources = []
    for position, doc_id in enumerate(order, start=1):
        doc = docs.get(doc_id) if doc_id is not None else None
        title = one_line(doc.title, 200) if doc else "source not recorded"
        sources.append(Source(position if numbered else None, title, doc.url if doc else None))
    return sources
