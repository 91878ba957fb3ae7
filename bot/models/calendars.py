"""Calendar feeds: each person's feed token, kept only as a hash (bot/calendar/links.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base
from bot.models.boards import Person


class CalendarFeed(Base):
    """A person's calendar feed: its token is derived from `nonce` and a key the database does not
    hold; requests are matched on `token_hash`. A new nonce revokes the old URL."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token, hex
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC, of the current token

    person: Mapped[Person] = relationship()
