"""Who comes to a meeting: members' replies before it, the minutes' record after, and quorum rules."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Sourced, one_of
from bot.models.boards import Board, Meeting, Person


class AttendanceStatus(StrEnum):
    ATTENDING = "attending"  # a reply: coming; minuted: present
    APOLOGIES = "apologies"
    ALSO_PRESENT = "also-present"  # minuted only: present, not as a member
    WITHDRAWN = "withdrawn"  # a reply taken back: nothing said now


class AttendanceMode(StrEnum):
    IN_PERSON = "in-person"
    ONLINE = "online"


class Attendance(Sourced, Base):
    """One person's attendance at one meeting: their reply before it (`minuted` false), or what the
    minutes record (`minuted` true, with the source). A person not in the data has only `name`."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", "name", "minuted"),
        Index("ix_attendance_meeting", "meeting_id"),
        one_of("status", AttendanceStatus),
        one_of("mode", AttendanceMode),
        CheckConstraint("person_id IS NOT NULL OR name IS NOT NULL", name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))  # as written, for someone not in the data
    minuted: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str | None] = mapped_column(String(20))
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    substitute_name: Mapped[str | None] = mapped_column(String(300))  # as written: not in the data
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # UTC
    note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    substitute: Mapped[Person | None] = relationship(foreign_keys=[substitute_id])
    recorded_by: Mapped[Person | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def who(self) -> str:
        return self.person.name if self.person is not None else (self.name or "not recorded")

    @property
    def substitute_as_named(self) -> str | None:
        return self.substitute.name if self.substitute is not None else self.substitute_name


class QuorumGroup(Sourced, Base):
    """A group the board's quorum needs at least `at_least` of: people named by key, or people of
    the listed organisations whose name or role title holds one of the listed words."""

    __tablename__ = "quorum_groups"
    __table_args__ = (
        UniqueConstraint("board_id", "key"),
        CheckConstraint("at_least BETWEEN 1 AND 100", name="at_least_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    key: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(Text)
    at_least: Mapped[int] = mapped_column(Integer, default=1)
    organisations: Mapped[list[str] | None] = mapped_column(JSON)  # organisation keys
    roles: Mapped[list[str] | None] = mapped_column(JSON)  # words of a name or role title
    people: Mapped[list[str] | None] = mapped_column(JSON)  # person keys

    board: Mapped[Board] = relationship()
