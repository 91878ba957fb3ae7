"""Write the database back out as board-data files, in a stable order, so a round trip is lossless."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.boarddata import provenance
from bot.boarddata.loader import agenda_position
from bot.boarddata.schema import FORMAT_VERSION, KINDS, Source
from bot.boarddata.snapshot import take_snapshot

Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _ExportDumper(Dumper):  # type: ignore[misc, valid-type]
    pass


def _represent_source(dumper: yaml.SafeDumper, source: Source) -> yaml.Node:
    items: dict[str, Any] = {"doc": source.doc}
    if source.line is not None:
        items["line"] = source.line
    if source.page is not None:
        items["page"] = source.page
    return dumper.represent_mapping("tag:yaml.org,2002:map", items, flow_style=True)


def _represent_time(dumper: yaml.SafeDumper, value: time) -> yaml.Node:
    return dumper.represent_str(value.strftime("%H:%M"))


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.Node:
    return dumper.represent_str(value.isoformat())


_ExportDumper.add_representer(Source, _represent_source)
_ExportDumper.add_representer(time, _represent_time)
_ExportDumper.add_representer(datetime, _represent_datetime)

REF_RE = re.compile(r"^([A-Za-z]+)-(\d+)$")


def _ref_order(ref: str) -> tuple:
    match = REF_RE.match(ref)
    return (match.group(1), int(match.group(2))) if match else (ref, 0)


def _sort_key(kind_name: str, record: dict[str, Any]) -> tuple:
    r = record
    if kind_name == "meetings":
        return (r["board"], r["date"], r["key"])
    if kind_name == "agenda_items":
        return (r["meeting"], agenda_position(r["number"]), r["number"])
    if kind_name == "actions":
        return (r["board"], _ref_order(r["ref"]))
    if kind_name == "action_updates":
        return (r["board"], _ref_order(r["action"]), r["seq"])
    if kind_name == "kpi_values":
        return (r["kpi"], r["area"], r["period_end"] or date.min, r["period"], r["source"].doc)
    if kind_name == "attendance":
        return (r["meeting"], bool(r["minuted"]), r["person"] or "", r["name"] or "")
    if kind_name == "quorum_groups":
        return (r["board"], r["key"])
    if kind_name == "declarations":
        return (r["meeting"], agenda_position(r["agenda_item"]), r["agenda_item"], r["person"])
    if kind_name == "standing_declarations":
        return (r["board"], r["person"], r["interest"])
    if kind_name == "minutes":
        return (r["meeting"],)
    if kind_name == "decisions":
        return (r["meeting"], agenda_position(r["agenda_item"]), r["agenda_item"], r["seq"])
    if kind_name == "memberships":
        return (r["board"], r["person"], r["starts_on"] or date.min)
    return (r["key"],)


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is not recorded (and booleans that are false)."""
    return {
        name: value
        for name, value in record.items()
        if value is not None and value is not False and value != []
    }


def export_workspace(session: Session, team_id: str) -> dict[str, Any]:
    snapshot = take_snapshot(session, team_id)
    workspace = snapshot.workspace
    document: dict[str, Any] = {
        "boardbot": FORMAT_VERSION,
        "workspace": _plain({"team_id": team_id, "name": workspace.name if workspace else None}),
    }
    for kind in KINDS:
        records = sorted(snapshot.records(kind.name), key=partial(_sort_key, kind.name))
        if records:
            document[kind.name] = [_plain(record) for record in records]
    return document


def export_yaml(session: Session, team_id: str | None = None) -> str:
    """Every workspace (or only `team_id`'s), one YAML document each, ordered by team id."""
    team_ids = _team_ids(session, team_id)
    documents = [export_workspace(session, team_id) for team_id in team_ids]
    if not documents:
        documents = [{"boardbot": FORMAT_VERSION}]
    return yaml.dump_all(
        documents,
        Dumper=_ExportDumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        default_flow_style=False,
        explicit_start=True,
    )


def _team_ids(session: Session, team_id: str | None) -> list[str]:
    """Every workspace's team id, or only `team_id` (LookupError, saying which there are, if absent)."""
    team_ids = list(session.scalars(select(m.Workspace.team_id).order_by(m.Workspace.team_id)))
    if team_id is None:
        return team_ids
    if team_id not in team_ids:
        raise LookupError(f"No workspace {team_id}; the workspaces are: {', '.join(team_ids) or 'none'}")
    return [team_id]


def remember_export(session: Session, path: str | Path, now: datetime, team_id: str | None = None) -> None:
    """Record what an export to `path` wrote, as if loaded from it: loading the edited file then
    changes what was edited, and keeps what Slack changed since the export (bot/boarddata/merge.py).
    """
    key = provenance.file_key(path)
    bases = provenance.load_bases(session, [key])
    recorder = provenance.Recorder(session, now, {}, bases)
    recorder.file(key, provenance.file_digest(path))
    for team in _team_ids(session, team_id):
        snapshot = take_snapshot(session, team)
        for kind in KINDS:
            if kind.name in provenance.UNTRACKED_KINDS:
                continue
            for existing in snapshot.by_kind.get(kind.name, {}).values():
                hashes = {name: provenance.value_hash(value) for name, value in existing.record.items()}
                recorder.base(key, kind.name, existing.row.id, hashes)
    recorder.write()
