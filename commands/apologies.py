"""/boardbot apologies|attending [for @person] [board] [DATE] [substitute @person|name] [online|in person].

A member's reply for a board meeting (bot/attendance.py), changed or withdrawn (`withdraw`) until the
meeting starts. Only the member or the board secretary (`for @person`) may send a member's reply. A
substitute not in the data is kept as the name written, and the reply says so.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import attendance as att
from bot import meetings, updates
from bot import models as m
from bot.boards import IDLE_WORDS, normalise, resolve_board
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.agenda import MONTHS, DateNotUnderstood, meeting_on_day_of_year, parse_day
from commands.common import today_at

WITHDRAW_WORDS = {"withdraw", "withdrawn", "cancel", "retract", "undo", "unsend"}
FILLER = frozenset(
    "send sending sent my me i im i'm am can't cannot cant wont won't make it to be will not apologies "
    "apology apologise attending attend coming come going yes there from in".split()
)
MENTION_RE = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@(\S+)$")
TARGET_RE = re.compile(
    r"^\s*(?:on\s+behalf\s+of|for)\s+(<@[UW][A-Z0-9]+(?:\|[^>]*)?>|@\S+)\s*", re.IGNORECASE
)
SUBSTITUTE_RES = (
    re.compile(
        r"[,;]?\s*\b(?:with\s+)?(?:substitute[ds]?(?:\s+by)?|sub|deputy|represented\s+by|replaced\s+by"
        r"|standing\s+in(?:\s+for\s+me)?)\s*:?\s+(?P<who>[^,;]+)",
        re.IGNORECASE,
    ),
    re.compile(
        r"[,;]?\s*(?P<who>[^,;]+?)\s+(?:is\s+|will\s+be\s+|will\s+)?(?:attending|attend|coming|going|standing\s+in)"
        r"\s+(?:for\s+me|in\s+my\s+place|instead(?:\s+of\s+me)?)\b[.!]?",
        re.IGNORECASE,
    ),
)
ONLINE_RE = re.compile(
    r"\b(?:online|remotely|remote|virtually|via\s+(?:teams|zoom)|on\s+(?:teams|zoom))\b", re.I
)
IN_PERSON_RE = re.compile(r"\b(?:in[\s-]person|in\s+the\s+room|face[\s-]to[\s-]face)\b", re.IGNORECASE)
MISTYPED = 0.6  # as bot.boards.KEY_LIKENESS
TITLES = {"councillor", "cllr", "cllr.", "dr", "dr.", "mr", "mrs", "ms", "miss", "professor", "prof"}


def is_date_word(word: str) -> bool:
    """Words of a date (`5`, `Oct`, `2023-10-05`) or `next`: never a board's name."""
    lowered = word.lower().rstrip(".,")
    return lowered == "next" or lowered in MONTHS or word[:1].isdigit()


def _mistyped(word: str, board: m.Board) -> bool:
    """A word that mistypes the board's own key or short name ("hbw" in `/boardbot apologies hbw`)."""
    bare = normalise(word)
    names = [normalise(n) for n in (board.key, board.short_name) if n]
    return (
        len(bare) >= 3
        and not is_date_word(word)
        and any(difflib.SequenceMatcher(None, bare, n).ratio() >= MISTYPED for n in names)
    )


def _reply(problem: str | None, **context: Any) -> Reply:
    """attendance_reply.json.j2 with every name it may read set (None: not part of this answer)."""
    defaults: dict[str, Any] = dict.fromkeys(
        ("board", "meeting", "secretary", "verb", "cancelled", "day", "later", "today", "member", "row"),
    ) | {"asked": "", "boards": [], "none": False, "theirs": False, "on_behalf": False, "before": None}
    defaults["kept_as_written"] = None
    return reply("attendance_reply.json.j2", problem=problem, **(defaults | context))


