"""A meeting's decisions (resolutions) and its minutes, with the minutes' status.

A decision is provisional until the minutes of its meeting are approved (at a later meeting), then
approved: its status is derived from the minutes, never stored, so the two cannot disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Sourced, one_of
from bot.models.boards import AgendaItem, Document, Meeting, Person


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    CIRCULATED = "circulated"
    APPROVED = "approved"


class DecisionStatus(StrEnum):
    PROVISIONAL = "provisional"  # the minutes are not (yet) recorded as approved
    APPROVED = "approved"


class Minutes(Sourced, Base):
    """The minutes of one meeting: draft, circulated (on a day), or approved at a later meeting.

    `approval_meeting` is the meeting that approved them, or that is to (an agenda's "minutes of the
    previous meeting" item); `updated_at` is when their status was last set, by a load or in Slack.
    """

    __tablename__ = "minutes"
    __table_args__ = (one_of("status", MinutesStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    circulated_on: Mapped[date | None] = mapped_column(Date)
    approval_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)  # UTC

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    approval_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[approval_meeting_id])
    source_document: Mapped[Document | None] = relationship()

    @property
    def approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class Decision(Sourced, Base):
    """One resolution on an agenda item: `seq` numbers the item's resolutions from 1, as minuted."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("meeting_id", "agenda_item_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)  # UTC
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem] = relationship()
    recorded_by: Mapped[Person | None] = relationship()
    source_document: Mapped[Document | None] = relationship()
    minutes: Mapped[Minutes | None] = relationship(
        primaryjoin="foreign(Decision.meeting_id) == remote(Minutes.meeting_id)", viewonly=True, uselist=False
    )

    @property
    def status(self) -> str:
        """Approved once the minutes of its meeting are approved; provisional until then."""
        if self.minutes is not None and self.minutes.approved:
            return DecisionStatus.APPROVED.value
        return DecisionStatus.PROVISIONAL.value
