"""The reads behind /kpi: a board's KPIs in reading order, and each KPI's recent values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.kpis.info import KpiInfo, reading_order

RECENT_DATED = 24  # newest dated values read per KPI: more than a history shows, to say older exist
RECENT_UNDATED = 6  # values without a period_end read per KPI


@dataclass(frozen=True)
class BoardKpis:
    """Every KPI of a board in the headlines' order (by theme, themeless last, then name, as a
    reader orders them), and each theme in that order with how many KPIs it has."""

    kpis: tuple[KpiInfo, ...]
    themes: tuple[tuple[str | None, int], ...]


def board_kpis(session: Session, board: m.Board) -> BoardKpis:
    """The board's KPIs: names, aliases, themes, keys and descriptions, no values."""
    kpis = in_reading_order(
        KpiInfo.of(kpi) for kpi in session.scalars(select(m.Kpi).where(m.Kpi.board_id == board.id))
    )
    return BoardKpis(kpis, tuple(Counter(k.theme for k in kpis).items()))


def in_reading_order(kpis: Iterable[KpiInfo]) -> tuple[KpiInfo, ...]:
    """By theme (themeless last), then name, as a reader orders them; ties by id."""
    return tuple(
        sorted(
            kpis, key=lambda k: (k.theme is None, reading_order(k.theme or ""), reading_order(k.name), k.id)
        )
    )


def recent_values(session: Session, kpi_ids: Sequence[int]) -> dict[int, list[m.KpiValue]]:
    """Each KPI's newest RECENT_DATED dated values (ties: the highest id first), then its first
    RECENT_UNDATED undated ones (by id): one query for all the KPIs."""
    undated = m.KpiValue.period_end.is_(None)
    place = func.row_number().over(
        partition_by=(m.KpiValue.kpi_id, undated),
        # dated values newest first, ties by the highest id; undated ones by id
        order_by=(m.KpiValue.period_end.desc(), case((undated, m.KpiValue.id), else_=-m.KpiValue.id)),
    )
    ranked = (
        select(m.KpiValue.id, undated.label("undated"), place.label("place"))
        .where(m.KpiValue.kpi_id.in_(kpi_ids))
        .subquery()
    )
    recent = session.scalars(
        select(m.KpiValue)
        .join(ranked, ranked.c.id == m.KpiValue.id)
        .where(ranked.c.place <= case((ranked.c.undated, RECENT_UNDATED), else_=RECENT_DATED))
        .order_by(ranked.c.undated, ranked.c.place)
    )
    found: dict[int, list[m.KpiValue]] = {kpi_id: [] for kpi_id in kpi_ids}
    for value in recent:
        found[value.kpi_id].append(value)
    return found


def documents_cited(session: Session, values: Iterable[m.KpiValue]) -> dict[int, m.Document]:
    """The source documents of these values, by id."""
    ids = {v.source_document_id for v in values if v.source_document_id is not None}
    if not ids:
        return {}
    return {doc.id: doc for doc in session.scalars(select(m.Document).where(m.Document.id.in_(ids)))}
