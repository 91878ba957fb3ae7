"""Boroughs and areas a member may name in /kpi: "westminster", "kensington and chelsea", "rbkc".

An area is named by its name as the values record it, by either half of an "X and Y" name, or by
the name or short name of an organisation of the workspace whose name holds the area's name
("Royal Borough of Kensington and Chelsea", RBKC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.kpis.search import compact, words_of

PART_CHARS = 4  # a half of "X and Y" shorter than this names no area on its own


@dataclass(frozen=True)
class AreaChoice:
    area: str | None  # as the values record it: "Kensington and Chelsea"
    rest: str  # the words that did not name it


def board_areas(session: Session, board: m.Board) -> list[str]:
    """The areas the board's KPI values are recorded for, those with the most values first."""
    return list(
        session.scalars(
            select(m.KpiValue.area)
            .join(m.Kpi, m.Kpi.id == m.KpiValue.kpi_id)
            .where(m.Kpi.board_id == board.id)
            .group_by(m.KpiValue.area)
            .order_by(func.count().desc(), m.KpiValue.area)
        )
    )


def area_names(session: Session, board: m.Board) -> dict[tuple[str, ...], str]:
    """Each way of naming one of the board's areas, as words, with the area it names."""
    areas = board_areas(session, board)
    names: dict[tuple[str, ...], str] = {}
    halves: dict[str, set[str]] = {}
    for area in areas:
        words = tuple(words_of(area))
        names.setdefault(words, area)
        if "and" in words:
            for word in words:
                if word != "and" and len(word) >= PART_CHARS:
                    halves.setdefault(word, set()).add(area)
    for word, named in halves.items():
        if len(named) == 1 and (word,) not in names:  # not the whole name of another area
            names.setdefault((word,), next(iter(named)))
    organisations = session.scalars(
        select(m.Organisation).where(m.Organisation.workspace_id == board.workspace_id)
    )
    for org in organisations:
        holding = [a for a in areas if compact(a) and compact(a) in compact(org.name)]
        if len(holding) != 1:
            continue
        for label in (org.name, org.short_name):
            if label:
                names.setdefault(tuple(words_of(label)), holding[0])
    return {words: area for words, area in names.items() if words}


def pick_area(text: str, names: dict[tuple[str, ...], str]) -> AreaChoice:
    """The first area the text names (its longest name first), and the text without it."""
    words = words_of(text)
    for name in sorted(names, key=len, reverse=True):
        at = find(words, name)
        if at is not None:
            rest = words[:at] + words[at + len(name) :]
            return AreaChoice(names[name], " ".join(rest))
    return AreaChoice(None, text)


def find(words: Sequence[str], name: tuple[str, ...]) -> int | None:
    for at in range(len(words) - len(name) + 1):
        if tuple(words[at : at + len(name)]) == name:
            return at
    return None
