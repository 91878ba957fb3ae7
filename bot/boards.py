"""Which board a request is about: named in the text, the channel's board, or the asker's boards."""

from __future__ import annotations

import difflib
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
# words of a question that name neither a board nor anything a command looks for:
# "when is the next hwb meeting?", "the agenda for hwb on 5 Oct please"
QUESTION_WORDS = frozenset(
    "when what whats where which who how is are was were will would does do did can could i see show "
    "tell give list us about the a an on at for of our please pls thanks thank you meeting meetings "
    "meet meets board boards committee agenda".split()
)
IDLE_WORDS = QUESTION_WORDS | {"next", "upcoming", "date"}  # also idle for /nextmeeting
BOARD_NOUNS = {"board", "committee", "partnership"}
MAX_BOARD_WORDS = 12  # "Family and People Services Policy and Scrutiny Committee" has 8
LISTED_BOARDS = 12  # a reply that lists boards names at most this many
KEY_LIKENESS, WORD_LIKENESS = 0.6, 0.8  # how close a typo must be to a key ("hbw") or a name word


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
    theirs: bool = False  # the candidates are the boards the asker is a member of
    guess: m.Board | None = None  # the board a mistyped word most likely meant
    guess_words: list[str] = field(default_factory=list)  # the words, as typed
    found_only: str = ""  # with no board named, only this board has what the words ask for: "KPI"


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


def team_boards(request: CommandRequest) -> Select[m.Board]:
    """The boards of the asker's workspace, by name."""
    return (
        select(m.Board)
        .join(m.Workspace, m.Workspace.id == m.Board.workspace_id)
        .where(m.Workspace.team_id == request.team_id)
        .order_by(m.Board.name)
    )


def _board_where(session: Session, request: CommandRequest, *where: ColumnElement[bool]) -> m.Board | None:
    return session.scalars(team_boards(request).where(*where).limit(1)).first()


def _significant(text: str) -> tuple[str, ...]:
    return tuple(word for word in normalise(text).split() if word not in BOARD_NAME_FILLER)


@dataclass(frozen=True)
class _Names:
    """A board's names, normalised for matching words against."""

    board_id: int
    key: str
    names: frozenset[str]  # its name, short name and key
    significant: frozenset[tuple[str, ...]]  # the same without filler: ("health", "wellbeing")
    words: frozenset[str]  # the words of its name that tell it apart

    @classmethod
    def of(cls, board_id: int, key: str, name: str, short_name: str | None) -> _Names:
        every = [n for n in (name, short_name, key) if n]
        return cls(
            board_id,
            key,
            frozenset(normalise(n) for n in every),
            frozenset(_significant(n) for n in every) - {()},
            frozenset(_significant(name)),
        )

    def likeness(self, word: str) -> float:
        """How close a word is to this board's key or short name, or to a word of its name."""
        keys = [difflib.SequenceMatcher(None, word, n).ratio() for n in self.names if " " not in n]
        near_keys = max(keys, default=0.0)
        if near_keys >= KEY_LIKENESS:
            return near_keys
        close = [difflib.SequenceMatcher(None, word, w).ratio() for w in self.words if len(w) >= 5]
        return max((r for r in close if r >= WORD_LIKENESS), default=0.0)


def _names(session: Session, request: CommandRequest) -> list[_Names]:
    rows = session.execute(
        select(m.Board.id, m.Board.key, m.Board.name, m.Board.short_name)
        .join(m.Workspace, m.Workspace.id == m.Board.workspace_id)
        .where(m.Workspace.team_id == request.team_id)
        .order_by(m.Board.name)
    )
    return [_Names.of(*row) for row in rows]


@dataclass(frozen=True)
class _Span:
    """Some of the words that name one or more boards, and how strongly."""

    start: int
    end: int
    strength: int  # 3 a name exactly, 2 part of a name at the start or with a board noun, 1 part
    ids: tuple[int, ...]

    @property
    def rank(self) -> tuple[int, int]:
        return self.strength, self.end - self.start


