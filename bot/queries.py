"""Read-only questions about the board data, shared by the commands and the CLI."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m


def boards_in_workspace(session: Session, team_id: str) -> list[m.Board]:
    stmt = select(m.Board).join(m.Workspace).where(m.Workspace.team_id == team_id).order_by(m.Board.name)
    return list(session.scalars(stmt))


def next_meeting(session: Session, board: m.Board, today: date) -> m.Meeting | None:
    """The first meeting on or after `today` that is not cancelled."""
    stmt = (
        select(m.Meeting)
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
        .where(
            m.Meeting.board_id == board.id,
            m.Meeting.meets_on < today,
            m.Meeting.status != m.MeetingStatus.CANCELLED,
        )
        .order_by(m.Meeting.meets_on.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def agenda(session: Session, meeting: m.Meeting) -> list[m.AgendaItem]:
    stmt = (
        select(m.AgendaItem)
        .where(m.AgendaItem.meeting_id == meeting.id)
        .order_by(m.AgendaItem.position, m.AgendaItem.number)
    )
    return list(session.scalars(stmt))
