"""Declarations of interest (per meeting and item, and a member's standing ones) and the agenda as
members were last told it (what agenda-change notices compare with)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Sourced, one_of
from bot.models.boards import AgendaItem, Board, Meeting, Person


class InterestKind(StrEnum):
    """The nature of an interest, as the member states it (left unrecorded when they do not)."""

    PECUNIARY = "pecuniary"
    NON_PECUNIARY = "non-pecuniary"
    OTHER = "other"


class Declaration(Sourced, Base):
    """A person's interest in one agenda item of one meeting: one per person and item."""

    __tablename__ = "declarations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "agenda_item_id", "person_id"),
        one_of("kind", InterestKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    interest: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    declared_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    recorded_by: Mapped[Person | None] = relationship(foreign_keys=[recorded_by_id])


class StandingDeclaration(Sourced, Base):
    """An interest a member holds on a board whatever the agenda (a register entry), reviewed yearly."""

    __tablename__ = "standing_declarations"
    __table_args__ = (
        UniqueConstraint("board_id", "person_id", "interest"),
        Index("ix_standing_declarations_person", "person_id"),
        one_of("kind", InterestKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    interest: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    declared_on: Mapped[date | None] = mapped_column(Date)
    reviewed_on: Mapped[date | None] = mapped_column(Date)

    board: Mapped[Board] = relationship()
    person: Mapped[Person] = relationship()


class AgendaNotice(Base):
    """The agenda as the last full agenda notice told it (date, time, venue, status, items).

    Written when that notice is marked sent; reminders/agenda_changes.py compares the data with it.
    """

    __tablename__ = "agenda_notices"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    told_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC
    told: Mapped[dict[str, Any]] = mapped_column(JSON)

    meeting: Mapped[Meeting] = relationship()
