"""A status message's clauses: each starts at an action reference and says what changes.

    clause   := ref {[, and &] ref} change-list
    change   := status | rag | date-keyword date | note-keyword [: text]
    change-list := change {[,] change} [(: | " - " | — | , | "(" | connector) note]

`split_clauses` cuts a message at its references; `read_clause` fills in a clause's changes or
raises `Trouble` saying which words it did not understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from bot import models as m
from bot.actions import Ref
from commands.update_message.dates import RECENT_PAST_DAYS, example_date, is_relative, read_date, working_day
from commands.update_message.words import (
    CONNECTORS,
    FILLERS,
    HARD_BREAK_RE,
    HEDGES,
    LINK_RE,
    NEGATIONS,
    NOT_PREFIXES,
    REF_IN_TEXT_RE,
    SEPARATORS,
    TRAILING_JOIN_RE,
    WEAK_DATE_KEYWORDS,
    YEAR_RE,
    Problem,
    Token,
    match_phrase,
    tokenise,
)

MAX_NOTE = 2000
MAX_YEARS_AHEAD = 10


@dataclass
class Clause:
    refs: list[Ref]
    body: str
    status: str | None = None
    rag: str | None = None
    due_on: date | None = None
    note: str | None = None
    found: list[str] = field(default_factory=list)  # the change words, as written
    due_said: str = ""  # the due date as written
    due_moved_from: date | None = None  # a relative date on a non-working day, before it moved
    done_on: date | None = None  # `completed on 30 Aug`: the day it was done


class Trouble(Exception):
    def __init__(self, kind: Problem, asked: str = "", example: str = ""):
        super().__init__(kind)
        self.kind, self.asked, self.example = kind, asked, example


def _ref_of(found: re.Match) -> Ref | None:
    if found.group("word_number"):
        return Ref(None, found.group("word_number"))
    if found.group("hash_number"):
        return Ref(None, found.group("hash_number"))
    prefix = found.group("prefix")
    if prefix.lower() in NOT_PREFIXES:
        return None
    if found.group("space") and not (len(prefix) > 1 and prefix.isupper()):
        return None  # "done 3 of 5" names no action; "HWB 2" does
    return Ref(prefix, found.group("number"))


def _starts_a_change(text: str) -> bool:
    """Whether the words after a reference begin a change (so a reference in a note starts a clause)."""
    tokens = [t for t in tokenise(text) if t.word not in FILLERS and t.text not in SEPARATORS][:3]
    found = match_phrase(tokens, 0) if tokens else None
    return found is not None and found[1] in ("status", "rag", "date", "note")


def _note_started(body: str) -> bool:
    tokens = tokenise(body)
    seen_word = False
    for token in tokens:
        if token.text in SEPARATORS and seen_word:
            return True
        if token.text not in SEPARATORS and token.text not in (",", ";"):
            seen_word = True
    return False


def split_clauses(text: str) -> tuple[str, list[Clause]]:
    """The lead-in before the first reference, and a clause per run of references."""
    heads: list[tuple[re.Match, Ref]] = []
    links = [link.span() for link in LINK_RE.finditer(text)]
    for found in REF_IN_TEXT_RE.finditer(text):
        ref = _ref_of(found)
        if ref is None or any(start <= found.start() < end for start, end in links):
            continue
        if heads:
            so_far = text[heads[-1][0].end() : found.start()]
            in_note = _note_started(so_far)
            if in_note and not (
                HARD_BREAK_RE.search(text[: found.start()]) and _starts_a_change(text[found.end() :])
            ):
                continue
        heads.append((found, ref))
    if not heads:
        return text, []
    clauses: list[Clause] = []
    for index, (found, ref) in enumerate(heads):
        end = heads[index + 1][0].start() if index + 1 < len(heads) else len(text)
        body = (
            TRAILING_JOIN_RE.sub("", text[found.end() : end])
            if index + 1 < len(heads)
            else text[found.end() :]
        )
        if clauses and not clauses[-1].body.strip(" ,&+/\n"):
            clauses[-1].refs.append(ref)  # "A-12, A-14 done": one change for both
            clauses[-1].body = body
        else:
            clauses.append(Clause([ref], body))
    return text[: heads[0][0].start()], clauses


def _example(ref: str, clause: Clause | None, note: str = "waiting for data") -> str:
    word = (clause.found[0] if clause and clause.found else "in progress").split(":")[0]
    return f"{ref} {word}: {note}"


def read_clause(clause: Clause, today: date, ref_text: str, region: str = "england") -> None:
    """Fill in the clause's changes from its body, or raise Trouble saying what was not understood.
    A due date at the end of a note (`waiting for ICB data, due 15 Dec`) is read as a due date."""
    _read_changes(clause, today, ref_text, region)
    _due_after_note(clause, today, ref_text, region)


def note_only(clause: Clause, today: date, ref_text: str, region: str = "england") -> bool:
    """`A-12: panel launched`: words after a colon or dash that change nothing are a note alone."""
    if clause.found or not clause.body.lstrip().startswith((":", "—", "- ")):
        return False
    clause.status = clause.rag = clause.due_on = None
    clause.note = _note_text(clause.body)
    _due_after_note(clause, today, ref_text, region)
    return clause.note is not None or clause.due_on is not None


def _read_changes(clause: Clause, today: date, ref_text: str, region: str) -> None:
    body = clause.body
    tokens = tokenise(body)
    i = 0
    label = False
    after_break = False
    note_asked = False
    while i < len(tokens):
        token = tokens[i]
        if token.text in (",", ";", ")"):
            i += 1
            after_break = True
            continue
        if token.text in SEPARATORS:
            if label or not (clause.found or note_asked):
                i += 1
                continue
            clause.note = _note_text(body[token.end :])
            return
        if token.text == "?":
            raise Trouble(Problem.QUESTION, body.strip())
        found = match_phrase(tokens, i)
        if found:
            size, kind, value, phrase = found
            said = body[token.start : tokens[i + size - 1].end]
            if kind == "date":
                i = _read_due(clause, tokens, i, size, phrase, today, ref_text, region)
                if i < 0:  # a weak keyword without a date: an ordinary word
                    i = -i
                    if _starts_note(clause, note_asked, after_break, tokens[i - 1]):
                        clause.note = _note_text(body[tokens[i - 1].start :])
                        return
                    asked = _unknown_run(body, tokens, i - 1)
                    raise Trouble(Problem.UNKNOWN_WORDS, asked, f"{ref_text} in progress: {asked}")
                after_break = False
                continue
            i += size
            after_break = False
            if kind == "label":
                label = True
                continue
            label = False
            if kind == "note":
                note_asked = True
                if i < len(tokens) and tokens[i].text not in SEPARATORS:
                    clause.note = _note_text(body[tokens[i].start :])
                    return
                continue
            clause.found.append(said)
            if kind == "status":
                if clause.status and clause.status != value:
                    raise Trouble(
                        Problem.AMBIGUOUS_STATUS, " and ".join(clause.found), _example(ref_text, None)
                    )
                clause.status = value
                if value == m.ActionStatus.DONE:
                    i = _read_done_on(clause, tokens, i, today, ref_text)
            else:
                if clause.rag and clause.rag != value:
                    raise Trouble(Problem.AMBIGUOUS_RAG, " and ".join(clause.found), f"{ref_text} amber")
                clause.rag = value
            continue
        word = token.word
        if word in NEGATIONS or word in HEDGES:
            ahead = _next_change(tokens, i + 1)
            if ahead is not None and ahead[1] in ("status", "rag"):
                end = tokens[ahead[0] + ahead[2] - 1].end
                asked = body[token.start : end]
                kind = Problem.NEGATED if word in NEGATIONS else Problem.HEDGED
                if word == "or":
                    kind, asked = Problem.AMBIGUOUS_STATUS, body[tokens[max(i - 1, 0)].start : end]
                note = asked if kind is Problem.HEDGED else "not finished yet"
                raise Trouble(kind, asked, f"{ref_text} in progress: {note}")
        if (word in FILLERS or word.startswith("@")) and not (word in CONNECTORS and clause.found):
            i += 1
            continue
        if _starts_note(clause, note_asked, after_break, token):
            clause.note = _note_text(body[token.start :])
            return
        asked = _unknown_run(body, tokens, i)
        if clause.found:
            example = _example(ref_text, clause, asked)
        else:
            example = f"{ref_text} in progress: {asked}" if len(asked.split()) > 1 else f"{ref_text} done"
        raise Trouble(Problem.UNKNOWN_WORDS, asked, example)


def _starts_note(clause: Clause, note_asked: bool, after_break: bool, token: Token) -> bool:
    if note_asked:
        return True
    return bool(clause.found) and (after_break or token.word in CONNECTORS or token.text == "(")


def _next_change(tokens: list[Token], start: int) -> tuple[int, str, int] | None:
    """The next status or RAG phrase within three words, skipping fillers: (index, kind, size)."""
    i, looked = start, 0
    while i < len(tokens) and looked < 3:
        found = match_phrase(tokens, i)
        if found:
            return i, found[1], found[0]
        if tokens[i].word not in FILLERS:
            looked += 1
        i += 1
    return None


def _unknown_run(body: str, tokens: list[Token], i: int) -> str:
    """The words from token i up to the next word it knows (or the end), as written."""
    j = i + 1
    while j < len(tokens) and not match_phrase(tokens, j) and tokens[j].text not in SEPARATORS:
        j += 1
    return body[tokens[i].start : tokens[j - 1].end].strip(" ,;")


def _note_text(text: str) -> str | None:
    note = text.strip(" \n,;:—-")
    if note.startswith("(") and note.endswith(")"):
        note = note[1:-1].strip()
    elif note.endswith(")") and "(" not in note:
        note = note[:-1].strip()
    if not note:
        return None
    return note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1].rstrip() + "…"


def _read_due(
    clause: Clause,
    tokens: list[Token],
    i: int,
    size: int,
    phrase: tuple[str, ...],
    today: date,
    ref_text: str,
    region: str,
) -> int:
    """Read the date after a keyword; return the index after it (negative: no date, a plain word)."""
    body = clause.body
    j = i + size
    while j < len(tokens) and (
        tokens[j].text in (":", "=", "-", "->")
        or tokens[j].word in ("on", "the", "to", "for", "until", "by", "is", "be")
    ):
        j += 1
    words: list[str] = []
    k = j
    while k < len(tokens) and len(words) < 6 and tokens[k].text not in (",", ";", ":", "—", "(", ")", "?"):
        words.append(tokens[k].text)
        k += 1
    found = read_date(words, today) if words else None
    example = f"{ref_text} due {example_date(today)}"
    if found is None:
        due_to = phrase == ("due",) and i + 1 < len(tokens) and tokens[i + 1].word == "to"
        if phrase in WEAK_DATE_KEYWORDS or due_to:
            return -(i + 1)
        asked = body[tokens[i].start : tokens[k - 1].end] if k > i else body[tokens[i].start :]
        raise Trouble(Problem.BAD_DATE, asked.strip(), example)
    value, used = found
    asked = body[tokens[i].start : tokens[j + used - 1].end]
    if isinstance(value, Problem):
        if value is Problem.MONTH_FIRST:
            example = f"{ref_text} due {_day_first(words[:used]) or example_date(today)}"
        raise Trouble(value, asked, example)
    _set_due(clause, value, words[:used], asked, today, ref_text, region)
    return j + used


def _day_first(words: list[str]) -> str:
    """`12/15` written day first (`15/12`), for the example when a date was written month first."""
    parts = words[0].replace(".", "/").replace("-", "/").split("/") if len(words) == 1 else []
    return "/".join([parts[1], parts[0], *parts[2:]]) if len(parts) >= 2 else ""


def _set_due(
    clause: Clause, value: date, words: list[str], asked: str, today: date, ref_text: str, region: str
) -> None:
    """Set the due date read from `words`, or refuse it; a relative one lands on a working day."""
    example = f"{ref_text} due {example_date(today)}"
    if is_relative(words, today):
        moved = working_day(value, words, region)
        if moved < today:  # the month's last working day has passed: the next working day then
            moved = working_day(value, ["next"], region)
        if moved != value:
            clause.due_moved_from = value
        value = moved
    if value < today:
        raise Trouble(Problem.PAST_DATE, asked, example)
    if value > today + relativedelta(years=MAX_YEARS_AHEAD):
        raise Trouble(Problem.TOO_FAR, asked, example)
    if clause.due_on and clause.due_on != value:
        raise Trouble(Problem.BAD_DATE, asked, example)
    clause.due_on = value
    clause.due_said = asked
    clause.found.append(asked)


DONE_ON_STOPS = (",", ";", ":", "—", "(", ")", "?")


def _read_done_on(clause: Clause, tokens: list[Token], i: int, today: date, ref_text: str) -> int:
    """`completed on 30 Aug`: the day it was done (written, not relative); the index after it."""
    j = i + 1 if i < len(tokens) and tokens[i].word == "on" else i
    words = [t.text for t in tokens[j : j + 4]]
    words = words[: next((n for n, w in enumerate(words) if w in DONE_ON_STOPS), len(words))]
    found = read_date(words, today) if words else None
    if found is None or not isinstance(found[0], date) or is_relative(words[: found[1]], today):
        return i
    day, used = found[0], found[1]
    yearless = not any(YEAR_RE.match(w.strip(",.")) for w in words[:used])
    if yearless and day > today + timedelta(days=RECENT_PAST_DAYS):
        day -= relativedelta(years=1)  # "completed on 15 Jan" in September: this January
    said = clause.body[tokens[j].start : tokens[j + used - 1].end]
    if day > today:
        raise Trouble(Problem.HEDGED, f"done on {said}", f"{ref_text} due {said}")
    clause.done_on = day
    return j + used


TRAILING_DUE_RE = re.compile(
    r"[,;]\s*(?:and\s+)?(?:(?:now|new)\s+)?(?P<asked>(?:due(?:\s+(?:on|by|date))?|deadline)\s*:?\s*"
    r"(?P<when>[^,;:()]{1,60}?))\s*[.!]?\s*$",
    re.IGNORECASE,
)


def _due_after_note(clause: Clause, today: date, ref_text: str, region: str) -> None:
    """`…: waiting for ICB data, due 15 Dec`: the date is set and left out of the note."""
    if clause.note is None or clause.due_on is not None:
        return
    found = TRAILING_DUE_RE.search(clause.note)
    if found is None:
        return
    words = found.group("when").split()
    read = read_date(words, today)
    if read is None or read[1] != len(words):
        return
    if isinstance(read[0], Problem):
        raise Trouble(read[0], found.group("asked"), f"{ref_text} due {example_date(today)}")
    _set_due(clause, read[0], words, found.group("asked"), today, ref_text, region)
    clause.note = _note_text(clause.note[: found.start()])
