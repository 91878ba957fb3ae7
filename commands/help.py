"""/boardbot: help (and /boardbot alone), and the subcommands that record things.

- `/boardbot` · `/boardbot help`: what each command does, with examples.
- `/boardbot paper submitted [board] ITEM`: commands/paper.py.
- `/boardbot apologies|attending [board] [DATE] …`: a member's reply for a meeting (commands/apologies.py).
- `/boardbot settings [immediate|daily|quiet DAYS]`, `/boardbot away until DATE delegate NAME`,
  `/boardbot back`: how and when the asker's reminders come (commands/settings.py).
- `/boardbot calendar [new]`: the addresses of the asker's calendar feeds (commands/calendar.py).
- `/boardbot action add`: the Record an action form (commands/record.py); the reply carries the form
  as `extra["view"]` and the Slack listener opens it with the command's trigger_id.
- `/boardbot decisions [board] [words]`: a board's decisions (commands/decisions.py).
- `/boardbot decision add` · `/boardbot minutes [board] [meeting] STATUS`: the secretary's forms
  (commands/minutes.py), opened as `action add`'s is.
Each is one row of SUBCOMMANDS. Anything else gets the help, headed "I don't know …".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import actions as a
from bot import models as m
from bot import updates
from bot.boards import boards_of, person_for, team_boards
from bot.kpis.reading import board_kpis
from bot.kpis.search import working_example
from bot.meetings import last_meeting, next_meeting
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands import apologies, calendar, decisions, declare, minutes, paper, record, search, settings, watch
from commands.common import today_at

TOPICS = ("help", "")
NAME_CHARS = 60  # a longer board name makes a poor example to type


@dataclass(frozen=True)
class Examples:
    """Examples on one of the workspace's boards, so that each one shown works as typed."""

    board: m.Board
    name: str  # its name as a member would type it, when short enough
    day: date | None  # a day it met or meets
    kpi: str | None  # words that find one of its KPIs
    ref: str | None  # one of its actions
    item: str | None  # the last item of its next meeting with a paper or a report author


Subcommand = Callable[[CommandRequest, Session, "updates.Directory | None"], Reply]


def _settings(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    return settings.run(request, session, request.words[1:])


def _away(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    return settings.away(request, session, request.words[1:])


def _back(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    return settings.back(request, session)


# `/boardbot WORDS…`: the first words name the subcommand (the longest match wins); one row each.
SUBCOMMANDS: dict[tuple[str, ...], Subcommand] = {
    ("paper",): paper.run,
    ("apologies",): apologies.apologies,
    ("attending",): apologies.attending,
    ("settings",): _settings,
    ("setting",): _settings,
    ("away",): _away,
    ("back",): _back,
    ("action", "add"): record.command,
    ("actions", "add"): record.command,
    ("declare",): declare.declare,
    ("declarations",): declare.declarations,
    ("decisions",): decisions.run,
    ("decision", "add"): minutes.decision_command,
    ("decisions", "add"): minutes.decision_command,
    ("minutes",): minutes.minutes_command,
    ("calendar",): calendar.run,
    ("calendars",): calendar.run,
    ("search",): search.command,
    ("watch",): watch.watch,
    ("watches",): watch.listing,
    ("unwatch",): watch.unwatch,
}


def subcommand(words: list[str]) -> Subcommand | None:
    """The subcommand the asker's first words name, if any."""
    lowered = tuple(w.lower() for w in words)
    for size in sorted({len(key) for key in SUBCOMMANDS}, reverse=True):
        found = SUBCOMMANDS.get(lowered[:size])
        if found is not None:
            return found
    return None


def run(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    found = subcommand(request.words)
    if found is not None:
        return found(request, session, slack)
    word = request.words[0].lower() if request.words else ""
    return reply(
        "help.json.j2",
        public=request.share,
        unknown=None if word in TOPICS else request.text,
        example=examples(session, request),
    )


def examples(session: Session, request: CommandRequest) -> Examples | None:
    """Examples on the asker's board (by the channel or their only board), else on a board that
    meets next, else the first board; none when the workspace has no boards."""
    boards = list(session.scalars(team_boards(request)))
    if not boards:
        return None
    person = person_for(session, request)
    theirs = boards_of(session, person) if person else []
    in_channel = [b for b in boards if b.key == request.board_hint or b.slack_channel == request.channel_id]
    board = next(iter(in_channel or theirs[:1]), None) or next(
        (b for b in boards if next_meeting(session, b, today_at(b, request))), boards[0]
    )  # looked for board by board only when needed, and only until one meets next
    today = today_at(board, request)
    coming = next_meeting(session, board, today)
    met = coming or last_meeting(session, board, today)
    item = None
    if coming is not None:
        item = session.scalar(
            select(m.AgendaItem.number)
            .where(
                m.AgendaItem.meeting_id == coming.id,
                m.AgendaItem.paper_status.is_not(None) | m.AgendaItem.report_author.is_not(None),
            )
            .order_by(m.AgendaItem.position.desc())
            .limit(1)
        )
    first_ref = session.scalar(
        select(m.Action.ref)
        .where(m.Action.board_id == board.id)
        .order_by(*m.ref_order(m.Action.ref))
        .limit(1)
    )
    return Examples(
        board=board,
        name=board.name.lower() if len(board.name) <= NAME_CHARS else board.key,
        day=met.meets_on if met else None,
        kpi=working_example(board_kpis(session, board).kpis),
        ref=first_ref if first_ref and a.parse_ref(first_ref) else None,
        item=item.rstrip(".") if item else None,
    )
