"""Which board a request is about: named in the text, the channel's board, or the asker's boards."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Select, String, and_, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from bot import models as m
from bot.db import each_loaded, loaded, loaded_columns, plain_rows, written
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
    return _lookup(session, request, None).person


@dataclass
class _Lookup:
    """What one statement finds for a request: the workspace, the asker, and the boards named by
    the first word (as a key), by the console's hint and by the channel, each None when there is none."""

    workspace_id: int | None = None
    person: m.Person | None = None
    by_word: m.Board | None = None
    by_hint: m.Board | None = None
    by_channel: m.Board | None = None
    probe_in_a_name: bool = True  # whether any board's name, short name or key contains the probe


@lru_cache(maxsize=16)
def _lookup_statement(by_key: bool, named: tuple[str, ...]) -> Select:
    """The lookup for an asker given by Slack id (or by key, for the console) and the boards
    `named` by the request ("word", "hint", "channel"): only those are joined. Plain columns (the
    workspace's id, the asker's, each board's, then the probe), made ORM objects by `_lookup`:
    the ORM's loading of them cost 0.15 ms a command. Built once per shape: constructing a
    statement costs more than running these indexed lookups."""
    is_asker = (m.Person.key if by_key else m.Person.slack_user_id) == bindparam("who")
    boards = {name: aliased(m.Board, name=f"board_by_{name}") for name in named}
    columns: list = [m.Workspace.id, *loaded_columns(m.Person)]
    for board in boards.values():
        columns += loaded_columns(board)
    if "word" in named:
        any_board = aliased(m.Board, name="any_board")
        space = written(" ")
        names = (
            any_board.name + space + func.coalesce(any_board.short_name, written("")) + space + any_board.key
        )
        probe = bindparam("probe", type_=String)
        columns.append(
            select(any_board.id)
            .where(
                probe.is_not(None),
                any_board.workspace_id == m.Workspace.id,
                func.lower(names).contains(probe),
            )
            .exists()
        )
    stmt = select(*columns).outerjoin(m.Person, and_(m.Person.workspace_id == m.Workspace.id, is_asker))
    for name, board in boards.items():
        column = board.slack_channel if name == "channel" else board.key
        stmt = stmt.outerjoin(board, and_(board.workspace_id == m.Workspace.id, column == bindparam(name)))
    return stmt.where(m.Workspace.team_id == bindparam("team")).limit(written(1))


_BOARD_NAMES = select(m.Board.id, m.Board.key, m.Board.name, m.Board.short_name).where(
    m.Board.workspace_id == bindparam("workspace")
)
_SECOND_BOARD = (
    select(m.Board.id)
    .where(m.Board.workspace_id == bindparam("workspace"))
    .offset(written(1))
    .limit(written(1))
)


def _probe(word: str) -> str | None:
    """The first word's first token that board names are matched on (see _match), if any: when
    no board's name contains it, no phrase starting with the word can name a board."""
    return next((token for token in normalise(word).split() if token not in STOP_WORDS), None)


def _lookup(session: Session, request: CommandRequest, word: str | None) -> _Lookup:
    """The asker's workspace and person, and the boards the request may mean: one query. `word`:
    the first word, when it may name a board."""
    params = {
        "team": request.team_id,
        "who": request.person_hint or request.user_id,
        "word": word.lower() if word else None,
        "probe": _probe(word) if word else None,
        "hint": request.board_hint,
        "channel": None if request.is_direct_message else request.channel_id,  # a DM is no board's
    }
    named = tuple(name for name in ("word", "hint", "channel") if params[name])
    rows = plain_rows(session, _lookup_statement(bool(request.person_hint), named), params)
    if not rows:
        return _Lookup()
    workspace_id, *values = rows[0]
    (person, *boards), rest = each_loaded(session, values, [m.Person] + [m.Board] * len(named))
    found = _Lookup(workspace_id, person)
    for name, board in zip(named, boards, strict=True):
        setattr(found, f"by_{name}", board)
    # with no first word there is nothing to probe: say so rather than leave the default
    found.probe_in_a_name = "word" in named and (rest[0] or params["probe"] is None)
    return found


