"""Meetings as members see them: who chairs, which items they may see, when papers are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.workdays import paper_deadline, working_days_between

CHAIR_ROLES = (m.MembershipRole.CHAIR, m.MembershipRole.CO_CHAIR)


@dataclass
class Deadline:
    due_on: date
    working_days_left: int  # negative once passed


def chairs(session: Session, board: m.Board) -> list[m.Person]:
    stmt = (
        select(m.Person)
        .join(m.Membership)
        .where(m.Membership.board_id == board.id, m.Membership.role.in_(CHAIR_ROLES))
        .order_by(m.Membership.role, m.Person.name)
    )
    return list(session.scalars(stmt))


def next_meeting(session: Session, board: m.Board, today: date) -> m.Meeting | None:
    """The first meeting on or after today that is not cancelled."""
    stmt = (
        select(m.Meeting)
        .options(joinedload(m.Meeting.host))
        .where(
            m.Meeting.board_id == board.id,
            m.Meeting.meets_on >= today,
            m.Meeting.status != m.MeetingStatus.CANCELLED,
        )
        .order_by(m.Meeting.meets_on, m.Meeting.starts_at)
        .limit(1)
    )
    return session.scalar(stmt)


def last_meeting(session: Session, board: m.Board, today: date) -> m.Meeting | None:
    stmt = (
        select(m.Meeting)
        .options(joinedload(m.Meeting.host))
        .where(
            m.Meeting.board_id == board.id,
            m.Meeting.meets_on < today,
            m.Meeting.status != m.MeetingStatus.CANCELLED,
        )
        .order_by(m.Meeting.meets_on.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def cancelled_between(session: Session, board: m.Board, start: date, end: date | None) -> list[m.Meeting]:
    stmt = select(m.Meeting).where(
        m.Meeting.board_id == board.id,
        m.Meeting.meets_on >= start,
        m.Meeting.status == m.MeetingStatus.CANCELLED,
    )
    if end is not None:
        stmt = stmt.where(m.Meeting.meets_on <= end)
    return list(session.scalars(stmt.order_by(m.Meeting.meets_on).limit(5)))


def meetings_near(session: Session, board: m.Board, day: date, count: int = 2) -> list[m.Meeting]:
    """The meetings just before and just after a day, nearest first."""
    before = session.scalars(
        select(m.Meeting)
        .where(m.Meeting.board_id == board.id, m.Meeting.meets_on < day)
        .order_by(m.Meeting.meets_on.desc())
        .limit(count)
    )
    after = session.scalars(
        select(m.Meeting)
        .where(m.Meeting.board_id == board.id, m.Meeting.meets_on >= day)
        .order_by(m.Meeting.meets_on)
        .limit(count)
    )
    return sorted([*before, *after], key=lambda mt: (abs((mt.meets_on - day).days), mt.meets_on))


def agenda_items(
    session: Session, meeting: m.Meeting, *, show_restricted: bool
) -> tuple[list[m.AgendaItem], int]:
    """The items in order, and how many restricted items were left out."""
    stmt = (
        select(m.AgendaItem)
        .where(m.AgendaItem.meeting_id == meeting.id)
        .order_by(m.AgendaItem.position, m.AgendaItem.number)
    )
    items = list(session.scalars(stmt))
    if show_restricted:
        return items, 0
    public = [item for item in items if not item.restricted]
    return public, len(items) - len(public)


def papers_deadline(board: m.Board, meeting: m.Meeting, today: date) -> Deadline:
    due = paper_deadline(meeting.meets_on, board.paper_deadline_working_days, board.holiday_region)
    return Deadline(due, working_days_between(today, due, board.holiday_region))
