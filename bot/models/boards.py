"""Workspaces, boards, the people and organisations on them, and their meetings and agendas."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    and_,
    or_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Sourced, one_of


class MembershipRole(StrEnum):
    CHAIR = "chair"
    CO_CHAIR = "co-chair"
    VICE_CHAIR = "vice-chair"
    MEMBER = "member"
    SUBSTITUTE = "substitute"
    OFFICER = "officer"
    SECRETARY = "secretary"


DEFAULT_PAPER_DEADLINE_WORKING_DAYS = 10  # the rule used for a board that states none of its own
DEFAULT_MINUTES_DUE_WORKING_DAYS = 10  # draft minutes due this many working days after a meeting


class MeetingStatus(StrEnum):
    CONFIRMED = "confirmed"
    PROVISIONAL = "provisional"
    CANCELLED = "cancelled"


class PaperStatus(StrEnum):
    AWAITED = "awaited"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class HolidayRegion(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))

    boards: Mapped[list[Board]] = relationship(back_populates="workspace")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(200))
    published_on: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(Text)
    file: Mapped[str | None] = mapped_column(Text)


class Organisation(Sourced, Base):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(50))


class Person(Sourced, Base):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("workspace_id", "key"),
        Index("ix_people_workspace_slack_user", "workspace_id", "slack_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    role_title: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(320))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))

    organisation: Mapped[Organisation | None] = relationship()


class Board(Sourced, Base):
    __tablename__ = "boards"
    __table_args__ = (
        UniqueConstraint("workspace_id", "key"),
        one_of("holiday_region", HolidayRegion),
        CheckConstraint("paper_deadline_working_days BETWEEN 0 AND 60", name="paper_deadline_range"),
        Index("ix_boards_workspace_channel", "workspace_id", "slack_channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(50))
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    holiday_region: Mapped[str] = mapped_column(String(20), default=HolidayRegion.ENGLAND)
    paper_deadline_working_days: Mapped[int | None] = mapped_column(Integer)  # None: the board states none
    # working days after a meeting its draft minutes are due (None: the default, models.decisions)
    minutes_due_working_days: Mapped[int | None] = mapped_column(Integer)
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    quorum: Mapped[int | None] = mapped_column(Integer)  # members present to be quorate; None: not stated

    workspace: Mapped[Workspace] = relationship(back_populates="boards")
    secretary: Mapped[Person | None] = relationship()

    @property
    def paper_deadline_rule(self) -> int:
        """Working days before a meeting that papers are due: the board's stated rule, else the default."""
        if self.paper_deadline_working_days is None:
            return DEFAULT_PAPER_DEADLINE_WORKING_DAYS
        return self.paper_deadline_working_days

    @property
    def minutes_due_rule(self) -> int:
        """Working days after a meeting that its draft minutes are due: the board's rule, else the default."""
        if self.minutes_due_working_days is None:
            return DEFAULT_MINUTES_DUE_WORKING_DAYS
        return self.minutes_due_working_days


def in_force_today(starts_on: date | None, ends_on: date | None, today: date) -> bool:
    """Whether a membership spanning these days holds today (Membership.in_force, in Python)."""
    return (starts_on is None or starts_on <= today) and (ends_on is None or ends_on >= today)


class Membership(Sourced, Base):
    """A seat on a board from `starts_on` to `ends_on` (both days in force; None: not recorded).

    A person who held a seat twice has two rows with different `starts_on`; at most one row per
    person and board leaves `starts_on` unrecorded (the partial unique index).
    """

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("board_id", "person_id", "starts_on"),
        Index(
            "uq_memberships_board_person_undated",
            "board_id",
            "person_id",
            unique=True,
            sqlite_where=text("starts_on IS NULL"),
            postgresql_where=text("starts_on IS NULL"),
        ),
        one_of("role", MembershipRole),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="dates_in_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    board: Mapped[Board] = relationship()
    person: Mapped[Person] = relationship()

    @classmethod
    def in_force(cls, on: date, today: date) -> ColumnElement[bool]:
        """Memberships known to be in force on `on`, asked on `today`.

        One with no recorded start is the board's membership as now recorded: it counts from today
        on, never for a day before today, whose membership the records do not show.
        """
        started = cls.starts_on <= on if on < today else or_(cls.starts_on.is_(None), cls.starts_on <= on)
        return and_(started, or_(cls.ends_on.is_(None), cls.ends_on >= on))


class Meeting(Sourced, Base):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("board_id", "key"),
        Index("ix_meetings_board_date", "board_id", "meets_on"),
        one_of("status", MeetingStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    key: Mapped[str] = mapped_column(String(100))
    meets_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time | None] = mapped_column(Time)  # local time in the board's zone
    venue: Mapped[str | None] = mapped_column(Text)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    papers_url: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    board: Mapped[Board] = relationship()
    host: Mapped[Organisation | None] = relationship()


class AgendaItem(Sourced, Base):
    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        one_of("paper_status", PaperStatus),
        Index("ix_agenda_items_paper_due", "paper_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    number: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)  # sort order derived from the number
    title: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[str | None] = mapped_column(String(50))
    presenter: Mapped[str | None] = mapped_column(Text)
    report_author: Mapped[str | None] = mapped_column(Text)
    report_author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # a second author, when the report names two people ("Jyoti Morar (RBKC) and Kiran Hayer (WCC)")
    report_co_author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    paper_due_on: Mapped[date | None] = mapped_column(Date)
    paper_status: Mapped[str | None] = mapped_column(String(20))
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship()
    report_author_person: Mapped[Person | None] = relationship(foreign_keys=[report_author_id])
    report_co_author_person: Mapped[Person | None] = relationship(foreign_keys=[report_co_author_id])

    @property
    def author_ids(self) -> list[int]:
        """The authors in the data, first author first."""
        return [i for i in (self.report_author_id, self.report_co_author_id) if i is not None]

    @hybrid_property
    def expects_paper(self) -> bool:
        """Awaited, or with a report author and no paper status recorded (docs/data-format.md)."""
        if self.paper_status is None:
            return self.report_author is not None or self.report_author_id is not None
        return self.paper_status == PaperStatus.AWAITED

    @expects_paper.inplace.expression
    @classmethod
    def _expects_paper_expression(cls) -> ColumnElement[bool]:
        authored = or_(cls.report_author.is_not(None), cls.report_author_id.is_not(None))
        return or_(cls.paper_status == PaperStatus.AWAITED, and_(cls.paper_status.is_(None), authored))
