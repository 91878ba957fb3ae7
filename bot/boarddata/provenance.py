"""Field provenance: record who set a field (a file, Slack), and the file's value at its last load.

Slack's writers call `note_slack` for each field they set; the loader reads `load_provenance` and
merges by it (bot/boarddata/merge.py), then stores the loaded values' hashes with `note_loaded`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.boarddata.schema import Source

# The fields Slack (or the console) can change: a load keeps a change made there.
SLACK_FIELDS: dict[str, frozenset[str]] = {
    "actions": frozenset({"status", "due_on", "rag", "progress"}),
    "agenda_items": frozenset({"paper_status"}),
    "people": frozenset({"slack_user_id"}),
}
UNTRACKED_KINDS = frozenset({"action_updates"})  # history rows carry their own who, when and via

ProvenanceKey = tuple[str, int, str]  # kind, record id, field


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


def load_provenance(session: Session, workspace_id: int) -> dict[ProvenanceKey, m.FieldProvenance]:
    P = m.FieldProvenance
    rows = session.scalars(select(P).where(P.workspace_id == workspace_id))
    return {(row.kind, row.record_id, row.field): row for row in rows}


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
    """Say that `fields` of a record were just set in Slack, by whom; the file's last value stays."""
    P = m.FieldProvenance
    names = list(dict.fromkeys(fields))
    if not names:
        return
    at = at or datetime.now(UTC)
    found = {
        row.field: row
        for row in session.scalars(
            select(P).where(P.kind == kind, P.record_id == record_id, P.field.in_(names))
        )
    }
    for name in names:
        row = found.get(name)
        if row is None:
            row = P(workspace_id=workspace_id, kind=kind, record_id=record_id, field=name, loaded_hash=None)
            session.add(row)
        row.source, row.source_name, row.at = m.SourceKind.SLACK.value, (by or "")[:300] or None, at


def note_loaded(
    workspace_id: int,
    kind: str,
    record_id: int,
    hashes: dict[str, str],
    applied: set[str],
    *,
    existing: dict[ProvenanceKey, m.FieldProvenance],
    file: str,
    at: datetime,
) -> list[dict[str, Any]]:
    """Store the file's values' hashes; the fields in `applied` now hold the file's value.

    Known rows are updated in place; the new ones are returned, for one bulk insert per load.
    """
    new_rows = []
    for name, digest in hashes.items():
        row = existing.get((kind, record_id, name))
        if row is None:
            new_rows.append(
                {
                    "workspace_id": workspace_id,
                    "kind": kind,
                    "record_id": record_id,
                    "field": name,
                    "source": m.SourceKind.FILE.value,
                    "source_name": file[:300],
                    "at": at,
                    "loaded_hash": digest,
                }
            )
            continue
        row.loaded_hash = digest
        if name in applied:
            row.source, row.source_name, row.at = m.SourceKind.FILE.value, file[:300], at
    return new_rows


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(m.FieldProvenance), rows)
