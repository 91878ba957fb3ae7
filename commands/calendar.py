"""/boardbot calendar [new]: the addresses of my calendar feeds (bot/calendar), only ever to me.

`/boardbot calendar` gives my feed (the meetings of every board I am a member of) and one feed per
board; `/boardbot calendar new` stops the old addresses and gives new ones.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import updates
from bot.boards import boards_of, person_for
from bot.calendar import ics, links
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from reminders.meetings import MEETING_HOURS

RENEW_WORDS = frozenset({"new", "renew", "reset", "revoke", "regenerate"})


def run(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    words = [w.lower() for w in request.words[1:]]
    renew = bool(words) and words[0] in RENEW_WORDS
    unknown = " ".join(request.words[1:]) if words and not renew else ""
    site = links.current()
    person = person_for(session, request) if site else None
    common = {"asked_share": request.share, "unknown": unknown, "site": site}
    if site is None or person is None or unknown:
        return reply(
            "calendar.json.j2", public=False, **common, person=person, token=None, renewed=False, boards=[]
        )
    token = links.feed_token(session, site, person, request.now, renew=renew)
    boards = boards_of(session, person, request.now)
    return reply(
        "calendar.json.j2",
        public=False,
        **common,
        person=person,
        renewed=renew,
        mine=site.person_url(token),
        boards=[(board, site.board_url(token, board)) for board in boards],
        token=token,
        hours=MEETING_HOURS,
        span=ics.WINDOW_SAID,
    )
