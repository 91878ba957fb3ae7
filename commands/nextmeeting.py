"""/nextmeeting [board]: when and where the board meets next, its agenda and its paper deadline.

`/nextmeeting [board] attendance`: who is coming (commands/attendance.py).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.boards import can_see_restricted
from bot.calendar import links
from bot.meetings import agenda, papers_deadline
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands import attendance
from commands.common import coming_meeting, find_board, today_at

ITEMS_SHOWN = 10  # the rest are a command away, and the reply stays well inside Slack's 50 blocks


def run(request: CommandRequest, session: Session) -> Reply:
    if attendance.asks_attendance(request):
        return attendance.run(request, session)
    choice, problem = find_board(session, request, takes_words=False)
    if problem:
        return problem
    board = choice.board
    assert board is not None  # find_board answers with a problem otherwise
    today = today_at(board, request)
    found = coming_meeting(session, request, board, today)
    if isinstance(found, Reply):
        return found
    meeting, cancelled = found
    show_restricted = can_see_restricted(session, request, choice.person, board)
    items, hidden, chairs = agenda(session, board, meeting, show_restricted=show_restricted, today=today)
    return reply(
        "nextmeeting.json.j2",
        public=request.share,
        board=board,
        meeting=meeting,
        today=today,
        chairs=chairs,
        items=items[:ITEMS_SHOWN],
        more=max(len(items) - ITEMS_SHOWN, 0),
        hidden=hidden,
        cancelled=cancelled,
        deadline=papers_deadline(board, meeting, today),
        ics_url=site.meeting_url(meeting) if (site := links.current()) else None,
    )
