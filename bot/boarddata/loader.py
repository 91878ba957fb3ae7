"""Load board-data files: validate everything first, then write all of it or nothing."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot import models as m
from bot.actions.timescales import set_due_by
from bot.boarddata.reader import Problem, Record, WorkspaceData, describe_key, read_files
from bot.boarddata.schema import KIND_BY_NAME, KINDS, UPDATE_FIELDS, Kind, Source
from bot.boarddata.snapshot import Snapshot, take_snapshot


@dataclass
class Change:
    kind: Kind
    key: tuple
    values: dict[str, Any]
    existing: Any | None  # the row, when the record exists
    diffs: list[tuple[str, Any, Any]] = field(default_factory=list)
    origin: str = ""  # file:line

    @property
    def is_new(self) -> bool:
        return self.existing is None

    def describe(self) -> str:
        label = f"{self.kind.label} {describe_key(self.key)}"
        if self.is_new:
            return f"+ new {label}"
        parts = "; ".join(f"{name}: {show(old)} -> {show(new)}" for name, old, new in self.diffs)
        return f"~ {label}: {parts}"


@dataclass
class LoadResult:
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for change in self.changes:
            counts[change.kind.name][0 if change.is_new else 1] += 1
        if not counts:
            return f"nothing to change ({self.unchanged} records already up to date)"
        parts = [f"{name}: {new} new, {changed} changed" for name, (new, changed) in counts.items()]
        return "; ".join(parts) + f"; {self.unchanged} unchanged"


def show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Source):
        return f"{value.doc} line {value.line}" if value.line else f"{value.doc} p. {value.page}"
    if isinstance(value, (date, time, datetime)):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


def load_files(
    session: Session, paths: list[str | Path], *, now: datetime, dry_run: bool = False
) -> LoadResult:
    """Validate `paths` against each other and the database; unless dry_run, apply the changes.

    The caller owns the transaction: on problems nothing has been written, and the caller's
    `with sessions.begin()` commits the whole load or, if anything raises, none of it.
    """
    documents, problems = read_files(paths)
    result = LoadResult(problems=problems)
    by_team: dict[str, list[WorkspaceData]] = defaultdict(list)
    for data in documents:
        by_team[data.team_id].append(data)
    plans = []
    for team_id, parts in by_team.items():
        snapshot = take_snapshot(session, team_id)
        plan = _plan(parts, snapshot, now, result)
        plans.append((team_id, parts, snapshot, plan))
    if result.problems or dry_run:
        return result
    for team_id, parts, snapshot, plan in plans:
        name = next((p.name for p in parts if p.name), None)
        _apply(session, team_id, name, snapshot, plan)
    return result


def _plan(parts: list[WorkspaceData], snapshot: Snapshot, now: datetime, result: LoadResult) -> list[Change]:
    incoming: dict[str, dict[tuple, Record]] = {kind.name: {} for kind in KINDS}
    for data in parts:
        for record in data.records:
            seen = incoming[record.kind.name]
            first = seen.get(record.key)
            if first is not None:
                result.problems.append(
                    Problem(
                        record.file,
                        record.line,
                        record.describe(),
                        f"duplicate {record.kind.label} {describe_key(record.key)} (first given at "
                        f"{first.file}:{first.line}); each {record.kind.label} "
                        f"({', '.join(record.kind.key)}) may appear once: merge the two",
                    )
                )
                continue
            seen[record.key] = record
    for kind in KINDS:
        for record in incoming[kind.name].values():
            _check_references(record, incoming, snapshot, result.problems)
    _check_history(incoming["action_updates"], snapshot, result.problems)
    _check_same_as(incoming["kpis"], snapshot, result.problems)

    changes: list[Change] = []
    dated = _dated_memberships(incoming["memberships"], snapshot)
    for kind in KINDS:
        for key, record in incoming[kind.name].items():
            existing = snapshot.get(kind.name, dated.get(key, key) if kind.name == "memberships" else key)
            origin = f"{record.file}:{record.line}"
            if existing is None:
                changes.append(Change(kind, key, record.values, None, origin=origin))
                continue
            diffs = [
                (spec.name, existing.record.get(spec.name), record.values.get(spec.name))
                for spec in kind.fields
                if existing.record.get(spec.name) != record.values.get(spec.name)
            ]
            if diffs:
                changes.append(Change(kind, key, record.values, existing.row, diffs, origin))
            else:
                result.unchanged += 1
    changes.extend(_import_history(changes, incoming["action_updates"], snapshot, now))
    result.changes.extend(changes)
    return changes


def _dated_memberships(memberships: dict[tuple, Record], snapshot: Snapshot) -> dict[tuple, tuple]:
    """Dated memberships that give a start to a recorded undated one: incoming key -> the recorded key.

    Without this, adding `starts_on` to a membership would make a second one (the start is part of
    the key) and leave the undated one in force. The earliest new spell takes the undated row.
    """
    claimed: dict[tuple, tuple] = {}
    for key in sorted(memberships, key=lambda k: (k[0], k[1], k[2] or date.min)):
        board, person, starts_on = key
        undated = (board, person, None)
        if starts_on is None or snapshot.get("memberships", key) is not None or undated in memberships:
            continue
        if snapshot.get("memberships", undated) is not None and undated not in claimed.values():
            claimed[key] = undated
    return claimed


def _known(kind: str, key: tuple, incoming, snapshot: Snapshot) -> bool:
    return key in incoming[kind] or snapshot.get(kind, key) is not None


def _check_references(record: Record, incoming, snapshot: Snapshot, problems: list[Problem]) -> None:
    for spec in record.kind.fields:
        value = record.values.get(spec.name)
        if value is None:
            continue
        if spec.type == "source":
            target, key = "documents", (value.doc,)
        elif spec.ref:
            lead = tuple(record.values.get(name) for name in spec.ref_with)
            if None in lead:
                problems.append(
                    Problem(
                        record.file,
                        record.line_of(spec.name),
                        f"{record.describe()}, field '{spec.name}'",
                        f"needs {' and '.join(spec.ref_with)} as well, to say where '{value}' is",
                    )
                )
                continue
            target, key = spec.ref, (*lead, value)
        else:
            continue
        if _known(target, key, incoming, snapshot):
            continue
        target_kind = KIND_BY_NAME[target]
        known = sorted(
            {describe_key(k) for k in incoming[target]} | {describe_key(k) for k in snapshot.keys(target)}
        )
        close = difflib.get_close_matches(describe_key(key), known, n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        listing = ", ".join(known[:12]) + (" …" if len(known) > 12 else "") if known else "none yet"
        problems.append(
            Problem(
                record.file,
                record.line_of(spec.name),
                f"{record.describe()}, field '{spec.name}'",
                f"no {target_kind.label} '{describe_key(key)}' in these files or the database; "
                f"{hint}define it under `{target}:` or use a known one ({listing})",
            )
        )


def _check_same_as(kpis: dict[tuple, Record], snapshot: Snapshot, problems: list[Problem]) -> None:
    """A KPI's `same_as` names another KPI of its board: the same measure in another document."""
    boards = {key: existing.record["board"] for key, existing in snapshot.by_kind.get("kpis", {}).items()}
    boards.update({key: record.values["board"] for key, record in kpis.items()})
    for key, record in kpis.items():
        other = record.values.get("same_as")
        if other is None:
            continue
        if other == key[0] or boards.get((other,)) != record.values["board"]:
            problems.append(
                Problem(
                    record.file,
                    record.line_of("same_as"),
                    f"{record.describe()}, field 'same_as'",
                    f"'{other}' is not another KPI of board '{record.values['board']}'; name the key "
                    "of the KPI that records the same measure from another document",
                )
            )


