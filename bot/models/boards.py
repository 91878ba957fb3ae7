"""Workspaces, boards, the people and organisations on them, and their meetings and agendas."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
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
    paper_deadline_working_days: Mapped[int] = mapped_column(Integer, default=10)
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    workspace: Mapped[Workspace] = relationship(back_populates="boards")
    secretary: Mapped[Person | None] = relationship()


class Membership(Sourced, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("board_id", "person_id"), one_of("role", MembershipRole))

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    board: Mapped[Board] = relationship()
    person: Mapped[Person] = relationship()


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
    paper_due_on: Mapped[date | None] = mapped_column(Date)
    paper_status: Mapped[str | None] = mapped_column(String(20))
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship()
    report_author_person: Mapped[Person | None] = relationship()
