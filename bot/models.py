"""The board's shared database: typed SQLAlchemy models.

Every board belongs to a Slack workspace and every record below a board is reached through it, so
each query can be scoped to the workspace that asked. Records that come from outside carry a stable
`key` (boards, people, meetings, KPIs) or natural key (an agenda item's number in its meeting, an
action's reference in its board), which importers match on.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class UpdateVia(StrEnum):
    IMPORT = "import"
    MESSAGE = "message"
    BUTTON = "button"
    FORM = "form"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


class KpiScope(StrEnum):
    BOROUGH = "borough"
    PARTNERSHIP = "partnership"


class HolidayRegion(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


def one_of(column: str, choices: type[StrEnum]) -> CheckConstraint:
    """A CHECK constraint keeping `column` to the values of an enum."""
    values = ", ".join(f"'{c.value}'" for c in choices)
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")


class Sourced:
    """Where a fact comes from: a document and a line or page of it."""

    @declared_attr
    def source_document_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("documents.id"), index=True)

    source_line: Mapped[int | None] = mapped_column(Integer)
    source_page: Mapped[int | None] = mapped_column(Integer)


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


class Action(Sourced, Base):
    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("board_id", "ref"),
        Index("ix_actions_board_lead_status_due", "board_id", "lead_id", "status", "due_on"),
        Index("ix_actions_due_status", "due_on", "status"),
        one_of("status", ActionStatus),
        one_of("rag", Rag),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    ref: Mapped[str] = mapped_column(String(30))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    lead_text: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    timescale: Mapped[str | None] = mapped_column(Text)  # as written when vague: "Autumn 2023"
    status: Mapped[str] = mapped_column(String(20))
    rag: Mapped[str | None] = mapped_column(String(10))
    progress: Mapped[str | None] = mapped_column(Text)

    board: Mapped[Board] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    lead: Mapped[Person | None] = relationship()
    source_document: Mapped[Document | None] = relationship()


def ref_order(ref) -> tuple:
    """Action references in reading order, prefix then number: FPS-2 before FPS-10 (refs are
    letters, a hyphen and digits). The list indexes below are on these same expressions, so a
    page of a board's actions is read in index order instead of sorting all of them."""
    return (func.rtrim(ref, literal_column("'0123456789'")), func.length(ref), ref)


# Lists by status: open ones by due date, done and cancelled ones by reference.
Index(
    "ix_actions_board_status_due_ref", Action.board_id, Action.status, Action.due_on, *ref_order(Action.ref)
)
Index("ix_actions_board_status_ref", Action.board_id, Action.status, *ref_order(Action.ref))


class ActionUpdate(Base):
    """One change to an action. Append-only: rows are never updated or deleted."""

    __tablename__ = "action_updates"
    __table_args__ = (UniqueConstraint("action_id", "seq"), one_of("via", UpdateVia))

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC
    field: Mapped[str] = mapped_column(String(30))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    by_text: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(20))
    link: Mapped[str | None] = mapped_column(Text)

    action: Mapped[Action] = relationship()
    by: Mapped[Person | None] = relationship()


class Kpi(Sourced, Base):
    __tablename__ = "kpis"
    __table_args__ = (
        UniqueConstraint("board_id", "key"),
        one_of("better", Better),
        one_of("scope", KpiScope),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(100))
    better: Mapped[str | None] = mapped_column(String(10))
    theme: Mapped[str | None] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20))
    aliases: Mapped[list[str] | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text)

    board: Mapped[Board] = relationship()


class KpiValue(Sourced, Base):
    __tablename__ = "kpi_values"
    __table_args__ = (
        UniqueConstraint("kpi_id", "area", "period", "source_document_id"),
        Index("ix_kpi_values_kpi_period_end_id", "kpi_id", "period_end", "id"),  # newest first, ties by id
        one_of("rag", Rag),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"))
    area: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(100))
    period_end: Mapped[date | None] = mapped_column(Date)  # not every source dates its figures
    value: Mapped[float] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    rag: Mapped[str | None] = mapped_column(String(10))
    london: Mapped[float | None] = mapped_column(Float)
    england: Mapped[float | None] = mapped_column(Float)
    statistical_neighbours: Mapped[float | None] = mapped_column(Float)
    previous: Mapped[float | None] = mapped_column(Float)
    previous_period: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    kpi: Mapped[Kpi] = relationship()


# --- Reminders (issue 5) -----------------------------------------------------------------------------
# Appended by the reminders issue: the delivery ledger, snoozes, per-person delivery preference and
# per-board reminder settings, plus one index on an existing table (meetings by date, for all boards).


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # claimed or waiting for a retry
    SENT = "sent"  # Slack accepted it
    FAILED = "failed"  # Slack refused it for good (no such user or channel …)


class DeliveryPreference(StrEnum):
    IMMEDIATE = "immediate"  # a message whenever a run finds something due
    DAILY = "daily"  # at most one message a day, with everything due