def _spans(named: list[_Names], words: list[str], own: Callable[[str], bool]) -> list[_Span]:
    """Every run of words that names a board: the command's own words are never part of one.

    A name as written, or its words without filler, names a board exactly; but one word ("health")
    must come with a board noun ("health board"), so that a search word is not taken for a board.
    Words that begin words of a board's name name it in part.
    """
    exact: dict[str, set[int]] = {}
    without_filler: dict[tuple[str, ...], set[int]] = {}
    for n in named:
        for name in n.names:
            exact.setdefault(name, set()).add(n.board_id)
        for significant in n.significant:
            without_filler.setdefault(significant, set()).add(n.board_id)
    vocabulary = {word for name in exact for word in name.split()} | BOARD_NAME_FILLER
    tokens = [normalise(w) for w in words]
    starting: dict[str, set[int]] = {}  # the boards with a name word each word begins
    for word in {w for t in tokens for w in t.split()} - BOARD_NAME_FILLER:
        starting[word] = {n.board_id for n in named if any(bw.startswith(word) for bw in n.words)}
    found = []
    for start in range(len(words)):
        leading = all(not t or t in QUESTION_WORDS or t in BOARD_NAME_FILLER for t in tokens[:start])
        for end in range(start + 1, min(start + MAX_BOARD_WORDS, len(words)) + 1):
            last = tokens[end - 1].split()
            if own(words[end - 1]) or not last or not all(w in vocabulary or starting.get(w) for w in last):
                break  # no longer run from here can name a board
            phrase = " ".join(tokens[start:end])
            significant = _significant(phrase)
            nouns = any(word in BOARD_NOUNS for word in phrase.split())
            ids = exact.get(phrase, set())
            if len(significant) > 1 or nouns:
                ids = ids | without_filler.get(significant, set())
            if ids:
                found.append(_Span(start, end, 3, _in_order(named, ids)))
                continue
            if not significant or all(len(w) < 3 for w in significant):
                continue
            parts = set.intersection(*(starting.get(w, set()) for w in significant))
            if parts:
                strong = leading or len(significant) > 1 or nouns
                found.append(_Span(start, end, 2 if strong else 1, _in_order(named, parts)))
    return found


def _in_order(named: list[_Names], ids: set[int]) -> tuple[int, ...]:
    return tuple(n.board_id for n in named if n.board_id in ids)


def tidy(words: list[str], own: Callable[[str], bool], idle: frozenset[str] = QUESTION_WORDS) -> list[str]:
    """The words without question and filler words (the command's own words stay) or end marks."""
    kept = []
    for word in words:
        bare = word.rstrip("?!,")
        if bare and (own(word) or normalise(bare) not in idle):
            kept.append(bare)
    return kept


def resolve_board(
    session: Session,
    request: CommandRequest,
    words: list[str] | None = None,
    *,
    not_a_board: Callable[[str], bool] | None = None,
    loose: bool = False,
    idle: frozenset[str] = QUESTION_WORDS,
) -> BoardChoice:
    """Take the board from words naming it anywhere, the console's hint, the channel or the asker.

    `not_a_board` says which words are the command's own (a filter, a date); `loose` lets a single
    word of a board's name anywhere name it (for commands whose other words are few and known);
    `idle` are the words dropped from what is left for the command.
    """
    words = request.words if words is None else words
    own = not_a_board or (lambda word: False)
    person = person_for(session, request)
    named = _names(session, request) if words else []
    choice = _by_name(session, named, words, own, loose) if named else None
    if choice is None:
        choice = _otherwise(session, request, words, person)
    choice.person = person
    choice.rest = tidy(choice.rest, own, idle)
    if choice.board is None:
        choice.all_boards = list(session.scalars(team_boards(request).limit(LISTED_BOARDS)))
        if not choice.board_count:
            counted = select(func.count(m.Board.id)).join(m.Workspace, m.Workspace.id == m.Board.workspace_id)
            choice.board_count = session.scalar(counted.where(m.Workspace.team_id == request.team_id)) or 0
        if not choice.all_boards:
            choice.problem = "none"
        elif not choice.candidates:
            choice.candidates = choice.all_boards
    if choice.problem != "ambiguous" and choice.rest and named:
        _guess(session, choice, named, own)
    return choice