def _check_history(updates: dict[tuple, Record], snapshot: Snapshot, problems: list[Problem]) -> None:
    for key, record in updates.items():
        existing = snapshot.get("action_updates", key)
        if existing is None:
            continue
        differing = [
            name for name in record.kind.by_name if existing.record.get(name) != record.values.get(name)
        ]
        if differing:
            problems.append(
                Problem(
                    record.file,
                    record.line,
                    record.describe(),
                    f"history entry {key[2]} of action {key[1]} is already recorded with a different "
                    f"{', '.join(differing)}; history is never rewritten: give this entry the next free "
                    "seq, or leave it out",
                )
            )


def _import_history(
    changes: list[Change], incoming_updates: dict[tuple, Record], snapshot: Snapshot, now: datetime
) -> list[Change]:
    """One history entry per tracked field that a load changes on an existing action."""
    last_seq: dict[tuple, int] = defaultdict(int)
    for board, ref, seq in [*snapshot.keys("action_updates"), *incoming_updates]:
        last_seq[(board, ref)] = max(last_seq[(board, ref)], seq)
    kind = KIND_BY_NAME["action_updates"]
    entries = []
    for change in changes:
        if change.kind.name != "actions" or change.is_new:
            continue
        board, ref = change.key
        for name, old, new in change.diffs:
            if name not in UPDATE_FIELDS:
                continue
            last_seq[(board, ref)] += 1
            values = {
                "board": board,
                "action": ref,
                "seq": last_seq[(board, ref)],
                "at": now,
                "field": name,
                "old": _as_text(old),
                "new": _as_text(new),
                "by": None,
                "by_text": "import",
                "note": f"loaded from {change.origin.rsplit(':', 1)[0]}",
                "via": m.UpdateVia.IMPORT.value,
                "link": None,
            }
            entries.append(Change(kind, kind.key_of(values), values, None, origin=change.origin))
    return entries


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


