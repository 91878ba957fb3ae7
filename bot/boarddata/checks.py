"""Checks across a load's records: references resolve, history is never rewritten, `same_as` is sound."""

from __future__ import annotations

import difflib

from bot.boarddata.reader import Problem, Record, describe_key
from bot.boarddata.schema import KIND_BY_NAME
from bot.boarddata.snapshot import Snapshot


def is_known(kind: str, key: tuple, incoming, snapshot: Snapshot) -> bool:
    return key in incoming[kind] or snapshot.get(kind, key) is not None


def check_references(record: Record, incoming, snapshot: Snapshot, problems: list[Problem]) -> None:
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
        if is_known(target, key, incoming, snapshot):
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


def check_same_as(kpis: dict[tuple, Record], snapshot: Snapshot, problems: list[Problem]) -> None:
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


def check_minutes(
    minutes: dict[tuple, Record], meetings: dict[tuple, Record], snapshot: Snapshot, problems: list[Problem]
) -> None:
    """Minutes are approved at a later meeting of the same board."""
    known = {key: existing.record for key, existing in snapshot.by_kind.get("meetings", {}).items()}
    known.update({key: record.values for key, record in meetings.items()})
    for record in minutes.values():
        held, approving = (
            known.get((record.values["meeting"],)),
            known.get((record.values.get("approval_meeting"),)),
        )
        if held is None or approving is None:
            continue  # no approving meeting, or an unknown one (check_references says so)
        if approving["board"] != held["board"] or approving["date"] <= held["date"]:
            problems.append(
                Problem(
                    record.file,
                    record.line_of("approval_meeting"),
                    f"{record.describe()}, field 'approval_meeting'",
                    f"'{record.values['approval_meeting']}' ({approving['board']}, {approving['date']}) is not a "
                    f"later meeting of board '{held['board']}': minutes of {held['date']} are approved at "
                    "one of its meetings after that day",
                )
            )


def check_history(updates: dict[tuple, Record], snapshot: Snapshot, problems: list[Problem]) -> None:
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