def apologies(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot apologies …`"""
    return run(request, session, slack, m.AttendanceStatus.APOLOGIES)


def attending(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot attending …`"""
    return run(request, session, slack, m.AttendanceStatus.ATTENDING)


def run(
    request: CommandRequest, session: Session, slack: updates.Directory | None, status: m.AttendanceStatus
) -> Reply:
    """Read who (`for @person`), the substitute or mode, `withdraw`, the board and the date, then record."""
    verb = request.words[0].lower() if request.words else ""
    text = " ".join(request.words[1:])
    target_token = None
    if found := TARGET_RE.match(text):
        target_token, text = found.group(1), text[found.end() :]
    substitute_text = None
    if status == m.AttendanceStatus.APOLOGIES:
        for pattern in SUBSTITUTE_RES:
            if found := pattern.search(text):
                substitute_text = found.group("who").strip(" .")
                text = (text[: found.start()] + " " + text[found.end() :]).strip()
                break
    mode = None
    if status == m.AttendanceStatus.ATTENDING:
        if ONLINE_RE.search(text):
            mode, text = m.AttendanceMode.ONLINE, ONLINE_RE.sub(" ", text)
        elif IN_PERSON_RE.search(text):
            mode, text = m.AttendanceMode.IN_PERSON, IN_PERSON_RE.sub(" ", text)
    words = [w.strip(",.;!") for w in text.split()]
    withdraw = any(w.lower() in WITHDRAW_WORDS for w in words)
    words = [w for w in words if w and w.lower() not in WITHDRAW_WORDS]
    choice = resolve_board(
        session, request, words, not_a_board=is_date_word, loose=True, idle=IDLE_WORDS | FILLER
    )
    if choice.board is None:
        return _reply(
            "board",
            verb=verb,
            asked=choice.asked,
            boards=choice.candidates or choice.all_boards,
            none=choice.problem == "none",
            theirs=choice.theirs,
        )
    board, rest = choice.board, choice.rest
    if choice.guess is not None:  # a mistyped board name ("hbw") means that board, not a date
        board, rest = choice.guess, [w for w in rest if w not in choice.guess_words]
    rest = [w for w in rest if not _mistyped(w, board)]
    today = today_at(board, request)
    meeting, problem = _meeting(session, board, rest, today)
    if problem is not None:
        return problem
    assert meeting is not None
    actor = updates.identify(
        session,
        board.workspace_id,
        request.user_id,
        slack or updates.NoDirectory(),
        person_key=request.person_hint,
    )
    if actor.person is None:
        return _reply("not_a_person", board=board, meeting=meeting, secretary=board.secretary)
    member: m.Person | None = actor.person
    if target_token is not None:
        member = _person_named(session, board, target_token)
    if member is None:
        return _reply("no_target", board=board, meeting=meeting, asked=target_token)
    on_behalf = member.id != actor.person.id
    if on_behalf and board.secretary_id != actor.person.id:
        return _reply("refused", board=board, meeting=meeting, member=member, secretary=board.secretary)
    if att.has_started(meeting, request.now):
        return _reply("started", board=board, meeting=meeting, today=today)
    if not any(p.id == member.id for p, _ in att.members(session, meeting, today)):
        return _reply("not_member", board=board, meeting=meeting, member=member, on_behalf=on_behalf)
    if withdraw:
        return _withdraw(session, meeting, member, actor.person, request, on_behalf)
    substitute, kept_as_written = None, None
    if substitute_text:
        substitute = _person_named(session, board, substitute_text)
        if substitute is None:
            kept_as_written = substitute_text[:300]
        elif substitute.id == member.id:
            return _reply("self_substitute", board=board, meeting=meeting, member=member)
    row, before = att.record_reply(
        session,
        meeting,
        member,
        status,
        by=actor.person,
        now=request.now,
        mode=mode,
        substitute=substitute,
        substitute_name=kept_as_written,
    )
    return _reply(
        None,
        board=board,
        meeting=meeting,
        member=member,
        row=row,
        before=before,
        on_behalf=on_behalf,
        kept_as_written=kept_as_written,
    )


def _withdraw(
    session: Session,
    meeting: m.Meeting,
    member: m.Person,
    by: m.Person,
    request: CommandRequest,
    on_behalf: bool,
) -> Reply:
    found = att.reply_of(session, meeting, member)
    if found is None or found.status == m.AttendanceStatus.WITHDRAWN:
        return _reply(
            "nothing_to_withdraw", board=meeting.board, meeting=meeting, member=member, on_behalf=on_behalf
        )
    row, before = att.record_reply(
        session, meeting, member, m.AttendanceStatus.WITHDRAWN, by=by, now=request.now
    )
    return _reply(
        None,
        board=meeting.board,
        meeting=meeting,
        member=member,
        row=row,
        before=before,
        on_behalf=on_behalf,
        kept_as_written=None,
    )


def _meeting(
    session: Session, board: m.Board, rest: list[str], today: date
) -> tuple[m.Meeting | None, Reply | None]:
    """The meeting the words name (a date, `next`, or nothing: the next one), or the reply why not."""
    asked = " ".join(w for w in rest if normalise(w) not in FILLER).strip()
    if asked.lower() in ("", "next"):
        meeting = meetings.next_meeting(session, board, today)
        if meeting is None:
            return None, _reply("no_meeting", board=board, day=None, later=None)
        return meeting, None
    try:
        day, yearless = parse_day(asked, today)
    except DateNotUnderstood:
        return None, _reply("date", board=board, asked=asked)
    if day is not None:
        meeting = meetings.meeting_on(session, board, day)
    else:
        assert yearless is not None  # parse_day gives a day or a month and day
        meeting = meeting_on_day_of_year(session, board, *yearless, today)
        day = meeting.meets_on if meeting is not None else _ahead(today, *yearless)
    if meeting is None or meeting.status == m.MeetingStatus.CANCELLED:
        later = meetings.next_meeting(session, board, today)
        return None, _reply("no_meeting", board=board, day=day, asked=asked, later=later, cancelled=meeting)
    return meeting, None


def _ahead(today: date, month: int, day: int) -> date | None:
    """That day and month this year, or next year once it has passed (None: no such day, 30 Feb)."""
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


def _person_named(session: Session, board: m.Board, text: str) -> m.Person | None:
    """The one person of the board's workspace a mention, key or name means; None when not exactly one."""
    people = select(m.Person).where(m.Person.workspace_id == board.workspace_id)
    if found := MENTION_RE.match(text.strip()):
        if found.group(1):
            return session.scalar(people.where(m.Person.slack_user_id == found.group(1)))
        text = found.group(2)
        by_key = session.scalar(people.where(m.Person.key == text.lower()))
        if by_key is not None:
            return by_key
        text = text.replace("-", " ").replace(".", " ").replace("_", " ")
    wanted = [w for w in normalise(text).split() if w not in TITLES]
    if not wanted:
        return None
    matches = []
    for person in session.scalars(people):
        names = [w for w in normalise(person.name).split() if w not in TITLES]
        if names == wanted:
            return person
        if all(any(n.startswith(w) for n in names) for w in wanted):
            matches.append(person)
    return matches[0] if len(matches) == 1 else None


def stale() -> Reply:
    """The answer to a button whose value we did not make."""
    return _reply("stale")


def press(
    team_id: str,
    user_id: str,
    meeting_id: int,
    status: m.AttendanceStatus,
    now: datetime,
    session: Session,
    slack: updates.Directory | None = None,
    person_key: str | None = None,
) -> Reply:
    """The Attending / Send apologies buttons (value `meeting:<id>`): the same rules as the command."""
    meeting = session.get(m.Meeting, meeting_id)
    workspace_id = updates.workspace_id(session, team_id)
    if meeting is None or workspace_id is None or meeting.board.workspace_id != workspace_id:
        return _reply("stale")
    board = meeting.board
    actor = updates.identify(
        session, workspace_id, user_id, slack or updates.NoDirectory(), person_key=person_key
    )
    if actor.person is None:
        return _reply("not_a_person", board=board, meeting=meeting, secretary=board.secretary)
    today = now.astimezone(ZoneInfo(board.timezone)).date()
    if att.has_started(meeting, now):
        return _reply("started", board=board, meeting=meeting, today=today)
    if not any(p.id == actor.person.id for p, _ in att.members(session, meeting, today)):
        return _reply("not_member", board=board, meeting=meeting, member=actor.person)
    row, before = att.record_reply(session, meeting, actor.person, status, by=actor.person, now=now)
    return _reply(None, board=board, meeting=meeting, member=actor.person, row=row, before=before)
