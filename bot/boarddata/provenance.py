"""Provenance: who set each field (a file, Slack), and what each file said at its last load or export.

Slack's writers call `note_slack` for the fields they set. The loader reads both, merges by them
(bot/boarddata/merge.py), then stores what it loaded with `Recorder`; an export records what it wrote.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.boarddata.schema import Source

# The fields Slack (or the console) can change: a load keeps a change made there.
SLACK_FIELDS: dict[str, frozenset[str]] = {
    "actions": frozenset({"status", "due_on", "rag", "progress"}),
    "agenda_items": frozenset({"paper_status"}),
    "declarations": frozenset({"interest", "kind", "declared_on", "recorded_by"}),
    "people": frozenset({"slack_user_id"}),
    "minutes": frozenset({"status", "circulated_on", "approval_meeting", "url"}),
    "decisions": frozenset({"text"}),
}
UNTRACKED_KINDS = frozenset({"action_updates"})  # history rows carry their own who, when and via

FieldKey = tuple[str, int, str]  # kind, record id, field
BaseKey = tuple[str, str, int, str]  # file, kind, record id, field


def value_hash(value: Any) -> str:
    """A short stable hash of a field's value in file terms (1 and 1.0 alike; datetimes in UTC)."""
    if isinstance(value, Source):
        value = [value.doc, value.line, value.page]
    elif isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    elif isinstance(value, (date, time)):
        value = value.isoformat()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = float(value)
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def file_key(path: str | Path) -> str:
    """A file as `loaded_files` names it: its absolute path."""
    return str(Path(path).resolve())


def file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_provenance(session: Session, workspace_id: int) -> dict[FieldKey, m.FieldProvenance]:
    P = m.FieldProvenance
    rows = session.scalars(select(P).where(P.workspace_id == workspace_id))
    return {(row.kind, row.record_id, row.field): row for row in rows}


def load_bases(session: Session, files: Iterable[str]) -> dict[BaseKey, m.LoadedValue]:
    """What each of these files (by `file_key`) said each field was at its last load or export."""
    F, V = m.LoadedFile, m.LoadedValue
    rows = session.execute(select(F.path, V).join(V, V.loaded_file_id == F.id).where(F.path.in_(list(files))))
    return {(path, v.kind, v.record_id, v.field): v for path, v in rows}


def note_slack(
    session: Session,
    workspace_id: int,
    kind: str,
    record_id: int,
    fields: Iterable[str],
    *,
    by: str | None,
    at: datetime | None = None,
) -> None:
    """Say that `fields` of a record were just set in Slack, and by whom."""
    P = m.FieldProvenance
    names = list(dict.fromkeys(fields))
    if not names:
        return
    found = {
        row.field: row
        for row in session.scalars(
            select(P).where(P.kind == kind, P.record_id == record_id, P.field.in_(names))
        )
    }
    for name in names:
        row = found.get(name)
        if row is None:
            row = P(workspace_id=workspace_id, kind=kind, record_id=record_id, field=name)
            session.add(row)
        row.source, row.source_name = m.SourceKind.SLACK.value, (by or "")[:300] or None
        row.at = at or datetime.now(UTC)


class Recorder:
    """Collects what a load or export leaves behind, then writes it in a few bulk statements."""

    def __init__(
        self,
        session: Session,
        now: datetime,
        fields: dict[FieldKey, m.FieldProvenance],
        bases: dict[BaseKey, m.LoadedValue],
    ):
        self.session, self.now, self.fields, self.bases = session, now, fields, bases
        self.file_ids: dict[str, int] = {}
        self.new_fields: list[dict[str, Any]] = []
        self.new_bases: list[dict[str, Any]] = []

    def file(self, key: str, digest: str) -> None:
        """Remember a file (by `file_key`) as loaded or exported now, with its digest."""
        row = self.session.scalar(select(m.LoadedFile).where(m.LoadedFile.path == key))
        if row is None:
            row = m.LoadedFile(path=key[:500])
            self.session.add(row)
        row.digest, row.loaded_at = digest, self.now
        self.session.flush()
        self.file_ids[key] = row.id

    def base(self, file: str, kind: str, record_id: int, hashes: dict[str, str]) -> None:
        """What the file says each field is (hashes), as of now."""
        for name, digest in hashes.items():
            found = self.bases.get((file, kind, record_id, name))
            if found is not None:
                found.value_hash = digest
                continue
            self.new_bases.append(
                {
                    "loaded_file_id": self.file_ids[file],
                    "kind": kind,
                    "record_id": record_id,
                    "field": name,
                    "value_hash": digest,
                }
            )

    def set_by_file(
        self,
        workspace_id: int,
        file: str,
        kind: str,
        record_id: int,
        names: Iterable[str],
        *,
        via: str | None = None,
    ) -> None:
        """The fields now hold the file's value (an importer's, when `via` names it)."""
        source = m.SourceKind.IMPORT.value if via else m.SourceKind.FILE.value
        shown = (f"{via}: {file}" if via else file)[:300]
        for name in names:
            found = self.fields.get((kind, record_id, name))
            if found is not None:
                found.source, found.source_name, found.at = source, shown, self.now
                continue
            self.new_fields.append(
                {
                    "workspace_id": workspace_id,
                    "kind": kind,
                    "record_id": record_id,
                    "field": name,
                    "source": source,
                    "source_name": shown,
                    "at": self.now,
                }
            )

    def write(self) -> None:
        if self.new_fields:
            self.session.execute(insert(m.FieldProvenance), self.new_fields)
        if self.new_bases:
            self.session.execute(insert(m.LoadedValue), self.new_bases)
        self.new_fields, self.new_bases = [], []
