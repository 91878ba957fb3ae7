"""Load board-data files: validate everything first, then write all of it or nothing."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.actions.timescales import set_due_by
from bot.boarddata import provenance
from bot.boarddata.planning import Change, LoadResult, Plan, plan_merge
from bot.boarddata.reader import Problem, WorkspaceData, read_files, read_text
from bot.boarddata.schema import KINDS, Kind
from bot.boarddata.snapshot import Snapshot, take_snapshot
from bot.workspaces import load_team


@dataclass(frozen=True)
class Imported:
    """Board data an importer made, in the board-data format, named by the source it came from.

    `key` stays the same for one source (`moderngov https://site committee 12`, a tracker's path)
    so that a second import merges like a reload of a file: only what the source changed is set,
    and a field changed in Slack since is kept and reported. `via` names the importer.
    """

    key: str
    text: str
    via: str  # "ModernGov", "spreadsheet", "agenda pack": the fields' source and the history's note

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def load_files(
    session: Session,
    paths: list[str | Path],
    *,
    now: datetime,
    dry_run: bool = False,
    prefer_file: bool = False,
    team_id: str | None = None,
) -> LoadResult:
    """Validate `paths` against each other and the database; unless dry_run, merge them in.

    A field changes only where the file's value changed since that file's last load or export; one
    changed in Slack since is kept and listed in `kept`, unless `prefer_file` (bot/boarddata/merge.py).
    `team_id` binds every file's boards to that Slack workspace, whatever the files say; a file
    saying `local` loads into the install's one workspace once it is bound (bot/workspaces.py).
    The caller owns the transaction: on problems nothing has been written, and the caller's
    `with sessions.begin()` commits the whole load or, if anything raises, none of it.
    """
    documents, problems = read_files(paths)
    keys = {str(path): provenance.file_key(path) for path in paths}
    digests = {keys[str(path)]: provenance.file_digest(path) for path in paths if Path(path).is_file()}
    return _load(
        session,
        documents,
        problems,
        keys,
        digests,
        {},
        now,
        dry_run=dry_run,
        prefer_file=prefer_file,
        team_id=team_id,
    )


def load_imported(
    session: Session,
    imports: list[Imported],
    *,
    now: datetime,
    dry_run: bool = False,
    prefer_file: bool = False,
    team_id: str | None = None,
) -> LoadResult:
    """As load_files, for what importers made: each field's source is recorded as the importer's."""
    problems: list[Problem] = []
    documents = [data for item in imports for data in read_text(item.text, item.key, problems)]
    keys = {item.key: item.key for item in imports}
    digests = {item.key: item.digest for item in imports}
    via = {item.key: item.via for item in imports}
    return _load(
        session,
        documents,
        problems,
        keys,
        digests,
        via,
        now,
        dry_run=dry_run,
        prefer_file=prefer_file,
        team_id=team_id,
    )


def _load(
    session: Session,
    documents: list[WorkspaceData],
    problems: list[Problem],
    keys: dict[str, str],
    digests: dict[str, str],
    via: dict[str, str],
    now: datetime,
    *,
    dry_run: bool,
    prefer_file: bool,
    team_id: str | None,
) -> LoadResult:
    """Plan every workspace's merge; write it only when nothing is wrong and this is no dry run."""
    result = LoadResult(problems=problems)
    by_team: dict[str, list[WorkspaceData]] = defaultdict(list)
    for data in documents:
        by_team[team_id or load_team(session, data.team_id)].append(data)
    bases = provenance.load_bases(session, set(keys.values()))
    plans = []
    for team, parts in by_team.items():
        snapshot = take_snapshot(session, team)
        plan = plan_merge(
            parts, snapshot, now, result, Plan(bases, prefer_file, file_keys=dict(keys), via=via)
        )
        plans.append((team, parts, snapshot, plan))
    if result.problems or dry_run:
        return result
    recorder = provenance.Recorder(session, now, {}, bases)
    for key, digest in digests.items():
        recorder.file(key, digest)
    for team, parts, snapshot, plan in plans:
        name = next((p.name for p in parts if p.name), None)
        recorder.fields = snapshot.provenance
        _apply(session, team, name, snapshot, plan, recorder)
    recorder.write()
    return result


def loaded_unchanged(session: Session, paths: list[str | Path]) -> bool:
    """Whether every file was loaded before, as it is now (`boardbot load --if-changed`)."""
    known = {path: digest for path, digest in session.execute(select(m.LoadedFile.path, m.LoadedFile.digest))}
    return all(
        Path(path).is_file() and known.get(provenance.file_key(path)) == provenance.file_digest(path)
        for path in paths
    )


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
    session: Session,
    team_id: str,
    name: str | None,
    snapshot: Snapshot,
    plan: Plan,
    recorder: provenance.Recorder,
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
    for change in plan.changes:
        by_kind[change.kind.name].append(change)
    for kind in KINDS:
        pending = []
        for change in by_kind[kind.name]:
            row = change.existing if change.existing is not None else kind.model()
            for attribute, value in _columns(kind, change.values, ids, workspace.id).items():
                setattr(row, attribute, value)
            if kind.model is m.Action:
                set_due_by(session, row)
            _stamp(row, change, recorder.now)
            if change.existing is None:
                session.add(row)
                pending.append((change, row))
        session.flush()
        for change, row in pending:
            ids[(kind.name, change.key)] = row.id
    for loaded in plan.loaded:
        record_id = loaded.row_id or ids[(loaded.kind.name, loaded.key)]
        recorder.base(loaded.file_key, loaded.kind.name, record_id, loaded.hashes)
        recorder.set_by_file(
            workspace.id,
            loaded.file,
            loaded.kind.name,
            record_id,
            loaded.applied,
            via=plan.via.get(loaded.file),
        )


def _stamp(row: Any, change: Change, now: datetime) -> None:
    """When a decision was recorded and a minutes' status set: the after-meeting notices hang on it."""
    if isinstance(row, m.Decision) and change.is_new:
        row.recorded_at = now
    elif isinstance(row, m.Minutes) and (change.is_new or any(d[0] == "status" for d in change.diffs)):
        row.updated_at = now


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
