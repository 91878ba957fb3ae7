"""KPIs of a board and their values, period by period, with their comparators."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Rag, Sourced, one_of
from bot.models.boards import Board


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


class PeriodKind(StrEnum):
    """What a value's period is, so that only like periods are compared."""

    YEAR = "year"  # a full year, or a twelve-month cohort
    QUARTER = "quarter"
    MONTH = "month"
    TO_DATE = "to-date"  # part of a period, so far: "2023 to present June"
    SNAPSHOT = "snapshot"  # a count on one date: "as at 31 March 2023"
    LIVE = "live"  # a live tracker: not final


class KpiScope(StrEnum):
    BOROUGH = "borough"
    PARTNERSHIP = "partnership"


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
    headline: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    same_as: Mapped[str | None] = mapped_column(String(100))  # key of this board's KPI for the same measure

    board: Mapped[Board] = relationship()


class KpiValue(Sourced, Base):
    __tablename__ = "kpi_values"
    __table_args__ = (
        UniqueConstraint("kpi_id", "area", "period", "source_document_id"),
        Index("ix_kpi_values_kpi_period_end_id", "kpi_id", "period_end", "id"),  # newest first, ties by id
        one_of("rag", Rag),
        one_of("period_kind", PeriodKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"))
    area: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(100))
    period_end: Mapped[date | None] = mapped_column(Date)  # not every source dates its figures
    period_kind: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    rag: Mapped[str | None] = mapped_column(String(10))
    london: Mapped[float | None] = mapped_column(Float)
    england: Mapped[float | None] = mapped_column(Float)
    statistical_neighbours: Mapped[float | None] = mapped_column(Float)
    previous: Mapped[float | None] = mapped_column(Float)
    previous_period: Mapped[str | None] = mapped_column(String(100))
    change: Mapped[str | None] = mapped_column(Text)  # the change as the source states it
    note: Mapped[str | None] = mapped_column(Text)

    kpi: Mapped[Kpi] = relationship()
