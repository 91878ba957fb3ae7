"""Where each field of a record last came from, and what each board file said at its last load.

The loader merges by these: a file changes a field only when the file's value differs from what the
same file said at its last load (or export), and a field changed in Slack since is kept, as a conflict.
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
    """One field of one record: who set its current value (a file, Slack, an importer), and when.

    `kind` and `field` are in file terms (`actions`, `due_on`), `record_id` is the row's id in that
    kind's table.
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


class LoadedFile(Base):
    """A board-data file as last loaded or exported; its digest lets `load --if-changed` skip it."""

    __tablename__ = "loaded_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), unique=True)  # absolute
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file's bytes
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC


class LoadedValue(Base):
    """What a file said a record's field was, at its last load or export: a hash of the value.

    The merge's base: the file changed the field if its value now hashes otherwise, and the field
    was changed outside the file (in Slack) if the database's value does.
    """

    __tablename__ = "loaded_values"
    __table_args__ = (UniqueConstraint("loaded_file_id", "kind", "record_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loaded_file_id: Mapped[int] = mapped_column(ForeignKey("loaded_files.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))
    value_hash: Mapped[str] = mapped_column(String(32))
