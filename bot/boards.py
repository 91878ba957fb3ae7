"""Which board a request is about: named in the text, the channel's board, or the asker's boards."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.meetings import board_today
from bot.models.boards import in_force_today
from bot.request import CommandRequest

# words in a board's name that do not tell boards apart
BOARD_NAME_FILLER = {
    "and",
    "the",
    "of",
    "for",
    "board",
    "committee",
    "partnership",
    "a",
    "an",
    "in",
    "on",
    "to",
}
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
    """The asker as a person in the data: the console vouches for one by key; anyone else is
    known by their Slack user id."""
    if request.person_hint:
        who = m.Person.key == request.person_hint
    else:
        who = m.Person.slack_user_id == request.user_id
    return session.scalars(
        select(m.Person)
        .join(m.Workspace, m.Workspace.id == m.Person.workspace_id)
        .where(m.Workspace.team_id == request.team_id, who)
        .limit(1)
    ).first()


def _team_boards(request: CommandRequest) -> Select[m.Board]:
    """The boards of the asker's workspace, by name."""
    return (
        select(m.Board)
        .join(m.Workspace, m.Workspace.id == m.Board.workspace_id)
        .where(m.Workspace.team_id == request.team_id)
        .order_by(m.Board.name)
    )


def _board_where(session: Session, request: CommandRequest, *where: ColumnElement[bool]) -> m.Board | None:
    return session.scalars(_team_boards(request).where(*where).limit(1)).first()


@dataclass(frozen=True)
class _Names:
    """A board's names, normalised for matching words against."""

    board_id: int
    names: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, board: m.Board) -> _Names:
        names = frozenset(normalise(n) for n in (board.name, board.short_name, board.key) if n)
        return cls(board.id, names, frozenset(normalise(board.name).split()) - BOARD_NAME_FILLER)


def _match(named: list[_Names], phrase: str) -> list[int]:
    """The ids of the boards a phrase names: exactly by a name, else by an unambiguous part."""
    wanted = normalise(phrase)
    if not wanted:
        return []
    exact = [n.board_id for n in named if wanted in n.names]
    if exact:
        return exact
    words = [w for w in wanted.split() if w not in BOARD_NAME_FILLER]
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
    """Take the board from the leading words, the console's hint, the channel or the asker."""
    words = request.words if words is None else words
    named = bool(words) and not (not_a_board and not_a_board(words[0]))
    person = person_for(session, request)
    choice = _choose(session, request, words, person, named)
    if choice.board is None:
        choice.all_boards = list(session.scalars(_team_boards(request).limit(LISTED_BOARDS)))
        if not choice.board_count:
            counted = select(func.count(m.Board.id)).join(m.Workspace, m.Workspace.id == m.Board.workspace_id)
            choice.board_count = session.scalar(counted.where(m.Workspace.team_id == request.team_id)) or 0
        if not choice.all_boards:
            choice.problem = "none"
        elif not choice.candidates:
            choice.candidates = choice.all_boards
    return choice


def other_boards(session: Session, board: m.Board) -> list[m.Board]:
    """The other boards of the board's workspace."""
    return _boards(session, m.Board.workspace_id == board.workspace_id, m.Board.id != board.id)


def boards_of(session: Session, person: m.Person, now: datetime | None = None) -> list[m.Board]:
    """The boards the person is a member of today in each board's zone (`now`: default the real time)."""
    rows = session.execute(
        select(m.Board, m.Membership.starts_on, m.Membership.ends_on)
        .join(m.Membership, m.Membership.board_id == m.Board.id)
        .where(m.Membership.person_id == person.id)
        .order_by(m.Board.name, m.Board.id)
    )
    found: dict[int, m.Board] = {}
    for board, starts_on, ends_on in rows:
        if in_force_today(starts_on, ends_on, board_today(board, now)):
            found.setdefault(board.id, board)
    return list(found.values())


def _boards(session: Session, *where: ColumnElement[bool]) -> list[m.Board]:
    return list(session.scalars(select(m.Board).where(*where).order_by(m.Board.name)))


def _choose(
    session: Session,
    request: CommandRequest,
    words: list[str],
    person: m.Person | None,
    named: bool,
) -> BoardChoice:
    if named:  # the usual case: the first word is the board's key
        by_key = _board_where(session, request, m.Board.key == words[0].lower())
        if by_key is not None:
            return BoardChoice(by_key, words[1:], person=person)
        by_name = _named_by_words(session, request, words, person)
        if by_name is not None:
            return by_name
    if request.board_hint:
        by_hint = _board_where(session, request, m.Board.key == request.board_hint)
        if by_hint is not None:
            return BoardChoice(by_hint, words, person=person)
    if not request.is_direct_message and request.channel_id:  # a DM is no board's
        by_channel = _board_where(session, request, m.Board.slack_channel == request.channel_id)
        if by_channel is not None:
            return BoardChoice(by_channel, words, person=person)
    only = session.scalars(_team_boards(request).limit(2)).all()
    if len(only) == 1:
        return BoardChoice(only[0], words, person=person)
    mine = boards_of(session, person) if person else []
    if len(mine) == 1:
        return BoardChoice(mine[0], words, person=person)
    return BoardChoice(None, words, candidates=mine, problem="which", person=person)


def _named_by_words(
    session: Session, request: CommandRequest, words: list[str], person: m.Person | None
) -> BoardChoice | None:
    """The board the longest leading phrase names, or a choice to make when it names several."""
    stmt = _team_boards(request)
    probe = next((token for token in normalise(words[0]).split() if token not in BOARD_NAME_FILLER), None)
    if probe:  # a phrase starting with the first word names only boards whose names hold its first token
        every_name = m.Board.name + " " + func.coalesce(m.Board.short_name, "") + " " + m.Board.key
        stmt = stmt.where(func.lower(every_name).contains(probe, autoescape=True))
    boards = list(session.scalars(stmt))
    names = [_Names.of(board) for board in boards]
    ambiguous: tuple[str, list[int]] | None = None
    for size in range(min(len(words), MAX_BOARD_WORDS), 0, -1):
        phrase = " ".join(words[:size])
        ids = _match(names, phrase)
        if len(ids) == 1:
            return BoardChoice(session.get(m.Board, ids[0]), words[size:], person=person)
        if len(ids) > 1 and ambiguous is None:
            ambiguous = (phrase, ids)
    if ambiguous is None:
        return None
    phrase, ids = ambiguous
    return BoardChoice(
        None,
        words,
        candidates=[board for board in boards if board.id in ids][:LISTED_BOARDS],
        problem="ambiguous",
        asked=phrase,
        person=person,
        board_count=len(ids),
    )


def is_member(
    session: Session,
    person: m.Person | None,
    board: m.Board,
    on: date | None = None,
    *,
    today: date | None = None,
) -> bool:
    """Whether the person holds a seat on the board on `on` (default today, in the board's zone)."""
    if person is None:
        return False
    today = today or board_today(board)
    found = session.scalar(
        select(m.Membership.id)
        .where(
            m.Membership.person_id == person.id,
            m.Membership.board_id == board.id,
            m.Membership.in_force(on or today, today),
        )
        .limit(1)
    )
    return found is not None


def can_see_restricted(
    session: Session, request: CommandRequest, person: m.Person | None, board: m.Board
) -> bool:
    """Part 2 items: only for the board's members, only in a DM, never in a shared reply."""
    return request.is_direct_message and not request.share and is_member(session, person, board)
