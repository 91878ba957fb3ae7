"""Which board a request is about: named in the text, the channel's board, or the asker's boards."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.request import CommandRequest

STOP_WORDS = {"and", "the", "of", "for", "board", "committee", "partnership", "a", "an", "in", "on", "to"}
MAX_BOARD_WORDS = 6
LISTED_BOARDS = 12  # a reply that lists boards names at most this many


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
    all_boards: list[m.Board] = field(default_factory=list)  # the first LISTED_BOARDS, for replies
    board_count: int = 0


def person_for(session: Session, request: CommandRequest) -> m.Person | None:
    """The asker as a person in the data, by Slack user id (or the console's vouched key)."""
    return _asker(session, request)[1]


def _asker_statement(is_asker) -> Select:
    return (
        select(m.Workspace.id, m.Person)
        .outerjoin(m.Person, and_(m.Person.workspace_id == m.Workspace.id, is_asker))
        .where(m.Workspace.team_id == bindparam("team"))
        .limit(1)
    )


# Built once: constructing a statement costs more than running these indexed lookups.
_ASKER_BY_SLACK_ID = _asker_statement(m.Person.slack_user_id == bindparam("who"))
_ASKER_BY_KEY = _asker_statement(m.Person.key == bindparam("who"))
_BOARD_BY = {
    name: select(m.Board)
    .where(m.Board.workspace_id == bindparam("workspace"), column == bindparam("value"))
    .limit(1)
    for name, column in (("key", m.Board.key), ("channel", m.Board.slack_channel))
}
_BOARD_NAMES = select(m.Board.id, m.Board.key, m.Board.name, m.Board.short_name).where(
    m.Board.workspace_id == bindparam("workspace")
)
_SECOND_BOARD = select(m.Board.id).where(m.Board.workspace_id == bindparam("workspace")).offset(1).limit(1)


def _asker(session: Session, request: CommandRequest) -> tuple[int | None, m.Person | None]:
    """The asker's workspace id and, when they are in the data, the person: one query."""
    stmt, who = (
        (_ASKER_BY_KEY, request.person_hint) if request.person_hint else (_ASKER_BY_SLACK_ID, request.user_id)
    )
    row = session.execute(stmt, {"team": request.team_id, "who": who}).first()
    return (row[0], row[1]) if row else (None, None)


def _board_names(session: Session, workspace_id: int) -> list[_Names]:
    return [_Names.of(*row) for row in session.execute(_BOARD_NAMES, {"workspace": workspace_id})]


def _board_by(session: Session, workspace_id: int, name: str, value: str) -> m.Board | None:
    return session.scalar(_BOARD_BY[name], {"workspace": workspace_id, "value": value})


@dataclass(frozen=True)
class _Names:
    """A board's names, normalised once per request."""

    board_id: int
    names: frozenset[str]
    words: frozenset[str]

    @classmethod
    @lru_cache(maxsize=8192)  # boards are few and rarely renamed; normalising them is the cost
    def of(cls, board_id: int, key: str, name: str, short_name: str | None) -> _Names:
        names = frozenset(normalise(n) for n in (name, short_name, key) if n)
        return cls(board_id, names, frozenset(normalise(name).split()) - STOP_WORDS)


def match_boards(boards: list[m.Board], phrase: str) -> list[m.Board]:
    """Boards a phrase names: exactly by name, short name or key, else by an unambiguous part."""
    by_id = {b.id: b for b in boards}
    named = [_Names.of(b.id, b.key, b.name, b.short_name) for b in boards]
    return [by_id[board_id] for board_id in _match(named, phrase)]


def _match(named: list[_Names], phrase: str) -> list[int]:
    wanted = normalise(phrase)
    if not wanted:
        return []
    exact = [n.board_id for n in named if wanted in n.names]
    if exact:
        return exact
    words = [w for w in wanted.split() if w not in STOP_WORDS]
    if not words or all(len(w) < 3 for w in words):
        return []
    return [n.board_id for n in named if all(any(bw.startswith(w) for bw in n.words) for w in words)]


def resolve_board(
    session: Session,
    request: CommandRequest,
    words: list[str] | None = None,
    *,
    not_a_board: Callable[[str], bool] | None = None,
) -> BoardChoice:
    """Take the board from the leading words, the console's hint, the channel or the asker.

    Reads only board names to match words, and whole boards only for the one chosen (or, when
    none is, for the reply that asks which): a workspace may have hundreds of boards.
    """
    words = request.words if words is None else words
    workspace_id, person = _asker(session, request)
    named = bool(words) and not (not_a_board and not_a_board(words[0]))
    choice = _choose(session, request, words, workspace_id, person, named) if workspace_id else None
    if choice is None:
        choice = BoardChoice(None, words, problem="none", person=person)
    if choice.board is None and choice.problem != "none":
        in_workspace = m.Board.workspace_id == workspace_id
        choice.all_boards = _boards(session, in_workspace, limit=LISTED_BOARDS)
        if not choice.board_count:
            choice.board_count = session.scalar(select(func.count()).select_from(m.Board).where(in_workspace))
        if not choice.all_boards:
            choice.problem = "none"
        elif not choice.candidates:
            choice.candidates = choice.all_boards
    return choice


def other_boards(session: Session, board: m.Board) -> list[m.Board]:
    """The other boards of the board's workspace."""
    return _boards(session, m.Board.workspace_id == board.workspace_id, m.Board.id != board.id)


def _boards(session: Session, *where, limit: int | None = None) -> list[m.Board]:
    return list(session.scalars(select(m.Board).where(*where).order_by(m.Board.name).limit(limit)))


def _choose(
    session: Session,
    request: CommandRequest,
    words: list[str],
    workspace_id: int,
    person: m.Person | None,
    named: bool,
) -> BoardChoice | None:
    in_workspace = m.Board.workspace_id == workspace_id
    if named:
        by_key = _board_by(session, workspace_id, "key", words[0].lower())
        if by_key is not None:  # the usual case, and one indexed lookup
            return BoardChoice(by_key, words[1:], person=person)
        names = _board_names(session, workspace_id)
        ambiguous: tuple[str, list[int]] | None = None
        for size in range(min(len(words), MAX_BOARD_WORDS), 0, -1):
            phrase = " ".join(words[:size])
            found = _match(names, phrase)
            if len(found) == 1:
                return BoardChoice(session.get(m.Board, found[0]), words[size:], person=person)
            if len(found) > 1 and ambiguous is None:
                ambiguous = (phrase, found)
        if ambiguous:
            phrase, ids = ambiguous
            listed = _boards(session, m.Board.id.in_(ids), limit=LISTED_BOARDS)
            return BoardChoice(
                None,
                words,
                candidates=listed,
                problem="ambiguous",
                asked=phrase,
                person=person,
                board_count=len(ids),
            )
    for name, value in (("key", request.board_hint), ("channel", request.channel_id)):
        if value:
            board = _board_by(session, workspace_id, name, value)
            if board is not None:
                return BoardChoice(board, words, person=person)
    second = session.scalar(_SECOND_BOARD, {"workspace": workspace_id})
    only = _boards(session, in_workspace) if second is None else []
    if len(only) == 1:
        return BoardChoice(only[0], words, person=person)
    mine = _boards_of(session, person) if person else []
    if len(mine) == 1:
        return BoardChoice(mine[0], words, person=person)
    return BoardChoice(None, words, candidates=mine, problem="which", person=person)


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


def can_see_restricted(
    session: Session, request: CommandRequest, person: m.Person | None, board: m.Board
) -> bool:
    """Part 2 items: only for the board's members, only in a DM, never in a shared reply."""
    return request.is_direct_message and not request.share and is_member(session, person, board)
