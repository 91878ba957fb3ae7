"""Which board a request is about: named in the text, the channel's board, or the asker's boards."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.request import CommandRequest

STOP_WORDS = {"and", "the", "of", "for", "board", "committee", "partnership", "a", "an", "in", "on", "to"}
MAX_BOARD_WORDS = 6


def normalise(text: str) -> str:
    """Lower case, '&' as 'and', punctuation as spaces."""
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass
class BoardChoice:
    """The board a request is about, or why there is none, and the words left for the command."""

    board: m.Board | None
    rest: list[str]
    candidates: list[m.Board] = field(default_factory=list)  # to ask which
    problem: str | None = None  # "ambiguous", "unknown", "none", "which"
    asked: str = ""  # the words that named no single board
    person: m.Person | None = None
    all_boards: list[m.Board] = field(default_factory=list)


def workspace_boards(session: Session, team_id: str) -> list[m.Board]:
    stmt = select(m.Board).join(m.Workspace).where(m.Workspace.team_id == team_id).order_by(m.Board.name)
    return list(session.scalars(stmt))


def person_for(session: Session, request: CommandRequest) -> m.Person | None:
    """The asker as a person in the data, by Slack user id (or the console's vouched key)."""
    stmt = (
        select(m.Person)
        .join(m.Workspace, m.Person.workspace_id == m.Workspace.id)
        .where(m.Workspace.team_id == request.team_id)
    )
    if request.person_hint:
        return session.scalar(stmt.where(m.Person.key == request.person_hint))
    return session.scalar(stmt.where(m.Person.slack_user_id == request.user_id).limit(1))


def _names(board: m.Board) -> set[str]:
    return {normalise(n) for n in (board.name, board.short_name, board.key) if n}


def _words(board: m.Board) -> set[str]:
    return set(normalise(board.name).split()) - STOP_WORDS


def match_boards(boards: list[m.Board], phrase: str) -> list[m.Board]:
    """Boards a phrase names: exactly by name, short name or key, else by an unambiguous part."""
    wanted = normalise(phrase)
    if not wanted:
        return []
    exact = [b for b in boards if wanted in _names(b)]
    if exact:
        return exact
    words = wanted.split()
    if all(w in STOP_WORDS for w in words):
        return []
    return [
        b
        for b in boards
        if all(w in STOP_WORDS or any(bw.startswith(w) for bw in _words(b)) for w in words)
        and any(len(w) >= 3 for w in words if w not in STOP_WORDS)
    ]


def resolve_board(session: Session, request: CommandRequest, words: list[str] | None = None) -> BoardChoice:
    """Take the board from the leading words, the console's hint, the channel or the asker."""
    words = request.words if words is None else words
    boards = workspace_boards(session, request.team_id)
    choice = _choose(session, request, words, boards)
    choice.all_boards = boards
    return choice


def _choose(
    session: Session, request: CommandRequest, words: list[str], boards: list[m.Board]
) -> BoardChoice:
    person = person_for(session, request)
    if not boards:
        return BoardChoice(None, words, problem="none", person=person)
    ambiguous: tuple[str, list[m.Board]] | None = None
    for size in range(min(len(words), MAX_BOARD_WORDS), 0, -1):
        phrase = " ".join(words[:size])
        found = match_boards(boards, phrase)
        if len(found) == 1:
            return BoardChoice(found[0], words[size:], person=person)
        if len(found) > 1 and ambiguous is None:
            ambiguous = (phrase, found)
    if ambiguous:
        phrase, found = ambiguous
        return BoardChoice(None, words, candidates=found, problem="ambiguous", asked=phrase, person=person)
    if request.board_hint:
        hinted = [b for b in boards if b.key == request.board_hint]
        if hinted:
            return BoardChoice(hinted[0], words, person=person)
    if request.channel_id:
        in_channel = [b for b in boards if b.slack_channel == request.channel_id]
        if in_channel:
            return BoardChoice(in_channel[0], words, person=person)
    if len(boards) == 1:
        return BoardChoice(boards[0], words, person=person)
    mine = _boards_of(session, person) if person else []
    if len(mine) == 1:
        return BoardChoice(mine[0], words, person=person)
    return BoardChoice(None, words, candidates=mine or boards, problem="which", person=person)


def _boards_of(session: Session, person: m.Person) -> list[m.Board]:
    stmt = (
        select(m.Board).join(m.Membership).where(m.Membership.person_id == person.id).order_by(m.Board.name)
    )
    return list(session.scalars(stmt))


def is_member(session: Session, person: m.Person | None, board: m.Board) -> bool:
    if person is None:
        return False
    stmt = select(m.Membership.id).where(
        m.Membership.person_id == person.id, m.Membership.board_id == board.id
    )
    return session.scalar(stmt) is not None
