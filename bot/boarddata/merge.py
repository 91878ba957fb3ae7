"""How a load merges a file's record into the database's: the file wins only where it changed.

A field whose file value is what the files said at the last load is left as the database has it,
so a reload never reverts what was done in Slack; a field changed both in the file and outside it
(in Slack) is a conflict, kept as the database has it unless the load is told to prefer the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from bot import models as m
from bot.boarddata.provenance import SLACK_FIELDS, value_hash
from bot.boarddata.reader import describe_key
from bot.boarddata.schema import Kind, Source


def show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Source):
        return f"{value.doc} line {value.line}" if value.line else f"{value.doc} p. {value.page}"
    if isinstance(value, (date, time, datetime)):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


APPLY = "apply"
CONFLICT = "conflict"  # changed in the file and outside it since the last load
UNCHANGED_FILE = "unchanged file"  # changed outside the files; the file still says what it said
LEARNED = "learned id"  # a Slack id the file does not mention


def decide(
    kind_name: str,
    name: str,
    old: Any,
    new: Any,
    provenance: m.FieldProvenance | None,
    base: str | None,
    *,
    prefer_file: bool,
) -> str:
    """Whether a load sets a differing field to the file's value (APPLY), or why it keeps it.

    `base` is the hash of what this file said at its last load or export (None: it never has).
    """
    if kind_name == "people" and name == "slack_user_id" and new is None:
        return LEARNED  # learned from an e-mail address in Slack: a file never clears it
    if base is not None:
        file_changed = value_hash(new) != base
        changed_outside = value_hash(old) != base
    else:  # a file new to this database, or loaded before provenance was kept
        file_changed = True
        changed_outside = (
            provenance.source != m.SourceKind.FILE
            if provenance is not None
            else name in SLACK_FIELDS.get(kind_name, ())
        )
    if not changed_outside or prefer_file:
        return APPLY
    return CONFLICT if file_changed else UNCHANGED_FILE


@dataclass
class Kept:
    """A field a load left as the database has it, and why."""

    kind: Kind
    key: tuple
    field: str
    current: Any
    file_value: Any
    reason: str
    provenance: m.FieldProvenance | None
    origin: str  # file:line of the record

    @property
    def is_conflict(self) -> bool:
        return self.reason == CONFLICT

    def describe(self) -> str:
        label = f"{self.kind.label} {describe_key(self.key)}: {self.field}"
        kept = f"kept {show(self.current)} ({self.who()})"
        if self.reason == LEARNED:
            return f"= {label}: {kept}; a file that does not give a Slack id never clears one"
        if self.reason == UNCHANGED_FILE:
            return f"= {label}: {kept}; {self.origin} still says {show(self.file_value)}, as at its last load"
        return (
            f"! conflict {label}: {kept}; {self.origin} now says {show(self.file_value)}. "
            "Edit the file to agree, or load with --prefer-file to take the file's value"
        )

    def who(self) -> str:
        p = self.provenance
        if p is None:
            return "set before loads kept provenance"
        at = (p.at if p.at.tzinfo else p.at.replace(tzinfo=UTC)).astimezone(UTC)
        when = f"on {at:%Y-%m-%d %H:%M} UTC"
        if p.source == m.SourceKind.SLACK:
            return f"set in Slack by {p.source_name or 'someone'} {when}"
        if p.source == m.SourceKind.IMPORT:
            return f"imported from {p.source_name or 'an importer'} {when}"
        return f"loaded from {p.source_name or 'a file'} {when}"
