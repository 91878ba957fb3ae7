"""Meetings as members see them: who chairs, which items they may see, when papers are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.kpis import reading_order
from bot.workdays import paper_deadline, working_days_between

CHAIR_ROLES = (m.MembershipRole.CHAIR.value, m.MembershipRole.CO_CHAIR.value)
UPCOMING_LOOKAHEAD = 6  # cancelled meetings shown before the next one, at most


def select_meetings(board: m.Board, *where: ColumnElement[bool]) -> Select[m.Meeting]:
    """The board's meetings matching `where`, each with its host (the replies show it)."""
    return select(m.Meeting).options(joinedload(m.Meeting.host)).where(m.Meeting.board_id == board.id, *where)


@dataclass(frozen=True)
class Chair:
    role: str
    name: str


@dataclass
class Deadline:
    due_on: date
    working_days_left: int  # negative once passed


def upcoming(session: Session, board: m.Board, today: date) -> tuple[m.Meeting | None, list[m.Meeting]]:
    """The next meeting that is not cancelled, and the cancelled ones before it.

    When more cancelled meetings come first than one look-ahead holds, a second query finds the next.
    """
    ahead = list(
        session.scalars(
            select_meetings(board, m.Meeting.meets_on >= today)
            .order_by(m.Meeting.meets_on, m.Meeting.starts_at)
            .limit(UPCOMING_LOOKAHEAD)
        )
    )
    held = [meeting for meeting in ahead if meeting.status != m.MeetingStatus.CANCELLED]
    if held:
        return held[0], [mt for mt in ahead if mt.meets_on <= held[0].meets_on and mt not in held]
    cancelled = [mt for mt in ahead if mt.status == m.MeetingStatus.CANCELLED]
    if len(ahead) < UPCOMING_LOOKAHEAD:
        return None, cancelled
    return next_meeting(session, board, today), cancelled


def next_meeting(session: Session, board: m.Board, today: date) -> m.Meeting | None:
    """The first meeting on or after today that is not cancelled."""
    return session.scalar(
        select_meetings(
            board, m.Meeting.meets_on >= today, m.Meeting.status != m.MeetingStatus.CANCELLED.value
        )
        .order_by(m.Meeting.meets_on, m.Meeting.starts_at)
        .limit(1)
    )


def last_meeting(session: Session, board: m.Board, today: date) -> m.Meeting | None:
    """The last confirmed meeting before today (a provisional date in the past may never have been held)."""
    return session.scalar(
        select_meetings(
            board, m.Meeting.meets_on < today, m.Meeting.status == m.MeetingStatus.CONFIRMED.value
        )
        .order_by(m.Meeting.meets_on.desc())
        .limit(1)
    )


def meeting_on(session: Session, board: m.Board, day: date) -> m.Meeting | None:
    return session.scalar(
        select_meetings(board, m.Meeting.meets_on == day).order_by(m.Meeting.starts_at).limit(1)
    )


def meetings_near(session: Session, board: m.Board, day: date, count: int = 2) -> list[m.Meeting]:
    """The meetings just before and just after a day, nearest first."""
    before = select_meetings(board, m.Meeting.meets_on < day).order_by(m.Meeting.meets_on.desc())
    after = select_meetings(board, m.Meeting.meets_on >= day).order_by(m.Meeting.meets_on)
    found = [*session.scalars(before.limit(count)), *session.scalars(after.limit(count))]
    return sorted(found, key=lambda mt: (abs((mt.meets_on - day).days), mt.meets_on))


def chairs(session: Session, board: m.Board) -> list[Chair]:
    """The board's chairs and co-chairs: chairs first, each alphabetically as a reader expects."""
    rows = session.execute(
        select(m.Membership.role, m.Person.name)
        .join(m.Person, m.Person.id == m.Membership.person_id)
        .where(m.Membership.board_id == board.id, m.Membership.role.in_(CHAIR_ROLES))
    )
    found = [Chair(role, name) for role, name in rows]
    return sorted(found, key=lambda chair: (chair.role, reading_order(chair.name), chair.name))


def agenda(
    session: Session, board: m.Board, meeting: m.Meeting, *, show_restricted: bool
) -> tuple[list[m.AgendaItem], int, list[Chair]]:
    """The meeting's items in order, how many restricted items were left out, and the board's chairs."""
    items = list(
        session.scalars(
            select(m.AgendaItem)
            .where(m.AgendaItem.meeting_id == meeting.id)
            .order_by(m.AgendaItem.position, m.AgendaItem.number)
        )
    )
    if show_restricted:
        return items, 0, chairs(session, board)
    public = [item for item in items if not item.restricted]
    return public, len(items) - len(public), chairs(session, board)


def papers_deadline(board: m.Board, meeting: m.Meeting, today: date) -> Deadline:
    due = paper_deadline(meeting.meets_on, board.paper_deadline_working_days, board.holiday_region)
    return Deadline(due, working_days_between(today, due, board.holiday_region))
