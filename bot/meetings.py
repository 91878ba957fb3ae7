"""Meetings as members see them: who chairs, which items they may see, when papers are due.

The statements are built once with bound parameters: on this hot path building a statement costs
more than running it (bench/commands.py measures it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import ColumnElement, Row, Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from bot import models as m
from bot.db import plain_rows, written
from bot.kpis import reading_order
from bot.workdays import paper_deadline, working_days_between

CHAIR_ROLES = (m.MembershipRole.CHAIR.value, m.MembershipRole.CO_CHAIR.value)
UPCOMING_LOOKAHEAD = 6  # cancelled meetings shown before the next one, at most

_BOARD = bindparam("board_id")
_DAY = bindparam("day")

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


@lru_cache(maxsize=2)
def _items_and_chairs(dialect: str) -> Select:
    """A meeting's items in order (every column) with the board's chairs, in one statement: the
    chairs as one JSON list of [role, name] (an aggregate gives exactly one row, so a meeting with
    no items still brings them), each item joined to it. One round trip fewer for /nextmeeting and
    /agenda; the JSON functions are the dialect's own."""
    pair = (m.Membership.role, m.Person.name)
    if dialect == "postgresql":
        listed = func.json_agg(func.json_build_array(*pair))
    else:
        listed = func.json_group_array(func.json_array(*pair))
    chairs = (
        select(listed.label("chairs"))
        .select_from(m.Membership)
        .join(m.Person, m.Person.id == m.Membership.person_id)
        .where(m.Membership.board_id == _BOARD, m.Membership.role.in_(written(CHAIR_ROLES)))
        .subquery("c")
    )
    items = m.AgendaItem.__table__
    return (
        select(chairs.c.chairs, *items.c)
        .select_from(chairs.outerjoin(items, items.c.meeting_id == bindparam("meeting_id")))
        .order_by(items.c.position, items.c.number)
    )


@dataclass(frozen=True)
class Chair:
    role: str
    name: str


@dataclass
class Deadline:
    due_on: date
    working_days_left: int  # negative once passed


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


def agenda(
    session: Session, board: m.Board, meeting: Row, *, show_restricted: bool
) -> tuple[list[Row], int, list[Chair]]:
    """The meeting's items in order (rows with the agenda_items columns), how many restricted items
    were left out, and the board's chairs and co-chairs: chairs first, each alphabetically."""
    dialect = session.get_bind().dialect.name
    rows = plain_rows(session, _items_and_chairs(dialect), {"board_id": board.id, "meeting_id": meeting.id})
    listed = rows[0].chairs  # psycopg decodes JSON; SQLite gives its text
    pairs = json.loads(listed) if isinstance(listed, str) else listed or []
    chairs = [Chair(role, name) for role, name in sorted(pairs, key=_chairs_first_by_name)]
    items = [row for row in rows if row.id is not None]  # no items: one row, of chairs alone
    if show_restricted:
        return items, 0, chairs
    public = [item for item in items if not item.restricted]
    return public, len(items) - len(public), chairs


def _chairs_first_by_name(pair: list[str]) -> tuple[str, str, str]:
    """Chairs before co-chairs, each alphabetically as a reader expects (case and accents aside),
    whatever the database's collation."""
    role, name = pair
    return role, reading_order(name), name


def papers_deadline(board: m.Board, meeting: Row, today: date) -> Deadline:
    due = paper_deadline(meeting.meets_on, board.paper_deadline_working_days, board.holiday_region)
    return Deadline(due, working_days_between(today, due, board.holiday_region))
