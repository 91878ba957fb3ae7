"""Where each field of a loaded record last came from, and which board files were loaded, when.

The loader merges by these: a file changes a field only when the file's value differs from what it
said at the last load, and a field changed in Slack since then is kept and reported as a conflict.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, one_of


class SourceKind(StrEnum):
    FILE = "file"  # a board-data file, by `boardbot load`
    SLACK = "slack"  # a message, button, command or form in Slack (or the console)
    IMPORT = "import"  # another importer


class FieldProvenance(Base):
    """One field of one record: who set its current value, when, and the file's value at the last load.

    `kind` and `field` are in file terms (`actions`, `due_on`), `record_id` is the row's id in that
    kind's table. `loaded_hash` is a hash of the value the files gave at their last load (None when
    no file has given it yet); a current value hashing otherwise was changed since, outside the files.
    """

    __tablename__ = "field_provenance"
    __table_args__ = (UniqueConstraint("kind", "record_id", "field"), one_of("source", SourceKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(10))
    source_name: Mapped[str | None] = mapped_column(String(300))  # the file, or who in Slack
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC
    loaded_hash: Mapped[str | None] = mapped_column(String(32))


class LoadedFile(Base):
    """A board-data file as last loaded: its digest tells `boardbot load --if-changed` to skip it."""

    __tablename__ = "loaded_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), unique=True)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file's bytes
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC
