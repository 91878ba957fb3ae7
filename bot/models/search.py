"""The search index (one row a searchable passage) and the searches people watch.

`search_entries` is derived from the board data (bot/search/sources.py) and rebuilt by `boardbot
reindex`; the full-text machinery is in migration 0021, as it differs by database: on SQLite an FTS5
table over `title` and `body`; on PostgreSQL `vector`, their English tsvector (title weighted above
body), set by a trigger and GIN-indexed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base
from bot.models.boards import Person


class SearchEntry(Base):
    """One passage to search: an agenda item, an action, a KPI, a page of a document …

    Item ids are plain integers, not foreign keys: the index follows the data and never holds it back
    from a delete. `key` names the passage stably (`agenda:12`, `page:3:1:14`): a rebuild updates a passage in
    place and keeps its id, and ids only grow, so "new since a watch" is "an id above its mark".
    """

    __tablename__ = "search_entries"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_search_entries_kind_source", "kind", "source_id"),
        {"sqlite_autoincrement": True},  # ids never reused: a watch notifies of ids above its mark
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # agenda, action, kpi, page (decision at merge)
    source_id: Mapped[int] = mapped_column(Integer)  # the row it was made from, in the kind's table
    workspace_id: Mapped[int] = mapped_column(Integer, index=True)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)
    action_id: Mapped[int | None] = mapped_column(Integer)
    kpi_id: Mapped[int | None] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    page: Mapped[str | None] = mapped_column(String(30))  # printed page(s) as known: "14", "5-20"
    url: Mapped[str | None] = mapped_column(Text)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    dated: Mapped[date | None] = mapped_column(Date)  # the meeting's day, a KPI's latest period …
    # PostgreSQL only (its trigger sets it; NULL on SQLite, whose FTS5 table holds the index)
    vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"), deferred=True)


class SearchWatch(Base):
    """Words a person asked to be told about when a new passage matches them (`/boardbot watch`)."""

    __tablename__ = "search_watches"
    __table_args__ = (Index("ix_search_watches_person", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    words: Mapped[str] = mapped_column(Text)
    after_entry_id: Mapped[int] = mapped_column(Integer)  # the newest entry when set: only later ones notify
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC

    person: Mapped[Person] = relationship()
