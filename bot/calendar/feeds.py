"""What a GET of a calendar URL answers: a feed read from the database, or 404 that tells nothing.

A person's feed has the meetings of the boards they are a member of today; a board's feed (under the
same token) that board's, while they are a member of it. A token never made, or revoked, gets the
same 404 as any other address, so an answer never says whether a token once existed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot import clock
from bot import models as m
from bot.boards import boards_of
from bot.calendar import ics, links
from bot.config import Settings
from bot.db import DATABASE_FAULTS, reading

log = logging.getLogger(__name__)

NOT_FOUND = "No calendar at this address. In Slack, /boardbot calendar gives the address of yours."
FEED_RE = re.compile(r"^([a-z2-7]{20,64})(?:/([A-Za-z0-9_.-]{1,100}))?\.ics$")
CACHE = "private, max-age=900"  # calendars ask every few hours; a change shows within 15 minutes


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    kind: str  # for the request log: calendar:person, calendar:board, calendar:meeting
    headers: dict[str, str] = field(default_factory=dict)


def not_found(kind: str = "calendar") -> Answer:
    return Answer(404, (NOT_FOUND + "\n").encode(), kind, {"content-type": "text/plain; charset=utf-8"})


def loggable(path: str) -> str:
    """The path as the request log shows it: the token or signature replaced, the board key kept."""
    rest = path[len(links.PREFIX) :]
    meeting = links.MEETING_RE.match(rest)
    if meeting:
        return f"{links.PREFIX}meeting/{meeting.group(1)}-(signature).ics"
    feed = FEED_RE.match(rest)
    if feed:
        return f"{links.PREFIX}(token){'/' + feed.group(2) if feed.group(2) else ''}.ics"
    return f"{links.PREFIX}(unreadable)"


class CalendarFeeds:
    """The calendar URLs of the web process (bot.slack.asgi): each GET read in its own session."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings):
        self.sessions = sessions
        self.settings = settings
        self.site = links.Site.of(settings)

    def answer(self, path: str) -> Answer:
        """The answer to GET `path` (under links.PREFIX); 503 when the database does not answer."""
        try:
            with reading(self.sessions) as session:
                return self.read(session, path[len(links.PREFIX) :], clock.now(self.settings))
        except DATABASE_FAULTS as error:
            log.error("calendar feed: database unavailable: %s", type(error).__name__)
            return Answer(
                503,
                b"BoardBot's database is temporarily unavailable; try again later.\n",
                "calendar",
                {"content-type": "text/plain; charset=utf-8", "retry-after": "300"},
            )

    def read(self, session: Session, rest: str, now: datetime) -> Answer:
        meeting_link = links.MEETING_RE.match(rest)
        if meeting_link:
            return self.meeting(session, int(meeting_link.group(1)), meeting_link.group(2), now)
        feed = FEED_RE.match(rest)
        if feed is None:
            return not_found()
        person = links.person_of(session, feed.group(1))
        if person is None:
            return not_found("calendar:person" if feed.group(2) is None else "calendar:board")
        boards = boards_of(session, person, now)
        if feed.group(2) is None:
            name = "My board meetings (BoardBot)"
            return calendar_answer(session, name, boards, now, "calendar:person", "boards.ics")
        board = next((b for b in boards if b.key == feed.group(2)), None)
        if board is None:
            return not_found("calendar:board")
        name = f"{board.name} (BoardBot)"
        return calendar_answer(session, name, [board], now, "calendar:board", f"{board.key}.ics")

    def meeting(self, session: Session, meeting_id: int, signature: str, now: datetime) -> Answer:
        if self.site is None or not self.site.meeting_signed(meeting_id, signature):
            return not_found("calendar:meeting")
        meeting = session.scalar(loaded(select(m.Meeting).where(m.Meeting.id == meeting_id)))
        if meeting is None:
            return not_found("calendar:meeting")
        body = ics.calendar(
            f"{meeting.board.name} (BoardBot)",
            entries(session, [meeting]),
            now,
            (meeting.meets_on, meeting.meets_on),
        )
        filename = f"{meeting.board.key}-{meeting.meets_on.isoformat()}.ics"
        return ics_answer(body, "calendar:meeting", filename, attachment=True)


def loaded(stmt):
    """Meetings with what an event shows: the board, its workspace (the UID) and the host."""
    return stmt.options(joinedload(m.Meeting.board).joinedload(m.Board.workspace), joinedload(m.Meeting.host))


def calendar_answer(
    session: Session, name: str, boards: list[m.Board], now: datetime, kind: str, filename: str
) -> Answer:
    span = ics.window(now.date())
    meetings = list(
        session.scalars(
            loaded(select(m.Meeting))
            .where(
                m.Meeting.board_id.in_([b.id for b in boards]),
                m.Meeting.meets_on >= span[0],
                m.Meeting.meets_on <= span[1],
            )
            .order_by(m.Meeting.meets_on, m.Meeting.starts_at, m.Meeting.id)
        )
    )
    return ics_answer(ics.calendar(name, entries(session, meetings), now, span), kind, filename)


def entries(session: Session, meetings: list[m.Meeting]) -> list[ics.Entry]:
    """Each meeting with its agenda items that are not restricted, in agenda order."""
    items: dict[int, list[m.AgendaItem]] = {mt.id: [] for mt in meetings}
    if meetings:
        for item in session.scalars(
            select(m.AgendaItem)
            .where(m.AgendaItem.meeting_id.in_(list(items)), m.AgendaItem.restricted.is_(False))
            .order_by(m.AgendaItem.meeting_id, m.AgendaItem.position)
        ):
            items[item.meeting_id].append(item)
    return [ics.Entry(mt, items[mt.id]) for mt in meetings]


def ics_answer(body: bytes, kind: str, filename: str, *, attachment: bool = False) -> Answer:
    disposition = "attachment" if attachment else "inline"
    return Answer(
        200,
        body,
        kind,
        {
            "content-type": "text/calendar; charset=utf-8",
            "content-disposition": f'{disposition}; filename="{filename}"',
            "cache-control": CACHE,
        },
    )
