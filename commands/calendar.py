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

# Any of these asks for new addresses ("calendar new", "give me a new calendar link please"); other
# words (a board's name, "my", "link") change nothing: the reply always has every board's address.
RENEW_WORDS = frozenset({"new", "renew", "reset", "revoke", "regenerate", "replace", "change", "stop"})


def run(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    renew = any(word.strip("?!.,").lower() in RENEW_WORDS for word in request.words[1:])
    site = links.current()
    person = person_for(session, request) if site else None
    common = {"asked_share": request.share, "site": site}
    if site is None or person is None:
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