def _board_names(session: Session, workspace_id: int) -> list[_Names]:
    return [_Names.of(*row) for row in plain_rows(session, _BOARD_NAMES, {"workspace": workspace_id})]


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
    named = bool(words) and not (not_a_board and not_a_board(words[0]))
    found = _lookup(session, request, words[0] if named else None)
    workspace_id, person = found.workspace_id, found.person
    choice = _choose(session, words, found, named) if workspace_id else None
    if choice is None:
        choice = BoardChoice(None, words, problem="none", person=person)
    if choice.board is None and choice.problem != "none":
        choice.all_boards = loaded(session, m.Board, _LISTED_BOARDS, {"workspace": workspace_id})
        if not choice.board_count:
            choice.board_count = plain_rows(session, _BOARD_COUNT, {"workspace": workspace_id})[0][0]
        if not choice.all_boards:
            choice.problem = "none"
        elif not choice.candidates:
            choice.candidates = choice.all_boards
    return choice


# Built once, as the lookup is: a statement built afresh costs about 0.4 ms to build and run, more
# than these indexed reads take. Boards come back as the session's objects (bot.db.loaded).
_BOARDS = select(*loaded_columns(m.Board)).order_by(m.Board.name)
_LISTED_BOARDS = _BOARDS.where(m.Board.workspace_id == bindparam("workspace")).limit(written(LISTED_BOARDS))
_OTHER_BOARDS = _BOARDS.where(
    m.Board.workspace_id == bindparam("workspace"), m.Board.id != bindparam("board")
)
_BOARDS_OF = _BOARDS.join(m.Membership).where(m.Membership.person_id == bindparam("person"))
_BOARD_COUNT = select(func.count()).select_from(m.Board).where(m.Board.workspace_id == bindparam("workspace"))
_MEMBERSHIP = (
    select(m.Membership.id)
    .where(m.Membership.person_id == bindparam("person"), m.Membership.board_id == bindparam("board"))
    .limit(written(1))
)


def other_boards(session: Session, board: m.Board) -> list[m.Board]:
    """The other boards of the board's workspace."""
    return loaded(session, m.Board, _OTHER_BOARDS, {"workspace": board.workspace_id, "board": board.id})


def _boards(session: Session, *where, limit: int | None = None) -> list[m.Board]:
    stmt = select(m.Board).where(*where).order_by(m.Board.name)
    return list(session.scalars(stmt if limit is None else stmt.limit(written(limit))))


def _choose(session: Session, words: list[str], found: _Lookup, named: bool) -> BoardChoice | None:
    workspace_id, person = found.workspace_id, found.person
    if named and found.by_word is not None:  # the usual case: the first word is the board's key
        return BoardChoice(found.by_word, words[1:], person=person)
    if named and found.probe_in_a_name:  # else no board's name has the word: no need to read them
        names = _board_names(session, workspace_id)
        ambiguous: tuple[str, list[int]] | None = None
        for size in range(min(len(words), MAX_BOARD_WORDS), 0, -1):
            phrase = " ".join(words[:size])
            ids = _match(names, phrase)
            if len(ids) == 1:
                return BoardChoice(session.get(m.Board, ids[0]), words[size:], person=person)
            if len(ids) > 1 and ambiguous is None:
                ambiguous = (phrase, ids)
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
    for board in (found.by_hint, found.by_channel):
        if board is not None:
            return BoardChoice(board, words, person=person)
    second = session.scalar(_SECOND_BOARD, {"workspace": workspace_id})
    only = loaded(session, m.Board, _LISTED_BOARDS, {"workspace": workspace_id}) if second is None else []
    if len(only) == 1:
        return BoardChoice(only[0], words, person=person)
    mine = _boards_of(session, person) if person else []
    if len(mine) == 1:
        return BoardChoice(mine[0], words, person=person)
    return BoardChoice(None, words, candidates=mine, problem="which", person=person)


def _boards_of(session: Session, person: m.Person) -> list[m.Board]:
    return loaded(session, m.Board, _BOARDS_OF, {"person": person.id})


def is_member(session: Session, person: m.Person | None, board: m.Board) -> bool:
    if person is None:
        return False
    return bool(plain_rows(session, _MEMBERSHIP, {"person": person.id, "board": board.id}))


def can_see_restricted(
    session: Session, request: CommandRequest, person: m.Person | None, board: m.Board
) -> bool:
    """Part 2 items: only for the board's members, only in a DM, never in a shared reply."""
    return request.is_direct_message and not request.share and is_member(session, person, board)
