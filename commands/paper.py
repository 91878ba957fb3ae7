"""/boardbot paper submitted [board] ITEM: mark the paper of an item of the board's next meeting submitted.

The same rule as the paper reminder's Submitted button (bot/updates.py): the paper's author, the
board secretary, a chair or co-chair, or a workspace admin. Anyone else is refused and nothing changes;
a Slack user who is not in the data is told who the board secretary is.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import meetings, updates
from bot import models as m
from bot.boards import resolve_board
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.common import today_at

ITEM_RE = re.compile(r"^(?:item)?#?(\d{1,3}(?:\.\d{1,3})?[a-z]?)\.?$", re.IGNORECASE)
VERBS = ("submitted", "submit", "in")


def _reply(problem: str, **context) -> Reply:
    defaults: dict[str, Any] = {
        "board": None,
        "meeting": None,
        "item": None,
        "asked": "",
        "numbers": [],
        "people": [],
    }
    return reply("paper_command.json.j2", problem=problem, **(defaults | context))


def run(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`words` are what follows `/boardbot paper`: `submitted [board] ITEM`."""
    words = request.words[1:]
    if not words or words[0].lower() not in VERBS:
        return _reply("usage", asked=" ".join(words))
    found = ITEM_RE.match(words[-1]) if len(words) > 1 else None
    if found is None:
        return _reply("usage", asked=" ".join(words))
    words = words[1:]
    number = found.group(1).lower()
    choice = resolve_board(session, request, words[:-1])
    if choice.board is None or choice.rest:
        return _reply(
            "board",
            asked=" ".join(words[:-1]),
            boards=choice.candidates or choice.all_boards,
            number=number,
            none=choice.problem == "none",
        )
    board = choice.board
    meeting = meetings.next_meeting(session, board, today_at(board, request))
    if meeting is None:
        return _reply("no_meeting", board=board)
    items = list(session.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)))
    item = next((i for i in items if i.number.lower().rstrip(".") == number), None)
    if item is None:
        numbers = [i.number for i in sorted(items, key=lambda i: (i.position, i.number))]
        return _reply("no_item", board=board, meeting=meeting, asked=number, numbers=numbers)
    actor = updates.identify(
        session,
        board.workspace_id,
        request.user_id,
        slack or updates.NoDirectory(),
        person_key=request.person_hint,
    )
    if updates.paper_permission(session, actor, item) is None:
        people = updates.editors(session, board)[:4]
        if actor.person is None:
            people = [board.secretary] if board.secretary else people
        problem = "not_a_person" if actor.person is None else "refused"
        return _reply(problem, board=board, meeting=meeting, item=item, people=people)
    item, before = updates.mark_paper_submitted(session, item.id, actor, request.now)
    return reply("update_paper.json.j2", item=item, board=board, before=before)
