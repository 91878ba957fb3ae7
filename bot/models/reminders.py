"""Reminders: the delivery ledger, snoozes, each person's delivery preference and each board's rules."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, one_of
from bot.models.boards import Board, Meeting, Person


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
    """How a person wants their reminders: immediate (the default) or a daily digest, the weekdays
    they want none (held for the next day that is not quiet), and while away, who gets them instead."""

    __tablename__ = "reminder_preferences"
    __table_args__ = (
        one_of("delivery", DeliveryPreference),
        CheckConstraint("delegate_id IS NULL OR delegate_id != person_id", name="delegate_not_self"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10), default=DeliveryPreference.IMMEDIATE)
    quiet_days: Mapped[list[int]] = mapped_column(JSON, default=list)  # weekdays, 0 Monday … 4 Friday
    away_until: Mapped[date | None] = mapped_column(Date)  # back on this day (the board's zone)
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    delegate: Mapped[Person | None] = relationship(foreign_keys=[delegate_id])


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
