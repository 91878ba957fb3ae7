"""Reading a whole status message: `A-12 done, A-14 in progress`, a change for the thread's action,
or `undo`; or saying exactly what was not understood.

    message  := [lead-in] clause {[, ; and & newline] clause} | change-list (in a thread) | "undo"

A hedge ("almost done"), a negation ("not done"), two statuses in one clause, a question, or a word
it does not know makes the whole message a `ParseProblem`: nothing changes. A date in the past is
refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.actions import Ref
from commands.update_message.clauses import Clause, Trouble, note_only, read_clause, split_clauses
from commands.update_message.dates import example_date
from commands.update_message.words import (
    HEDGES,
    LEAD_IN,
    NEGATIONS,
    QUESTION_WORDS,
    REQUEST_OPENERS,
    SEPARATORS,
    UNDO_TAIL,
    UNDO_WORDS,
    Problem,
    name_people,
    normalise_message,
    tokenise,
)

MAX_MESSAGE = 4000  # longer messages are refused: no update needs more


@dataclass(frozen=True)
class Wanted:
    """The changes a clause asks for, for one or more actions (none named: the thread's action)."""

    refs: tuple[Ref, ...]
    status: str | None = None
    due_on: date | None = None
    rag: str | None = None
    note: str | None = None
    due_said: str = ""  # the due date as written
    due_moved_from: date | None = None  # a relative date that fell on a non-working day

    @property
    def changes_anything(self) -> bool:
        return any(v is not None for v in (self.status, self.due_on, self.rag, self.note))


@dataclass(frozen=True)
class ParsedUpdate:
    wanted: tuple[Wanted, ...] = ()
    undo: bool = False


@dataclass(frozen=True)
class ParseProblem:
    kind: Problem
    asked: str = ""  # the words not understood, as written
    ref: Ref | None = None  # the action the clause was about, when one was named
    example: str = ""  # a message that would work
    signal: bool = False  # a reference or a change word was seen: not small talk


def _words(text: str) -> list[str]:
    return [t.word for t in tokenise(text) if t.text not in SEPARATORS and t.text not in (",", ";")]


def _is_question(text: str) -> bool:
    if not text.rstrip().endswith("?"):
        return False
    lowered = text.lower().lstrip()
    return not lowered.startswith(REQUEST_OPENERS)


def _undo_words(text: str) -> bool | None:
    """True for `undo` (with fillers), None when it is no undo, False for undo with other words."""
    words = [w.strip(".!,") for w in _words(text)]
    if not any(w in ("undo", "revert", "rollback") for w in words) and words[:2] != ["roll", "back"]:
        return None
    return all(w in UNDO_WORDS or w in UNDO_TAIL or not w for w in words)


def parse_update(
    text: str,
    *,
    today: date | datetime,
    tz: str | ZoneInfo,
    example_ref: str = "A-12",
    region: str = "england",
    names: Mapping[str, str] | None = None,
) -> ParsedUpdate | ParseProblem:
    """Read a message as explicit changes to actions, or say exactly what was not understood.

    `today` is the board's date (a datetime is taken to the board's zone `tz`); relative dates
    count from it and land on working days of the board's holiday `region`. `example_ref` is used
    in examples when the message names no action; `names` names the Slack users mentioned in notes.
    """
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    if isinstance(today, datetime):
        today = (today if today.tzinfo else today.replace(tzinfo=zone)).astimezone(zone).date()
    if len(text) > MAX_MESSAGE:
        return ParseProblem(Problem.TOO_LONG, example=f"{example_ref} in progress: waiting for data")
    clean = normalise_message(text)
    if not clean.strip(" .!,;:-—"):
        return ParseProblem(Problem.NOTHING, example=f"{example_ref} done")
    if clean.lower().startswith(REQUEST_OPENERS):
        clean = clean.rstrip(" ?")  # "can you mark A-12 done?" asks for a change
    undo = _undo_words(clean)
    if undo is not None:
        if undo:
            return ParsedUpdate(undo=True)
        return ParseProblem(Problem.UNDO_WORDS, clean, example="undo", signal=True)
    lead_in, clauses = split_clauses(clean)
    first_ref = clauses[0].refs[0] if clauses else None
    ref_text = first_ref.text if first_ref and first_ref.prefix else example_ref
    if _is_question(clean) or _words(clean)[:1] and _words(clean)[0] in QUESTION_WORDS - {"have"}:
        return ParseProblem(
            Problem.QUESTION, clean, first_ref, f"/actions {ref_text}", signal=first_ref is not None
        )
    if not clauses:
        return _thread_clause(clean, today, example_ref, region, names or {})
    lead_words = _words(lead_in)
    if lead_words and not lead_in.rstrip().endswith((":", ",", "—", "-")):
        unknown = [w for w in lead_words if w not in LEAD_IN and not w.startswith("@")]
        if unknown:
            words = [w for w in _words(lead_in) if w]
            asked = lead_in.strip(" ,:;")
            kind = Problem.NEGATED if set(words) & NEGATIONS else Problem.UNKNOWN_WORDS
            if kind is Problem.UNKNOWN_WORDS and set(words) & HEDGES:
                kind = Problem.HEDGED
            return ParseProblem(kind, asked, first_ref, f"{ref_text} done", signal=True)
    wanted = []
    for clause in clauses:
        ref = clause.refs[0]
        shown = ref.text if ref.prefix else example_ref
        try:
            read_clause(clause, today, shown, region)
        except Trouble as trouble:
            fresh = Clause(clause.refs, clause.body)
            if trouble.kind is not Problem.UNKNOWN_WORDS or not _note_only(fresh, today, shown, region):
                return ParseProblem(
                    trouble.kind, trouble.asked, ref, trouble.example or f"{shown} done", True
                )
            clause = fresh
        if clause.status == "done" and clause.due_on is not None:  # "done by Friday" is a plan
            return ParseProblem(
                Problem.HEDGED, clause.body.strip(), ref, f"{shown} due {example_date(today)}", True
            )
        if not (clause.found or clause.note):
            return ParseProblem(
                Problem.NO_CHANGE,
                clause.body.strip(" ,;:"),
                ref,
                f"{shown} in progress: waiting for data",
                True,
            )
        wanted.append(_wanted(clause, names or {}))
    return ParsedUpdate(tuple(wanted))


def _note_only(clause: Clause, today: date, shown: str, region: str) -> bool:
    try:
        return note_only(clause, today, shown, region)
    except Trouble:
        return False


def _wanted(clause: Clause, names: Mapping[str, str]) -> Wanted:
    """The clause's changes; a day it was done is kept at the head of the note."""
    note = clause.note
    if clause.done_on is not None:
        done = f"Completed on {clause.done_on.day} {clause.done_on:%b %Y}"
        note = f"{done}: {note}" if note else done
    return Wanted(
        tuple(clause.refs),
        clause.status,
        clause.due_on,
        clause.rag,
        name_people(note, names) if note else None,
        clause.due_said,
        clause.due_moved_from,
    )


def _thread_clause(
    clean: str, today: date, example_ref: str, region: str, names: Mapping[str, str]
) -> ParsedUpdate | ParseProblem:
    """A message naming no action: changes for the action the thread is about, or small talk."""
    clause = Clause([], clean)
    try:
        read_clause(clause, today, example_ref, region)
    except Trouble as trouble:
        if trouble.kind is Problem.UNKNOWN_WORDS and not clause.found:
            return ParseProblem(Problem.NOTHING, clean, example=f"{example_ref} done")
        return ParseProblem(trouble.kind, trouble.asked, None, trouble.example, signal=True)
    if not (clause.found or clause.note):
        return ParseProblem(Problem.NOTHING, clean, example=f"{example_ref} done")
    if clause.status == "done" and clause.due_on is not None:  # "done by Friday" is a plan
        return ParseProblem(Problem.HEDGED, clean, None, f"due {example_date(today)}", signal=True)
    return ParsedUpdate((_wanted(clause, names),))
