"""What a load would change: each record compared with the database, field by field (merge rules)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot import models as m
from bot.boarddata import checks, provenance
from bot.boarddata.merge import APPLY, CONFLICT, Kept, decide, show
from bot.boarddata.reader import Problem, Record, WorkspaceData, describe_key
from bot.boarddata.schema import KIND_BY_NAME, KINDS, UPDATE_FIELDS, Kind
from bot.boarddata.snapshot import Snapshot


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
class Loaded:
    """A file's record as loaded: its fields' hashes, and which fields now hold the file's value."""

    kind: Kind
    key: tuple
    hashes: dict[str, str]
    applied: set[str]
    file: str  # as given
    file_key: str  # absolute
    row_id: int | None  # None: a new record, its id known once written


@dataclass
class Plan:
    bases: dict[provenance.BaseKey, m.LoadedValue]
    prefer_file: bool
    changes: list[Change] = field(default_factory=list)
    loaded: list[Loaded] = field(default_factory=list)
    file_keys: dict[str, str] = field(default_factory=dict)
    via: dict[str, str] = field(default_factory=dict)  # an import's key -> its importer

    def file_key(self, file: str) -> str:
        if file not in self.file_keys:
            self.file_keys[file] = provenance.file_key(file)
        return self.file_keys[file]


@dataclass
class LoadResult:
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)  # left as the database has them, and why
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def conflicts(self) -> list[Kept]:
        return [kept for kept in self.kept if kept.is_conflict]

    def summary(self) -> str:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for change in self.changes:
            counts[change.kind.name][0 if change.is_new else 1] += 1
        if not counts:
            return f"nothing to change ({self.unchanged} records already up to date)" + self._kept_summary()
        parts = [f"{name}: {new} new, {changed} changed" for name, (new, changed) in counts.items()]
        return "; ".join(parts) + f"; {self.unchanged} unchanged" + self._kept_summary()

    def _kept_summary(self) -> str:
        conflicts = len(self.conflicts)
        others = len(self.kept) - conflicts
        parts = [f"{others} field{'s' if others != 1 else ''} kept as changed in Slack"] if others else []
        if conflicts:
            parts.append(f"{conflicts} conflict{'s' if conflicts != 1 else ''} (kept; listed above)")
        return "".join(f"; {part}" for part in parts)


def plan_merge(
    parts: list[WorkspaceData], snapshot: Snapshot, now: datetime, result: LoadResult, plan: Plan
) -> Plan:
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
            checks.check_references(record, incoming, snapshot, result.problems)
    checks.check_history(incoming["action_updates"], snapshot, result.problems)
    checks.check_same_as(incoming["kpis"], snapshot, result.problems)
    checks.check_minutes(incoming["minutes"], incoming["meetings"], snapshot, result.problems)

    dated = _dated_memberships(incoming["memberships"], snapshot)
    for kind in KINDS:
        for key, record in incoming[kind.name].items():
            existing = snapshot.get(kind.name, dated.get(key, key) if kind.name == "memberships" else key)
            origin = f"{record.file}:{record.line}"
            if existing is None:
                plan.changes.append(Change(kind, key, record.values, None, origin=origin))
                _note(plan, kind, key, record, set(kind.by_name), None)
                continue
            values, diffs, conflicts = dict(record.values), [], set()
            # An import sets what its source states (an explicit null too); what it leaves out stays.
            stated = set(record.field_lines) if record.file in plan.via else None
            for spec in kind.fields:
                old, new = existing.record.get(spec.name), record.values.get(spec.name)
                if stated is not None and spec.name not in stated:
                    values[spec.name] = old
                    continue
                if old == new:
                    continue
                found = snapshot.provenance.get((kind.name, existing.row.id, spec.name))
                base = plan.bases.get((plan.file_key(record.file), kind.name, existing.row.id, spec.name))
                digest = base.value_hash if base is not None else None
                reason = decide(kind.name, spec.name, old, new, found, digest, prefer_file=plan.prefer_file)
                if reason == APPLY:
                    diffs.append((spec.name, old, new))
                else:
                    values[spec.name] = old
                    result.kept.append(Kept(kind, key, spec.name, old, new, reason, found, origin))
                    if reason == CONFLICT:
                        conflicts.add(spec.name)
            if diffs:
                plan.changes.append(Change(kind, key, values, existing.row, diffs, origin))
            else:
                result.unchanged += 1
            applied = {name for name, _, _ in diffs}
            _note(plan, kind, key, record, applied, existing.row.id, frozenset(conflicts))
    plan.changes.extend(_import_history(plan, incoming["action_updates"], snapshot, now))
    result.changes.extend(plan.changes)
    return plan


def _note(
    plan: Plan,
    kind: Kind,
    key: tuple,
    record: Record,
    applied: set[str],
    row_id: int | None,
    conflicts: frozenset[str] = frozenset(),
) -> None:
    """Plan the provenance a load leaves: skipped where it already says what this load would.

    A conflict keeps its last loaded value, so each load lists it again until the file agrees
    with the database or a load prefers the file.
    """
    if kind.name in provenance.UNTRACKED_KINDS:
        return
    hashes = {
        spec.name: provenance.value_hash(record.values.get(spec.name))
        for spec in kind.fields
        if spec.name not in conflicts
    }
    file = plan.file_key(record.file)
    if row_id is not None and not applied:
        if all(
            (base := plan.bases.get((file, kind.name, row_id, name))) is not None
            and base.value_hash == digest
            for name, digest in hashes.items()
        ):
            return
    plan.loaded.append(Loaded(kind, key, hashes, applied, record.file, file, row_id))


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


def _import_history(
    plan: Plan, incoming_updates: dict[tuple, Record], snapshot: Snapshot, now: datetime
) -> list[Change]:
    """One history entry per tracked field that a load or import changes on an existing action."""
    last_seq: dict[tuple, int] = defaultdict(int)
    for board, ref, seq in [*snapshot.keys("action_updates"), *incoming_updates]:
        last_seq[(board, ref)] = max(last_seq[(board, ref)], seq)
    kind = KIND_BY_NAME["action_updates"]
    entries = []
    for change in plan.changes:
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
                "note": _history_note(plan, change.origin.rsplit(":", 1)[0]),
                "via": m.UpdateVia.IMPORT.value,
                "link": None,
            }
            entries.append(Change(kind, kind.key_of(values), values, None, origin=change.origin))
    return entries


def _history_note(plan: Plan, file: str) -> str:
    """ "loaded from data/board.yaml", or "via ModernGov (moderngov https://site committee 12)"."""
    via = plan.via.get(file)
    return f"via {via} ({file})"[:500] if via else f"loaded from {file}"


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)
