"""Actions, their history, and the requests (messages, buttons, forms) that changed them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Rag, Sourced, one_of
from bot.models.boards import AgendaItem, Board, Document, Meeting, Person


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class UpdateVia(StrEnum):
    IMPORT = "import"
    MESSAGE = "message"
    BUTTON = "button"
    FORM = "form"


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
    # the end of the period the timescale names (bot.actions.timescales): derived, never stated
    due_by: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    rag: Mapped[str | None] = mapped_column(String(10))
    # as a spreadsheet tracker wrote them ("Completed", "G"), where `status`/`rag` normalise them
    status_text: Mapped[str | None] = mapped_column(Text)
    rag_text: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[str | None] = mapped_column(Text)

    board: Mapped[Board] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    lead: Mapped[Person | None] = relationship()
    source_document: Mapped[Document | None] = relationship()

    @hybrid_property
    def deadline(self) -> date | None:
        """The date the action is due: the one someone set, else the one its timescale implies."""
        return self.due_on if self.due_on is not None else self.due_by

    @deadline.inplace.expression
    @classmethod
    def _deadline_expression(cls) -> ColumnElement[date | None]:
        return func.coalesce(cls.due_on, cls.due_by)

    @property
    def deadline_derived(self) -> bool:
        """Whether `deadline` comes from the timescale as written rather than a date someone set."""
        return self.due_on is None and self.due_by is not None


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
# Overdue lists and reminder runs read open actions by the date they are due, set or derived.
Index("ix_actions_deadline_status", func.coalesce(Action.due_on, Action.due_by), Action.status)


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
