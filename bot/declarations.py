"""Declarations of interest as members and the secretary see them: a meeting's, by item, and the
standing ones of a board's members."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.render import slack_escape

DECLARATIONS_ITEM_RE = re.compile(r"\bdeclarations?\s+of\s+(?:pecuniary\s+)?interests?\b", re.IGNORECASE)
REVIEW_EVERY_DAYS = 365  # standing declarations are reviewed yearly


def is_declarations_item(item: m.AgendaItem) -> bool:
    """The agenda's "declarations of interest" item (every pack has one)."""
    return bool(DECLARATIONS_ITEM_RE.search(item.title))


def of_meeting(session: Session, meeting_id: int) -> list[m.Declaration]:
    """The meeting's declarations in agenda order, then by name."""
    return list(
        session.scalars(
            select(m.Declaration)
            .join(m.AgendaItem, m.AgendaItem.id == m.Declaration.agenda_item_id)
            .join(m.Person, m.Person.id == m.Declaration.person_id)
            .where(m.Declaration.meeting_id == meeting_id)
            .options(joinedload(m.Declaration.agenda_item), joinedload(m.Declaration.person))
            .order_by(m.AgendaItem.position, m.AgendaItem.number, m.Person.name)
        )
    )


def standing_of(
    session: Session, board: m.Board, person_ids: list[int] | None = None
) -> list[m.StandingDeclaration]:
    """The board's standing declarations (of `person_ids` only, when given), by name."""
    stmt = (
        select(m.StandingDeclaration)
        .join(m.Person, m.Person.id == m.StandingDeclaration.person_id)
        .where(m.StandingDeclaration.board_id == board.id)
        .options(joinedload(m.StandingDeclaration.person))
        .order_by(m.Person.name, m.StandingDeclaration.interest)
    )
    if person_ids is not None:
        stmt = stmt.where(m.StandingDeclaration.person_id.in_(person_ids))
    return list(session.scalars(stmt))


def review_due(standing: m.StandingDeclaration) -> date | None:
    """The day the member is next asked to review it: a year after its last review (or declaration)."""
    last = standing.reviewed_on or standing.declared_on
    return None if last is None else date.fromordinal(last.toordinal() + REVIEW_EVERY_DAYS)


def line(declaration: m.Declaration, *, with_item: bool = True) -> str:
    """One declaration as an escaped mrkdwn line: who, the item, the interest and its kind."""
    item = declaration.agenda_item
    kind = f" ({declaration.kind})" if declaration.kind else ""
    where = f"item {slack_escape(item.number)}: " if with_item else ""
    return f"• {where}*{slack_escape(declaration.person.name)}*{kind}: {slack_escape(declaration.interest)}"


def agenda_lines(session: Session, meeting: m.Meeting, *, show_restricted: bool) -> dict[int, list[str]]:
    """What `/agenda` lists under the meeting's declarations item, by that item's id."""
    found = of_meeting(session, meeting.id)
    shown = [d for d in found if show_restricted or not d.agenda_item.restricted]
    lines = [line(d) for d in shown]
    if len(found) > len(shown):
        hidden = len(found) - len(shown)
        lines.append(f"_{hidden} declaration{'s' if hidden != 1 else ''} in restricted items not shown_")
    if not lines:
        return {}
    by_item: dict[int, list[str]] = defaultdict(list)
    items = session.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id))
    for item in items:
        if is_declarations_item(item):
            by_item[item.id] = lines
            break
    return dict(by_item)
