"""What a workspace holds now, as records in file terms: the loader compares with it, export writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.boarddata.provenance import FieldKey, load_provenance
from bot.boarddata.schema import KINDS, Kind, Source


@dataclass
class Existing:
    row: Any
    record: dict[str, Any]


@dataclass
class Snapshot:
    workspace: m.Workspace | None
    by_kind: dict[str, dict[tuple, Existing]] = field(default_factory=dict)
    provenance: dict[FieldKey, m.FieldProvenance] = field(default_factory=dict)

    def get(self, kind: str, key: tuple) -> Existing | None:
        return self.by_kind.get(kind, {}).get(key)

    def keys(self, kind: str) -> set[tuple]:
        return set(self.by_kind.get(kind, {}))

    def records(self, kind: str) -> list[dict[str, Any]]:
        return [existing.record for existing in self.by_kind.get(kind, {}).values()]


def _rows(session: Session, kind: Kind, workspace_id: int) -> list[Any]:
    """Every row of a kind in the workspace, reached through its board where it has no workspace."""
    model: Any = kind.model  # each kind's model has the columns its branch below names
    stmt = select(model)
    if kind.in_workspace:
        stmt = stmt.where(model.workspace_id == workspace_id)
    elif model is m.AgendaItem:
        stmt = stmt.join(m.Meeting).join(m.Board).where(m.Board.workspace_id == workspace_id)
    elif model is m.Attendance:
        stmt = stmt.join(m.Meeting).join(m.Board).where(m.Board.workspace_id == workspace_id)
    elif model is m.ActionUpdate:
        stmt = stmt.join(m.Action).join(m.Board).where(m.Board.workspace_id == workspace_id)
    elif model is m.Declaration:
        stmt = stmt.join(m.Meeting).join(m.Board).where(m.Board.workspace_id == workspace_id)
    elif model in (m.Decision, m.Minutes):
        stmt = stmt.join(m.Meeting, model.meeting_id == m.Meeting.id).join(m.Board)
        stmt = stmt.where(m.Board.workspace_id == workspace_id)
    elif model is m.KpiValue:
        stmt = stmt.join(m.Kpi).join(m.Board).where(m.Board.workspace_id == workspace_id)
    else:
        stmt = stmt.join(m.Board, model.board_id == m.Board.id).where(m.Board.workspace_id == workspace_id)
    return list(session.scalars(stmt.order_by(model.id)))


def take_snapshot(session: Session, team_id: str) -> Snapshot:
    workspace = session.scalar(select(m.Workspace).where(m.Workspace.team_id == team_id))
    snapshot = Snapshot(workspace)
    if workspace is None:
        return snapshot
    keys: dict[str, dict[int, tuple]] = {}  # kind -> id -> natural key
    for kind in KINDS:
        found: dict[tuple, Existing] = {}
        ids: dict[int, tuple] = {}
        for row in _rows(session, kind, workspace.id):
            record = row_to_record(kind, row, keys)
            key = kind.key_of(record)
            found[key] = Existing(row, record)
            ids[row.id] = key
        snapshot.by_kind[kind.name] = found
        keys[kind.name] = ids
    snapshot.provenance = load_provenance(session, workspace.id)
    return snapshot


def row_to_record(kind: Kind, row: Any, keys: dict[str, dict[int, tuple]]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for spec in kind.fields:
        if spec.type == "source":
            doc_id = row.source_document_id
            record[spec.name] = (
                Source(keys["documents"][doc_id][0], row.source_line, row.source_page)
                if doc_id is not None
                else None
            )
        elif spec.attribute == "-":  # an action update's board is its action's board
            record[spec.name] = keys["actions"][row.action_id][0]
        elif spec.ref:
            target_id = getattr(row, spec.attribute)
            record[spec.name] = None if target_id is None else keys[spec.ref][target_id][-1]
        else:
            value = getattr(row, spec.attribute)
            if isinstance(value, datetime) and value.tzinfo is None:
                value = value.replace(tzinfo=UTC)  # SQLite hands back naive UTC
            elif isinstance(value, datetime):
                value = value.astimezone(UTC)
            elif isinstance(value, int) and spec.type == "number":
                value = float(value)
            record[spec.name] = value
    return record