AGENDA_PART_RE = re.compile(r"^(\d*)([A-Za-z]*)")


def agenda_position(number: str) -> int:
    """Sort order of an agenda number: "4" < "4.1" < "4.2" < "10", and "3" < "3a" < "3b" < "4".

    Three levels of at most 99 (a letter-only part such as "A" sorts after the numbers).
    """
    position = 0
    parts = number.split(".")[:3]
    for depth in range(3):
        found = AGENDA_PART_RE.match(parts[depth] if depth < len(parts) else "")
        assert found is not None  # both groups may be empty: it matches any text
        digits, letters = found.groups()
        letter = min(ord(letters[0].lower()) - 96, 9) if letters else 0
        value = min(int(digits), 98) * 10 + letter if digits else (990 + letter if letters else 0)
        position = position * 1000 + value
    return position


def _apply(
    session: Session, team_id: str, name: str | None, snapshot: Snapshot, changes: list[Change]
) -> None:
    workspace = snapshot.workspace
    if workspace is None:
        workspace = m.Workspace(team_id=team_id, name=name)
        session.add(workspace)
        session.flush()
    elif name and workspace.name != name:
        workspace.name = name
    ids: dict[tuple[str, tuple], int] = {
        (kind_name, key): existing.row.id
        for kind_name, found in snapshot.by_kind.items()
        for key, existing in found.items()
    }
    by_kind: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_kind[change.kind.name].append(change)
    for kind in KINDS:
        pending = []
        for change in by_kind[kind.name]:
            row = change.existing if change.existing is not None else kind.model()
            for attribute, value in _columns(kind, change.values, ids, workspace.id).items():
                setattr(row, attribute, value)
            if kind.model is m.Action:
                set_due_by(session, row)
            if change.existing is None:
                session.add(row)
                pending.append((change, row))
        session.flush()
        for change, row in pending:
            ids[(kind.name, change.key)] = row.id


def _columns(kind: Kind, values: dict[str, Any], ids, workspace_id: int) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    if kind.in_workspace:
        columns["workspace_id"] = workspace_id
    for spec in kind.fields:
        value = values.get(spec.name)
        if spec.attribute == "-":
            continue
        if spec.type == "source":
            columns["source_document_id"] = ids[("documents", (value.doc,))] if value else None
            columns["source_line"] = value.line if value else None
            columns["source_page"] = value.page if value else None
        elif spec.ref:
            key = (*(values[name] for name in spec.ref_with), value)
            columns[spec.attribute] = None if value is None else ids[(spec.ref, key)]
        else:
            columns[spec.attribute] = value
    if kind.model is m.AgendaItem:
        columns["position"] = agenda_position(values["number"])
    return columns
