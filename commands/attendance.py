"""/nextmeeting [board] attendance: who is coming to the next meeting, who sent apologies, who has not said.

Nothing here is restricted: members and the secretary see the same list. With a quorum rule stated
in the board's data it says whether the replies so far put quorum at risk, and who is needed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from bot import attendance as att
from bot import models as m
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.common import coming_meeting, find_board, today_at

WORDS = frozenset({"attendance", "attending", "apologies", "rsvp", "rsvps"})
WHO_IS_COMING_RE = re.compile(
    r"\bwho(?:'s|s|\s+is|\s+are|\s+will\s+be)?\s+(?:coming|attending)\b", re.IGNORECASE
)


def asks_attendance(request: CommandRequest) -> bool:
    """`/nextmeeting hwb attendance`, `/nextmeeting who is coming to hwb?`, `/nextmeeting apologies`."""
    return bool(WHO_IS_COMING_RE.search(request.text)) or any(
        word.lower().strip("?,.!") in WORDS for word in request.words
    )


def run(request: CommandRequest, session: Session) -> Reply:
    """The roll of the board's next meeting."""
    text = WHO_IS_COMING_RE.sub(" ", request.text)
    kept = [w for w in text.split() if w.lower().strip("?,.!") not in WORDS | {"to", "sent"}]
    choice, problem = find_board(session, replace(request, text=" ".join(kept)), takes_words=False)
    if problem:
        return problem
    board = choice.board
    assert board is not None  # find_board answers with a problem otherwise
    today = today_at(board, request)
    coming = coming_meeting(session, request, board, today)
    if isinstance(coming, Reply):
        return coming
    meeting, _ = coming
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


APOLOGIES_ITEM_RE = re.compile(r"^\W*(apologies|membership)\b", re.IGNORECASE)


def is_apologies_item(item: m.AgendaItem) -> bool:
    """The item that takes apologies: titled "Apologies…" or "Membership", or whose purpose says so."""
    return bool(APOLOGIES_ITEM_RE.match(item.title)) or "apologies" in (item.purpose or "").lower()


def agenda_notes(
    session: Session, meeting: m.Meeting, items: list[m.AgendaItem], today: date
) -> dict[int, list[str]]:
    """Lines to show under the meeting's apologies item: the minutes' record once there is one, else
    the replies so far (plain text; the template escapes it)."""
    item = next((i for i in items if is_apologies_item(i)), None)
    if item is None:
        return {}
    minuted = att.records(session, meeting, minuted=True)
    if minuted:
        return {item.id: _minuted_lines(minuted)}
    found = att.roll(session, meeting, today)
    if not found.attending and not found.apologies:
        return {}
    apologies = [_with_substitute(s.person.name, s.reply) for s in found.apologies]
    lines = [f"Apologies so far: {', '.join(apologies) or 'none'}"]
    lines.append(f"Attending so far: {len(found.attending)} · not yet said: {len(found.silent)}")
    return {item.id: lines}


def _with_substitute(name: str, row: m.Attendance | None) -> str:
    substitute = row.substitute_as_named if row is not None else None
    return f"{name} (substitute: {substitute})" if substitute else name


def _minuted_lines(rows: list[m.Attendance]) -> list[str]:
    """The minutes' record, each list with the lines it was read from."""
    lines = []
    for status, label in (
        (m.AttendanceStatus.ATTENDING, "Present (minuted)"),
        (m.AttendanceStatus.APOLOGIES, "Apologies (minuted)"),
        (m.AttendanceStatus.ALSO_PRESENT, "Also present (minuted)"),
    ):
        chosen = [r for r in rows if r.status == status]
        if not chosen:
            continue
        cited = sorted({r.source_line for r in chosen if r.source_line is not None})
        where = (
            f" (minutes, line{'s' if len(cited) > 1 else ''} {', '.join(map(str, cited))})" if cited else ""
        )
        lines.append(f"{label}: {', '.join(_with_substitute(r.who, r) for r in chosen)}{where}")
    return lines