class ReminderDelivery(Base):
    """One reminder to one recipient for one occasion: claimed before it is sent, marked after.

    `recipient` is `person:<id>` or `channel:<board id>`; `occasion` names the subject, the date it
    hangs on and the stage (`action:12:due:2026-11-30:overdue:1`), so a changed date is a new occasion.
    """

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("kind", "recipient", "occasion"),
        Index("ix_reminder_deliveries_day", "day"),
        Index("ix_reminder_deliveries_recipient_sent", "recipient", "sent_at"),
        one_of("status", DeliveryStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(40))
    occasion: Mapped[str] = mapped_column(String(200))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id"), index=True)
    day: Mapped[date] = mapped_column(Date)  # the board's working day it was first due on
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(40))  # the run holding it
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # UTC
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)  # a try may have reached Slack
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # UTC
    channel: Mapped[str | None] = mapped_column(String(32))  # where Slack put it
    message_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)


class ReminderSnooze(Base):
    """A person asked not to be reminded of one action or paper before a day; due dates stay."""

    __tablename__ = "reminder_snoozes"
    __table_args__ = (
        UniqueConstraint("person_id", "subject_kind", "subject_id"),
        Index("ix_reminder_snoozes_until", "until"),
        CheckConstraint("subject_kind IN ('action', 'paper')", name="subject_kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    subject_kind: Mapped[str] = mapped_column(String(10))  # "action" or "paper" (an agenda item)
    subject_id: Mapped[int] = mapped_column(Integer)
    until: Mapped[date] = mapped_column(Date)  # reminded again from this day (the board's zone)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC

    person: Mapped[Person] = relationship()


class ReminderPreference(Base):
    """How a person wants their reminders: immediate (the default) or a daily digest."""

    __tablename__ = "reminder_preferences"
    __table_args__ = (one_of("delivery", DeliveryPreference),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10), default=DeliveryPreference.IMMEDIATE)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC

    person: Mapped[Person] = relationship()


class BoardReminderSettings(Base):
    """A board's reminder rules; a board without a row uses these defaults."""

    __tablename__ = "board_reminder_settings"
    __table_args__ = (
        CheckConstraint("action_days_before BETWEEN 0 AND 60", name="action_days_before_range"),
        CheckConstraint("action_overdue_every_days BETWEEN 1 AND 60", name="action_overdue_every_range"),
    )

    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"), primary_key=True)
    send_at: Mapped[time] = mapped_column(Time, default=time(9, 0))  # local
    papers: Mapped[bool] = mapped_column(Boolean, default=True)
    paper_days_before: Mapped[list[int]] = mapped_column(JSON, default=lambda: [5, 1])  # working days
    paper_overdue_daily: Mapped[bool] = mapped_column(Boolean, default=True)
    actions: Mapped[bool] = mapped_column(Boolean, default=True)
    action_days_before: Mapped[int] = mapped_column(Integer, default=7)
    action_overdue_every_days: Mapped[int] = mapped_column(Integer, default=7)
    escalate_secretary_after_days: Mapped[int] = mapped_column(Integer, default=14)  # 0: never
    escalate_chair_after_days: Mapped[int] = mapped_column(Integer, default=28)  # 0: never
    meetings: Mapped[bool] = mapped_column(Boolean, default=True)
    secretary_digest: Mapped[bool] = mapped_column(Boolean, default=True)

    board: Mapped[Board] = relationship()


# Reminders look up every board's meetings in a date range: an index led by the date.
Index("ix_meetings_meets_on", Meeting.meets_on)


# --- Updates by message, button and form (issue 4) ---------------------------------------------------
# A Slack message, button press or form that asks to change actions is claimed once under its key (so
# a retried Slack event cannot apply twice); the history rows it appended are listed against it, which
# is what `undo` reverts and what tells a thread which action it is about.


class UpdateOutcome(StrEnum):
    APPLIED = "applied"  # at least one change recorded
    UNCHANGED = "unchanged"  # understood and allowed, but every value was already so
    REFUSED = "refused"  # not the lead, secretary, a chair or an admin
    NOT_UNDERSTOOD = "not_understood"  # nothing changed; the reply said why
    UNDONE = "undone"  # an undo that reverted an earlier request


class UpdateRequest(Base):
    """One message, button press or form that asked to change actions: its key is claimed once.

    `key` names what Slack sent (`message:T…:C…:<ts>`, `button:T…:<action ts>`); `undoes_id` is set
    on an undo and points at the request it reverted (a request is undone at most once).
    """

    __tablename__ = "update_requests"
    __table_args__ = (
        UniqueConstraint("key"),
        UniqueConstraint("undoes_id"),
        Index("ix_update_requests_person_received", "person_id", "received_at"),
        Index("ix_update_requests_thread", "team_id", "channel", "thread_ts"),
        one_of("via", UpdateVia),
        one_of("outcome", UpdateOutcome),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))  # the message's own ts
    thread_ts: Mapped[str | None] = mapped_column(String(32))  # the thread it was in (or started)
    via: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC
    outcome: Mapped[str] = mapped_column(String(20), default=UpdateOutcome.NOT_UNDERSTOOD)
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("update_requests.id"))

    person: Mapped[Person | None] = relationship()


class UpdateRequestChange(Base):
    """A history row appended by a request."""

    __tablename__ = "update_request_changes"

    request_id: Mapped[int] = mapped_column(ForeignKey("update_requests.id"), primary_key=True)
    action_update_id: Mapped[int] = mapped_column(
        ForeignKey("action_updates.id"), primary_key=True, unique=True
    )

    request: Mapped[UpdateRequest] = relationship()
    update: Mapped[ActionUpdate] = relationship()