def _by_name(
    session: Session, named: list[_Names], words: list[str], own: Callable[[str], bool], loose: bool
) -> BoardChoice | None:
    """The board the strongest, longest runs of words name; a choice to make when they name several
    ("scrutiny" of two committees, or "hwb fps")."""
    spans = [span for span in _spans(named, words, own) if span.strength > 1 or loose]
    if not spans:
        return None
    best = max(span.rank for span in spans)
    chosen: list[_Span] = []
    for span in spans:  # the best runs, left to right, none overlapping another
        if span.rank == best and all(span.start >= c.end or span.end <= c.start for c in chosen):
            chosen.append(span)
    taken = {i for span in chosen for i in range(span.start, span.end)}
    rest = [word for i, word in enumerate(words) if i not in taken]
    ids = _in_order(named, {board_id for span in chosen for board_id in span.ids})
    if len(ids) == 1:
        return BoardChoice(session.get(m.Board, ids[0]), rest)
    boards = [session.get(m.Board, board_id) for board_id in ids[:LISTED_BOARDS]]
    return BoardChoice(
        None,
        rest,
        candidates=[board for board in boards if board is not None],
        problem="ambiguous",
        asked=" … ".join(" ".join(_from_first_name_word(words[s.start : s.end])) for s in chosen),
        board_count=len(ids),
    )


def named_in_full(
    session: Session, request: CommandRequest, words: list[str]
) -> tuple[m.Board | None, list[str]]:
    """The one board the words name by its whole name, short name or key ("the health and wellbeing
    board", "hwb"), and the other words; (None, words) if they name none or several. For commands
    whose words are free text (search): a word that only starts a board's name, or its name's words
    without a board noun ("health and wellbeing strategy"), are not a board."""
    named = _names(session, request)
    names = {name for n in named for name in n.names}

    def whole(span: _Span) -> bool:
        said = normalise(" ".join(words[span.start : span.end]))
        return said in names or any(word in BOARD_NOUNS for word in said.split())

    spans = [span for span in _spans(named, words, lambda word: False) if span.strength == 3 and whole(span)]
    longest = max((span.end - span.start for span in spans), default=0)
    boards = {board_id for span in spans if span.end - span.start == longest for board_id in span.ids}
    if len(boards) != 1:
        return None, words
    taken = next(span for span in spans if span.end - span.start == longest)
    return session.get(m.Board, boards.pop()), words[: taken.start] + words[taken.end :]


def _from_first_name_word(words: list[str]) -> list[str]:
    """The words from the first that is more than filler: "scrutiny committee", not "the scrutiny …"."""
    while len(words) > 1 and normalise(words[0]) in BOARD_NAME_FILLER:
        words = words[1:]
    return words


def _otherwise(
    session: Session, request: CommandRequest, words: list[str], person: m.Person | None
) -> BoardChoice:
    """No words name a board: the console's hint, the channel's board, the only board or the asker's."""
    if request.board_hint:
        by_hint = _board_where(session, request, m.Board.key == request.board_hint)
        if by_hint is not None:
            return BoardChoice(by_hint, words)
    if not request.is_direct_message and request.channel_id:  # a DM is no board's
        by_channel = _board_where(session, request, m.Board.slack_channel == request.channel_id)
        if by_channel is not None:
            return BoardChoice(by_channel, words)
    only = session.scalars(team_boards(request).limit(2)).all()
    if len(only) == 1:
        return BoardChoice(only[0], words)
    mine = boards_of(session, person) if person else []
    if len(mine) == 1:
        return BoardChoice(mine[0], words)
    return BoardChoice(None, words, candidates=mine, problem="which", theirs=bool(mine))


def _guess(session: Session, choice: BoardChoice, named: list[_Names], own: Callable[[str], bool]) -> None:
    """The words left over that most likely mistype a board's key or name: "hbw", "helth"."""
    chosen = choice.board.id if choice.board else None
    likely: dict[str, int] = {}
    for word in choice.rest:
        bare = normalise(word)
        if own(word) or len(bare) < 3 or " " in bare:
            continue
        likeness, board_id = max(((n.likeness(bare), n.board_id) for n in named), default=(0.0, 0))
        if likeness and board_id != chosen:
            likely[word] = board_id
    if likely:
        board_id = next(iter(likely.values()))
        choice.guess = session.get(m.Board, board_id)
        choice.guess_words = [word for word, likes in likely.items() if likes == board_id]


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
    today = board_today(board, request.now)
    return request.is_direct_message and not request.share and is_member(session, person, board, today=today)
