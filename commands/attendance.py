"""/nextmeeting [board] attendance: who is coming to the next meeting, who sent apologies, who has not said.

Nothing here is restricted: members and the secretary see the same list. With a quorum rule stated
in the board's data it says whether the replies so far put quorum at risk, and who is needed.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from bot import attendance as att
from bot.meetings import last_meeting, upcoming
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.common import find_board, today_at

WORDS = frozenset({"attendance", "attending", "apologies", "rsvp", "rsvps", "coming", "who's", "whos", "who"})


def asks_attendance(request: CommandRequest) -> bool:
    """`/nextmeeting hwb attendance`, `/nextmeeting who is coming to hwb`, `/nextmeeting apologies`."""
    return any(word.lower().strip("?,.!") in WORDS - {"who"} for word in request.words)


def run(request: CommandRequest, session: Session) -> Reply:
    """The roll of the board's next meeting."""
    kept = [w for w in request.words if w.lower().strip("?,.!") not in WORDS | {"to", "is", "are", "sent"}]
    choice, problem = find_board(session, replace(request, text=" ".join(kept)), takes_words=False)
    if problem:
        return problem
    board = choice.board
    assert board is not None  # find_board answers with a problem otherwise
    today = today_at(board, request)
    meeting, cancelled = upcoming(session, board, today)
    if meeting is None:
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
    found = att.roll(session, meeting, today)
    return reply(
        "attendance.json.j2",
        public=request.share,
        board=board,
        meeting=meeting,
        roll=found,
        quorum=att.check_quorum(session, meeting, today, found),
        started=att.has_started(meeting, request.now),
    )
