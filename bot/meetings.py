"""Meetings as members see them: who chairs, which items they may see, when papers are due.

The statements are built once with bound parameters: on this hot path building a statement costs
more than running it (bench/commands.py measures it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Row, Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from bot import models as m
from bot.db import plain_rows, written
from bot.workdays import paper_deadline, working_days_between

CHAIR_ROLES = (m.MembershipRole.CHAIR.value, m.MembershipRole.CO_CHAIR.value)
UPCOMING_LOOKAHEAD = 6  # cancelled meetings shown before the next one, at most

_BOARD = bindparam("board_id")
_DAY = bindparam("day")

_CHAIRS = (  # names only: plain rows cost less than loading Person objects
    select(m.Person.id, m.Person.name)
    .join(m.Membership)
    .where(m.Membership.board_id == _BOARD, m.Membership.role.in_(written(CHAIR_ROLES)))
    .order_by(m.Membership.role, m.Person.name)
)
_HOST = aliased(m.Organisation, name="host")


def select_meetings(*where: ColumnElement) -> Select:
    """Meetings as plain rows (see bot.db.plain_rows): every column of meetings, then `host_name`
    (None when no host is recorded). The replies only read them; loading Meeting objects and their
    hosts cost twice as much."""
    return (
        select(*m.Meeting.__table__.c, _HOST.name.label("host_name"))
        .select_from(m.Meeting)
        .outerjoin(_HOST, _HOST.id == m.Meeting.host_id)
        .where(*where)
    )


_OF_BOARD = m.Meeting.board_id == _BOARD
_UPCOMING = (
    select_meetings(_OF_BOARD, m.Meeting.meets_on >= _DAY)
    .order_by(m.Meeting.meets_on, m.Meeting.starts_at)
    .limit(written(UPCOMING_LOOKAHEAD))
)
_NEXT_HELD = (
    select_meetings(_OF_BOARD, m.Meeting.meets_on >= _DAY, m.Meeting.status != written("cancelled"))
    .order_by(m.Meeting.meets_on, m.Meeting.starts_at)
    .limit(written(1))
)
_LAST_HELD = (
    select_meetings(_OF_BOARD, m.Meeting.meets_on < _DAY, m.Meeting.status == written("confirmed"))
    .order_by(m.Meeting.meets_on.desc())
    .limit(written(1))
)
_ON_DAY = (
    select_meetings(_OF_BOARD, m.Meeting.meets_on == _DAY).order_by(m.Meeting.starts_at).limit(written(1))
)
_BEFORE = (
    select_meetings(_OF_BOARD, m.Meeting.meets_on < _DAY)
    .order_by(m.Meeting.meets_on.desc())
    .limit(bindparam("count"))
)
_FROM = (
    select_meetings(_OF_BOARD, m.Meeting.meets_on >= _DAY)
    .order_by(m.Meeting.meets_on)
    .limit(bindparam("count"))
)
_ITEMS = (  # plain rows with every column: the replies only read them
    select(*m.AgendaItem.__table__.c)
    .where(m.AgendaItem.meeting_id == bindparam("meeting_id"))
    .order_by(m.AgendaItem.position, m.AgendaItem.number)
)


@dataclass
class Deadline:
    due_on: date
    working_days_left: int  # negative once passed


def chairs(session: Session, board: m.Board) -> Sequence[Row]:
    """The board's chairs and co-chairs (id, name)."""
    return plain_rows(session, _CHAIRS, {"board_id": board.id})


def upcoming(session: Session, board: m.Board, today: date) -> tuple[Row | None, list[Row]]:
    """The next meeting that is not cancelled, and the cancelled ones before it (one query).

    When more cancelled meetings come first than one look-ahead holds, a second query finds the next.
    """
    ahead = plain_rows(session, _UPCOMING, {"board_id": board.id, "day": today})
    held = [meeting for meeting in ahead if meeting.status != m.MeetingStatus.CANCELLED]
    if held:
        return held[0], [mt for mt in ahead if mt.meets_on <= held[0].meets_on and mt not in held]
    cancelled = [mt for mt in ahead if mt.status == m.MeetingStatus.CANCELLED]
    if len(ahead) < UPCOMING_LOOKAHEAD:
        return None, cancelled
    return next_meeting(session, board, today), cancelled


def _first(rows: Sequence[Row]) -> Row | None:
    return rows[0] if rows else None


def next_meeting(session: Session, board: m.Board, today: date) -> Row | None:
    """The first meeting on or after today that is not cancelled."""
    return _first(plain_rows(session, _NEXT_HELD, {"board_id": board.id, "day": today}))


def last_meeting(session: Session, board: m.Board, today: date) -> Row | None:
    """The last confirmed meeting before today (a provisional date in the past may never have been held)."""
    return _first(plain_rows(session, _LAST_HELD, {"board_id": board.id, "day": today}))


def meeting_on(session: Session, board: m.Board, day: date) -> Row | None:
    return _first(plain_rows(session, _ON_DAY, {"board_id": board.id, "day": day}))


def meetings_near(session: Session, board: m.Board, day: date, count: int = 2) -> list[Row]:
    """The meetings just before and just after a day, nearest first."""
    params = {"board_id": board.id, "day": day, "count": count}
    found = [*plain_rows(session, _BEFORE, params), *plain_rows(session, _FROM, params)]
    return sorted(found, key=lambda mt: (abs((mt.meets_on - day).days), mt.meets_on))


def agenda_items(session: Session, meeting: Row, *, show_restricted: bool) -> tuple[Sequence[Row], int]:
    """The items in order (rows with the agenda_items columns), and how many restricted items
    were left out."""
    items = plain_rows(session, _ITEMS, {"meeting_id": meeting.id})
    if show_restricted:
        return items, 0
    public = [item for item in items if not item.restricted]
    return public, len(items) - len(public)


def papers_deadline(board: m.Board, meeting: Row, today: date) -> Deadline:
    due = paper_deadline(meeting.meets_on, board.paper_deadline_working_days, board.holiday_region)
    return Deadline(due, working_days_between(today, due, board.holiday_region))
