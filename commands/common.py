"""What several commands share: finding the board, today's date there, paging."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import models as m
from bot.blockkit import BUTTON_VALUE, slack_len
from bot.boards import BoardChoice, resolve_board
from bot.render import Mrkdwn, reply
from bot.reply import Reply
from bot.request import CommandRequest

PAGE_SIZE = 10


def find_board(
    session: Session,
    request: CommandRequest,
    *,
    takes_words: bool,
    not_a_board: Callable[[str], bool] | None = None,
) -> tuple[BoardChoice, Reply | None]:
    """The request's board, or the reply that asks which (or says the name is unknown).

    `not_a_board` says which first words are the command's own (a filter, a date), so they are not
    looked up as board names.
    """
    choice = resolve_board(session, request, not_a_board=not_a_board)
    if choice.board is not None and (takes_words or not choice.rest):
        return choice, None
    if choice.board is not None:  # a board, and words this command does not take
        return choice, reply(
            "board_choice.json.j2",
            problem="extra",
            asked=" ".join(choice.rest),
            command=request.command,
            boards=[choice.board],
            person=choice.person,
            words="",
            more=0,
        )
    else:
        problem, asked = choice.problem, choice.asked or " ".join(choice.rest)
        if problem == "which" and choice.rest and not takes_words:
            problem = "unknown"
    boards = choice.all_boards if problem == "unknown" else choice.candidates
    listed_all = problem in ("unknown", "ambiguous") or (problem == "which" and not choice.person)
    return choice, reply(
        "board_choice.json.j2",
        problem=problem,
        asked=asked,
        command=request.command,
        boards=boards,
        person=choice.person,
        words=" ".join(choice.rest) if takes_words and problem != "unknown" else "",
        more=max(choice.board_count - len(boards), 0) if listed_all else 0,
    )


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
