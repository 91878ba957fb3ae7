"""Which of a board's actions an /actions list keeps: whose, raised at which meeting, holding which
words; and the replies that say why a request names none."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot import actions as a
from bot import models as m
from bot.meetings import last_meeting, meeting_on, meetings_near, next_meeting
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.actions_filters import Filters
from commands.agenda import DateNotUnderstood, meeting_on_day_of_year, parse_day
from commands.common import today_at


@dataclass(frozen=True)
class Narrowed:
    """The list's narrowing, and how its heading says it."""

    among: a.Among
    filters: Filters  # with the scope a search or a meeting implies
    lead: m.Person | None = None
    whose: str = ""  # "you lead", "led by Kiran Hayer", "whose lead as written names “kembra”"
    meeting: m.Meeting | None = None
    found: a.Found | None = None


def narrowed(
    session: Session,
    request: CommandRequest,
    board: m.Board,
    asker: m.Person | None,
    filters: Filters,
    today: date,
) -> Narrowed | Reply:
    """The narrowing the filters ask for, or the reply that says why they find nothing to show."""
    meeting = None
    if filters.meeting:
        found_meeting = _meeting(session, board, filters.meeting, today)
        if isinstance(found_meeting, Reply):
            return found_meeting
        meeting = found_meeting
    whose = _whose(session, request, board, asker, filters)
    if isinstance(whose, Reply):
        return whose
    lead, led_as_written, said, words = whose
    found = None
    if words:
        searched = a.search_words(words)
        if not searched:
            return usage(session, board, words)
        found = a.actions_mentioning(session, board, searched)
        if not found.ids:
            return usage(session, board, words, looked_for=not filters.whose)
    if not filters.scope_said and (meeting or found):
        filters = replace(filters, scope=a.Scope.ALL)
    among = a.Among(
        lead_id=lead.id if lead else None,
        led_as_written=led_as_written,
        found=found.ids if found else None,
        meeting_id=meeting.id if meeting else None,
        status=filters.status,
    )
    return Narrowed(among, filters, lead, said, meeting, found)


def _meeting(session: Session, board: m.Board, when: str, today: date) -> m.Meeting | Reply:
    """The meeting `from last`, `from next` or `from 8 June 2023` names, or why there is none."""
    word = when.lower()
    if word in ("last", "previous", "latest"):
        meeting = last_meeting(session, board, today)
        return meeting or help_reply("no_meeting", board, asked=when, which="last", near=[])
    if word == "next":
        meeting = next_meeting(session, board, today)
        return meeting or help_reply("no_meeting", board, asked=when, which="next", near=[])
    try:
        day, yearless = parse_day(when, today)
    except DateNotUnderstood:
        return help_reply("meeting_unclear", board, asked=a.shorten(when, 80))
    if day is not None:
        meeting = meeting_on(session, board, day)
    else:
        assert yearless is not None  # parse_day gives a day or a month and day
        meeting = meeting_on_day_of_year(session, board, *yearless, today)
        day = _in_year(today.year, *yearless)
    if meeting is None:
        near = meetings_near(session, board, day)[:3]
        return help_reply("no_meeting", board, asked=f"{day:%a} {day.day} {day:%b %Y}", which="", near=near)
    return meeting


def _in_year(year: int, month: int, day: int) -> date:
    """The day in that year; 29 February as the 28th when the year has none."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


WhoseFound = tuple[m.Person | None, tuple[int, ...] | None, str, str]


def _whose(
    session: Session, request: CommandRequest, board: m.Board, asker: m.Person | None, filters: Filters
) -> WhoseFound | Reply:
    """Whose actions: the person, the actions whose lead as written names them (or the `@name`),
    the heading's words for it, and the words left to search for."""
    words = filters.words
    if filters.mine or filters.mention == request.user_id:
        if asker is None:
            return help_reply("not_a_person", board, secretary=board.secretary)
        return (
            asker,
            _naming(session, board, asker),
            "you lead" if filters.mine else f"led by {asker.name}",
            words,
        )
    if filters.mention:
        person = a.person_with_slack_id(session, board, filters.mention)
        if person is None:
            return help_reply("unknown_mention", board, user_id=filters.mention, secretary=board.secretary)
        return person, _naming(session, board, person), f"led by {person.name}", words
    if filters.name:
        return _named(session, board, filters.name, words)
    if words:  # a lead's name, else words to find
        people = a.leads_named(session, board, words)
        if len(people) == 1:
            return people[0], _naming(session, board, people[0]), f"led by {people[0].name}", ""
        searched = a.search_words(words)
        if len(people) > 1 and not (searched and a.actions_mentioning(session, board, searched).ids):
            return help_reply("which_person", board, asked=a.shorten(words, 80), people=people[:8])
    return None, None, "", words


def _named(session: Session, board: m.Board, name: str, words: str) -> WhoseFound | Reply:
    """`@kiran`, `@K Hayer`, `@kembra`, `@YJS`: a linked person, else a lead as written; the longest
    leading part of the words that names one, the rest left to search for."""
    parts = name.split()
    for size in range(len(parts), 0, -1):
        phrase, rest = " ".join(parts[:size]), " ".join([*parts[size:], words]).strip()
        people = a.leads_named(session, board, phrase)
        if len(people) > 1:
            return help_reply("which_person", board, asked=a.shorten(phrase, 80), people=people[:8])
        if people:
            return people[0], _naming(session, board, people[0]), f"led by {people[0].name}", rest
        as_written = a.search_words(phrase)
        led = a.led_as_written(session, board, as_written)
        if led:
            shown = a.shorten(phrase.lstrip("@"), 60)
            return None, tuple(led), f"whose lead as written names “{shown}”", rest
    return usage(session, board, name, looked_for=True)


def _naming(session: Session, board: m.Board, person: m.Person) -> tuple[int, ...]:
    """The actions whose lead as written names the person by every word of their name."""
    return tuple(a.led_as_written(session, board, a.name_words(person)))


def where_you_lead(
    session: Session, request: CommandRequest, asker: m.Person, boards: list[m.Board]
) -> m.Board | Reply:
    """`/actions mine` with no board: the one board where the asker leads actions, else a reply
    that lists each (with its tally) or says they lead none."""
    led = a.boards_led_by(session, asker, boards)
    if len(led) == 1:
        return led[0][0]
    tallies = [
        (board, a.counts(session, board, today_at(board, request), among=a.Among(found=tuple(ids))))
        for board, ids in led[:12]
    ]
    more = max(len(led) - 12, 0)
    return reply("actions_where.json.j2", person=asker, tallies=tallies, more=more, boards=boards, hits=[])


def usage(session: Session, board: m.Board, asked: str, *, looked_for: bool = False) -> Reply:
    """What `/actions` can show, after words it could not use (`looked_for`: it searched for them
    as a lead and in the actions' text, and found neither)."""
    return help_reply(
        "filter",
        board,
        asked=a.shorten(asked, 80),
        looked_for_person=looked_for,
        example_ref=a.example_ref(session, board),
        example_word=a.example_word(session, board),
    )


def help_reply(problem: str, board: m.Board, **context: Any) -> Reply:
    """A reply that says what went wrong and what would work: only the asker sees it."""
    defaults: dict[str, Any] = {
        "asked": "",
        "user_id": None,
        "people": [],
        "refs": [],
        "near": [],
        "elsewhere": [],
        "last": [],
        "looked_for_person": False,
        "example_ref": "A-12",
        "example_word": None,
        "secretary": None,
        "which": "",
    }
    return reply("actions_help.json.j2", problem=problem, board=board, **(defaults | context))
