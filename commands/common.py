"""What several commands share: finding the board, today's date there, paging."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import models as m
from bot.blockkit import BUTTON_VALUE, slack_len
from bot.boards import IDLE_WORDS, LISTED_BOARDS, QUESTION_WORDS, BoardChoice, resolve_board, team_boards
from bot.meetings import last_meeting, upcoming
from bot.render import Mrkdwn, fallback_text, render_blocks, reply
from bot.reply import Reply
from bot.request import CommandRequest

PAGE_SIZE = 10
SHOWN_PER_BOARD = 3  # names shown for each board when words match on several


@dataclass
class Found:
    """What a command's words find on one board: how many, the first few by name, and what they are."""

    count: int
    names: list[str] = field(default_factory=list)
    noun: str = ""  # singular: "KPI", "action", "meeting"


# What a command's words find on each of the given boards, by board id (boards with none left out).
Finder = Callable[[Session, CommandRequest, list[m.Board], BoardChoice], dict[int, Found]]


def find_board(
    session: Session,
    request: CommandRequest,
    *,
    takes_words: bool,
    not_a_board: Callable[[str], bool] | None = None,
    finds: Finder | None = None,
    loose: bool = False,
    keep: frozenset[str] = frozenset(),
) -> tuple[BoardChoice, Reply | None]:
    """The request's board, or the reply that asks which (or says the name is unknown).

    `not_a_board` says which words are the command's own (a filter, a date), so they are not
    looked up as board names; `loose` lets one word of a board's name anywhere name it (commands
    that take no words take it always). With no board, `finds` looks for the words on every board of the
    workspace: one board finding them is the board; several are listed, each with its command.
    `keep` are question words the command reads itself ("raised at the meeting of").
    """
    choice = resolve_board(
        session,
        request,
        not_a_board=not_a_board,
        loose=loose or not takes_words,
        idle=(QUESTION_WORDS if takes_words else IDLE_WORDS) - keep,
    )
    if choice.problem == "which" and choice.rest and takes_words and finds is not None:
        listed = _across(session, request, choice, finds)
        if listed is not None or choice.board is not None:
            return choice, listed
    if choice.board is not None and (takes_words or not choice.rest):
        return choice, None
    guess = _guessed(choice, request.command, takes_words)
    if choice.board is not None:  # a board, and words this command does not take
        return choice, reply(
            "board_choice.json.j2",
            problem="extra",
            asked=" ".join(choice.rest),
            command=request.command,
            boards=[choice.board],
            theirs=False,
            words="",
            more=0,
            guess=guess,
        )
    else:
        problem, asked = choice.problem, choice.asked or " ".join(choice.rest)
        if problem == "which" and choice.rest and not takes_words:
            problem = "unknown"
    boards = choice.all_boards if problem == "unknown" else choice.candidates
    listed_all = problem in ("unknown", "ambiguous") or (problem == "which" and not choice.theirs)
    return choice, reply(
        "board_choice.json.j2",
        problem=problem,
        asked=asked,
        command=request.command,
        boards=boards,
        theirs=choice.theirs,
        words=" ".join(w for w in choice.rest if w not in choice.guess_words) if takes_words else "",
        more=max(choice.board_count - len(boards), 0) if listed_all else 0,
        guess=guess,
    )


def _guessed(choice: BoardChoice, command: str, takes_words: bool) -> tuple[m.Board, str, str] | None:
    """The board mistyped words most likely meant, the words, and the command that asks for it."""
    if choice.guess is None:
        return None
    rest = [word for word in choice.rest if word not in choice.guess_words] if takes_words else []
    return choice.guess, " ".join(choice.guess_words), " ".join([f"/{command}", choice.guess.key, *rest])


def _across(session: Session, request: CommandRequest, choice: BoardChoice, finds: Finder) -> Reply | None:
    """Look for the words on every board of the workspace: one board finding them becomes the
    choice (with a note saying so); several give the reply listing them; none leave the choice."""
    boards = list(session.scalars(team_boards(request)))
    found = finds(session, request, boards, choice)
    hits = [(board, found[board.id]) for board in boards if found.get(board.id, Found(0)).count]
    words = " ".join(choice.rest)
    if len(hits) == 1:
        board, what = hits[0]
        choice.board, choice.problem, choice.candidates = board, None, []
        choice.found_only = what.noun
        return None
    if not hits:
        return None
    return reply(
        "board_matches.json.j2",
        command=request.command,
        words=words,
        hits=[(board, what, what.names[:SHOWN_PER_BOARD]) for board, what in hits[:LISTED_BOARDS]],
        more=len(hits) - LISTED_BOARDS,
    )


def noted(choice: BoardChoice, answer: Reply) -> Reply:
    """The answer, headed by how its board was chosen when the asker did not name it."""
    if not choice.found_only or choice.board is None:
        return answer
    note = render_blocks(
        "_board_found.json.j2", board=choice.board, noun=choice.found_only, words=" ".join(choice.rest)
    )
    blocks = [*note, *answer.blocks]
    return replace(answer, blocks=blocks, text=fallback_text(blocks))


def today_at(board: m.Board, request: CommandRequest) -> date:
    return request.now.astimezone(ZoneInfo(board.timezone)).date()


@dataclass
class Page:
    number: int
    count: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def button_value(self, request: CommandRequest, number: int) -> Mrkdwn | None:
        """What a page button carries: the same question, for another page. None when the question
        does not fit in a button's value as Slack counts it: a button asking a cut-down question
        would page through another answer, so the pager leaves it out and says why."""
        state = {
            "c": request.command,
            "t": request.text,
            "p": number,
            "b": request.board_hint,
            "s": request.share,
        }
        value = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        return Mrkdwn(value) if slack_len(value) <= BUTTON_VALUE else None


def page_of(total: int, wanted: int, size: int = PAGE_SIZE) -> Page:
    count = max((total + size - 1) // size, 1)
    return Page(min(max(wanted, 1), count), count, total, size)


def coming_meeting(
    session: Session, request: CommandRequest, board: m.Board, today: date
) -> tuple[m.Meeting, list[m.Meeting]] | Reply:
    """The board's next meeting with the cancelled ones before it, or the reply saying it has none
    ahead (and when it last met)."""
    meeting, cancelled = upcoming(session, board, today)
    if meeting is not None:
        return meeting, cancelled
    return reply(
        "no_meeting.json.j2",
        public=request.share,
        board=board,
        today=today,
        looking="next",
        last=last_meeting(session, board, today),
        later=None,
        cancelled=cancelled,
    )
