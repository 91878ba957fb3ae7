"""Which of a board's actions a member's words find: words in their text, or a lead as written.

SQL narrows to the actions whose text holds a word anywhere; Python then keeps those where the word
starts a word of the text ("attend" finds "attendance", not "unattended"), as `people` does for names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.actions.people import HONORIFICS
from bot.boards import normalise

# words a question carries that no action is found by
STOP_WORDS = {
    "a",
    "about",
    "all",
    "an",
    "and",
    "any",
    "are",
    "for",
    "from",
    "in",
    "is",
    "of",
    "on",
    "or",
    "the",
    "to",
    "what",
    "which",
    "with",
}
MIN_WORD = 2  # shorter words find too much to be meant


@dataclass(frozen=True)
class Found:
    """The actions found, and which of the words they hold: all of them, or only the best some."""

    ids: tuple[int, ...]
    words: tuple[str, ...]  # the words searched for
    matched: tuple[str, ...]  # the words the found actions hold

    @property
    def every_word(self) -> bool:
        return self.matched == self.words


def example_word(session: Session, board: m.Board) -> str | None:
    """A long word of the board's first action, for an example search that finds something."""
    description = session.scalar(
        select(m.Action.description).where(m.Action.board_id == board.id).order_by(m.Action.id).limit(1)
    )
    words = [
        w for w in normalise(description or "").split() if len(w) >= 6 and w.isalpha() and w not in STOP_WORDS
    ]
    return max(words, key=len) if words else None


def search_words(text: str) -> list[str]:
    """The words to look for, normalised, without filler, each once ("schools" as "school")."""
    found: list[str] = []
    for word in normalise(text).split():
        if word in STOP_WORDS or len(word) < MIN_WORD:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # a plural finds the singular, and the plural by its start
        if word not in found:
            found.append(word)
    return found


def _starts_a_word(word: str, text_words: set[str]) -> bool:
    return any(t.startswith(word) for t in text_words)


def _holding_any(columns: list[Any], words: list[str]) -> ColumnElement[bool]:
    """SQL's coarse test: some column holds some word anywhere (words are letters and digits only)."""
    return or_(*(func.lower(col).contains(word) for col in columns for word in words))


def actions_mentioning(session: Session, board: m.Board, words: list[str]) -> Found:
    """The board's actions whose reference, description, progress note or lead holds every word;
    when none holds all, those that hold the most of them, if that is at least half."""
    columns: list[Any] = [  # the text columns searched, as mapped
        m.Action.ref,
        m.Action.description,
        m.Action.progress,
        m.Action.lead_text,
        m.Person.name,
    ]
    stmt = (
        select(m.Action.id, *columns)
        .outerjoin(m.Person, m.Person.id == m.Action.lead_id)
        .where(m.Action.board_id == board.id, _holding_any(columns, words))
    )
    held: dict[int, frozenset[str]] = {}
    for action_id, *texts in session.execute(stmt):
        text_words = set(normalise(" ".join(t for t in texts if t)).split())
        found = frozenset(w for w in words if _starts_a_word(w, text_words))
        if found:
            held[action_id] = found
    most = max((len(found) for found in held.values()), default=0)
    if most * 2 < len(words):  # a word or two of many: chance, not what was asked
        return Found((), tuple(words), ())
    best = sorted(action_id for action_id, found in held.items() if len(found) == most)
    matched = set().union(*(held[action_id] for action_id in best)) if best else set()
    return Found(tuple(best), tuple(words), tuple(w for w in words if w in matched))


def led_as_written(session: Session, board: m.Board, words: list[str]) -> list[int]:
    """The board's actions whose lead as written holds every word at the start of one of its words
    ("kembra" in "Kembra Healy and IGXU", "yjs" in "Family Therapist YJS and EH")."""
    if not words:
        return []
    stmt = select(m.Action.id, m.Action.lead_text).where(
        m.Action.board_id == board.id, func.lower(m.Action.lead_text).contains(max(words, key=len))
    )
    return sorted(
        action_id
        for action_id, text in session.execute(stmt)
        if all(_starts_a_word(w, set(normalise(text or "").split())) for w in words)
    )


def name_words(person: m.Person) -> list[str]:
    """The words of a person's name a lead as written would hold: "Cllr Josh Rendall" as josh, rendall."""
    return [w for w in normalise(person.name).split() if w not in HONORIFICS]


def boards_led_by(
    session: Session, person: m.Person, boards: list[m.Board]
) -> list[tuple[m.Board, list[int]]]:
    """The boards where the person leads actions, by name, each with the ids of those actions:
    linked as lead on any board of the workspace, or named as written on one of `boards` (a lead's
    text is read board by board, never across every action of the workspace)."""
    words = name_words(person)
    linked = m.Action.lead_id == person.id
    named = and_(
        m.Action.board_id.in_([b.id for b in boards]),
        func.lower(m.Action.lead_text).contains(max(words, key=len) if words else ""),
    )
    stmt = (
        select(m.Action.id, m.Action.lead_id, m.Action.lead_text, m.Board)
        .join(m.Board, m.Board.id == m.Action.board_id)
        .where(m.Board.workspace_id == person.workspace_id, or_(linked, named) if words else linked)
        .order_by(m.Board.name, m.Action.id)
    )
    led: dict[int, tuple[m.Board, list[int]]] = {}
    for action_id, lead_id, text, board in session.execute(stmt):
        text_words = set(normalise(text or "").split())
        if lead_id == person.id or (words and all(_starts_a_word(w, text_words) for w in words)):
            led.setdefault(board.id, (board, []))[1].append(action_id)
    return list(led.values())
