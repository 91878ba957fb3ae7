"""What the clock needs to keep an imported board in step with its source."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base
from bot.models.boards import Board


class ModernGovSync(Base):
    """A board imported from a ModernGov committee: where from, and how often the clock syncs it.

    Written by `boardbot import moderngov` on every real import; the clock re-runs the import every
    `every_days` days (0: never) from `starts_on` to a year ahead of the day it runs.
    """

    __tablename__ = "moderngov_syncs"
    __table_args__ = (CheckConstraint("every_days BETWEEN 0 AND 365", name="every_days_range"),)

    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True)
    site: Mapped[str] = mapped_column(String(300))
    committee_id: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)  # the window's first day, as the first import had it
    every_days: Mapped[int] = mapped_column(Integer, default=1)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # UTC
    last_outcome: Mapped[str | None] = mapped_column(String(2000))  # the summary, or what went wrong

    board: Mapped[Board] = relationship()
