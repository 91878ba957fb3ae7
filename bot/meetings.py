"""Meetings as members see them: who chairs, which items they may see, when papers are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot import workdays
from bot.kpis import reading_order

CHAIR_ROLES = (m.MembershipRole.CHAIR.value, m.MembershipRole.CO_CHAIR.value)
UPCOMING_LOOKAHEAD = 6  # cancelled meetings shown before the next one, at most


def select_meetings(board: m.Board, *where: ColumnElement[bool]) -> Select[m.Meeting]:
    """The board's meetings matching `where`, each with its host (the replies show it)."""
    return select(m.Meeting).options(joinedload(m.Meeting.host)).where(m.Meeting.board_id == board.id, *where)


@dataclass(frozen=True)
class Chair:
    role: str
    name: str


@dataclass(frozen=True)
class PaperDeadline:
    """When a meeting's papers are due, and the rule that says so."""

    due_on: date
    stated: bool  # the board states its rule; otherwise the default rule is used
    working_days: int  # the rule: working days before the meeting
    by_publication: bool  # the agenda's publication date comes first, so papers are due then

    @property
    def rule(self) -> str:
        """How the date was derived, for a reply: "by the default rule of 10 working days; ..." """
        days = f"{self.working_days} working day{'' if self.working_days == 1 else 's'}"
        if self.by_publication:
            publication = f"{workdays.PUBLICATION_CLEAR_DAYS} clear working days"
            return f"the day the agenda must be published, {publication} before the meeting"
        if self.stated:
            return f"by the board's rule of {days} before the meeting"
        return f"by the default rule of {days} before the meeting; the board has not stated its own"


@dataclass
class Deadline:
    due_on: date
    working_days_left: int  # negative once passed
    rule: str = ""  # how due_on was derived (PaperDeadline.rule)
    stated: bool = False  # the board states its rule
    working_days: int = m.DEFAULT_PAPER_DEADLINE_WORKING_DAYS  # the rule applied


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


def board_today(board: m.Board, now: datetime | None = None) -> date:
    """Today in the board's time zone (`now` defaults to the real time)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(board.timezone)).date()


def chairs(
    session: Session, board: m.Board, on: date | None = None, *, today: date | None = None
) -> list[Chair]:
    """The chairs and co-chairs in force on `on` (default today): chairs first, each alphabetically.

    Before `today` only memberships with a recorded start count (Membership.in_force): an empty
    list then means none is recorded for that day, never that today's chairs held it.
    """
    today = today or board_today(board)
    rows = session.execute(
        select(m.Membership.role, m.Person.name)
        .join(m.Person, m.Person.id == m.Membership.person_id)
        .where(
            m.Membership.board_id == board.id,
            m.Membership.role.in_(CHAIR_ROLES),
            m.Membership.in_force(on or today, today),
        )
    )
    found = {Chair(role, name) for role, name in rows}  # one person may hold two recorded spans
    return sorted(found, key=lambda chair: (chair.role, reading_order(chair.name), chair.name))


def agenda(
    session: Session, board: m.Board, meeting: m.Meeting, *, show_restricted: bool, today: date | None = None
) -> tuple[list[m.AgendaItem], int, list[Chair]]:
    """The meeting's items in order, how many restricted items were left out, and the chairs in
    force on the meeting's day (as asked on `today`, default the real today)."""
    items = list(
        session.scalars(
            select(m.AgendaItem)
            .where(m.AgendaItem.meeting_id == meeting.id)
            .order_by(m.AgendaItem.position, m.AgendaItem.number)
        )
    )
    in_chair = chairs(session, board, meeting.meets_on, today=today)
    if show_restricted:
        return items, 0, in_chair
    public = [item for item in items if not item.restricted]
    return public, len(items) - len(public), in_chair


def paper_deadline(meeting: m.Meeting) -> PaperDeadline:
    """When the meeting's papers are due by its board's rule, stated or default, and how that was derived."""
    board = meeting.board
    days = board.paper_deadline_rule
    due = workdays.paper_deadline(meeting.meets_on, days, board.holiday_region)
    by_publication = due < workdays.working_days_before(meeting.meets_on, days, board.holiday_region)
    return PaperDeadline(due, board.paper_deadline_working_days is not None, days, by_publication)


def papers_deadline(board: m.Board, meeting: m.Meeting, today: date) -> Deadline:
    """The meeting's paper deadline and the working days left until it, seen on `today`."""
    found = paper_deadline(meeting)
    left = workdays.working_days_between(today, found.due_on, board.holiday_region)
    return Deadline(found.due_on, left, found.rule, found.stated, found.working_days)
