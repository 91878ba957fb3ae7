"""/agenda [board] [next|last|DATE]: the full agenda of one meeting."""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as dateparser
from sqlalchemy import extract
from sqlalchemy.orm import Session

from bot import declarations
from bot import models as m
from bot.boards import BoardChoice, can_see_restricted
from bot.meetings import (
    agenda,
    last_meeting,
    meeting_on,
    meetings_near,
    next_meeting,
    select_meetings,
)
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.attendance import agenda_notes
from commands.common import Found, find_board, noted, page_of, today_at
from commands.decisions import decisions_by_item

ITEMS_PER_PAGE = 15
# Two defaults that differ in every part (both leap years, so 29 Feb parses): a part that comes out
# different between the two readings was not written.
YEARLESS_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 2, 2))
# words of a date, never of a board's name: "jan", "january", "sept"
MONTH_FORMS = ("%b", "%B")
MONTHS = {datetime(2000, month, 1).strftime(form).lower() for month in range(1, 13) for form in MONTH_FORMS}
MONTHS.add("sept")


class DateNotUnderstood(ValueError):
    pass


def parse_day(text: str, today: date) -> tuple[date | None, tuple[int, int] | None]:
    """A date written the British way; (None, (month, day)) when no year was given."""
    if not re.search(r"\d", text):
        raise DateNotUnderstood(text)
    try:
        return date.fromisoformat(text), None  # dateutil's dayfirst would read 2023-10-05 as 10 May
    except ValueError:
        pass
    try:
        first, second = (dateparser.parse(text, dayfirst=True, default=d) for d in YEARLESS_DEFAULTS)
    except (ValueError, OverflowError):
        raise DateNotUnderstood(text) from None
    if first.month != second.month or first.day != second.day:
        raise DateNotUnderstood(text)  # "5" or "October 2023": a meeting date needs a day and a month
    if first.year != second.year:
        return None, (first.month, first.day)
    return first.date(), None


def meeting_on_day_of_year(
    session: Session, board: m.Board, month: int, day: int, today: date
) -> m.Meeting | None:
    """The meeting on that day and month nearest to today, in whichever year."""
    stmt = select_meetings(
        board,
        extract("month", m.Meeting.meets_on) == month,
        extract("day", m.Meeting.meets_on) == day,
    ).limit(50)
    found = list(session.scalars(stmt))
    return min(found, key=lambda mt: abs((mt.meets_on - today).days)) if found else None


def run(request: CommandRequest, session: Session) -> Reply:
    choice, problem = find_board(
        session, request, takes_words=True, not_a_board=_is_selector, finds=meetings_found, loose=True
    )
    if problem:
        return problem
    board = choice.board
    assert board is not None  # find_board answers with a problem otherwise
    today = today_at(board, request)
    selector, item_number = _item_asked(" ".join(choice.rest).strip().lower())
    note = None
    if selector in ("", "next"):
        meeting = next_meeting(session, board, today)
        if meeting is None:
            meeting = last_meeting(session, board, today)
            note = "No meeting is scheduled, so this is the last one."
    elif selector in ("last", "previous"):
        meeting = last_meeting(session, board, today)
        if meeting is None:
            return _no_meeting(session, request, board, today, looking="last")
    else:
        try:
            day, yearless = parse_day(selector, today)
        except DateNotUnderstood:
            return reply(
                "agenda_no_meeting.json.j2",
                board=board,
                asked=" ".join(choice.rest),
                day=None,
                near=meetings_near(session, board, today),
                understood=False,
            )
        if day is not None:
            meeting = meeting_on(session, board, day)
        else:
            assert yearless is not None  # parse_day gives a day or a month and day
            month, day_of_month = yearless
            meeting = meeting_on_day_of_year(session, board, month, day_of_month, today)
            day = _in_year(today.year, month, day_of_month)
        if meeting is None:
            return reply(
                "agenda_no_meeting.json.j2",
                board=board,
                asked=" ".join(choice.rest),
                day=day,
                near=meetings_near(session, board, day),
                understood=True,
                swapped=_swapped(session, board, selector, day),
            )
    if meeting is None:
        return _no_meeting(session, request, board, today, looking="next")
    show_restricted = can_see_restricted(session, request, choice.person, board)
    items, hidden, chairs = agenda(session, board, meeting, show_restricted=show_restricted, today=today)
    only = None
    if item_number is not None:
        only = next((item for item in items if item.number.lower() == item_number), None)
        if only is None:
            note = f"Item {item_number} is not on this agenda{' or is restricted' if hidden else ''}: here is all of it."
        else:
            items = [only]
    page = page_of(len(items), request.page, ITEMS_PER_PAGE)
    answer = reply(
        "agenda.json.j2",
        public=request.share,
        board=board,
        meeting=meeting,
        chairs=chairs,
        items=[(item, *item_details(item)) for item in items[page.offset : page.offset + page.size]],
        hidden=0 if only else hidden,
        notes=agenda_notes(session, meeting, items, today),
        only=only,
        page=page,
        request=request,
        note=note,
        cancelled=[],
        today=today,
        declared=declarations.agenda_lines(session, meeting, show_restricted=show_restricted),
        decisions=decisions_by_item(session, meeting),
    )
    return noted(choice, answer)


def meetings_found(
    session: Session, request: CommandRequest, boards: list[m.Board], choice: BoardChoice
) -> dict[int, Found]:
    """The meeting the words select (`next`, `last` or a date), on each board that has one."""
    selector = " ".join(choice.rest).strip().lower()
    found = {}
    for board in boards:
        today = today_at(board, request)
        if selector == "next":
            meeting = next_meeting(session, board, today)
        elif selector in ("last", "previous"):
            meeting = last_meeting(session, board, today)
        else:
            try:
                day, yearless = parse_day(selector, today)
            except DateNotUnderstood:
                return {}
            if day is not None:
                meeting = meeting_on(session, board, day)
            else:
                assert yearless is not None  # parse_day gives a day or a month and day
                meeting = meeting_on_day_of_year(session, board, *yearless, today)
        if meeting is not None:
            found[board.id] = Found(
                1, [f"{meeting.meets_on:%a} {meeting.meets_on.day} {meeting.meets_on:%b %Y}"], "meeting"
            )
    return found


def _no_meeting(
    session: Session, request: CommandRequest, board: m.Board, today: date, *, looking: str
) -> Reply:
    """No meeting on the side asked for: what there is on the other side."""
    return reply(
        "no_meeting.json.j2",
        public=request.share,
        board=board,
        today=today,
        looking=looking,
        last=None,
        later=next_meeting(session, board, today) if looking == "last" else None,
        cancelled=[],
    )


ITEM_RE = re.compile(r"(?:^|\s)(?:agenda\s+)?item\s+(?:no\.?\s*|number\s+)?([a-z0-9][a-z0-9.]*)\s*$")


def _item_asked(selector: str) -> tuple[str, str | None]:
    """The meeting selector and, for `item 7` at its end, the item number asked for."""
    found = ITEM_RE.search(selector)
    if found is None:
        return selector, None
    return selector[: found.start()].strip(), found.group(1).rstrip(".")


def _is_selector(word: str) -> bool:
    """`next`, `last`, `item`, month names and dates are /agenda's own words, never a board's name."""
    lowered = word.lower()
    return (
        lowered in ("next", "last", "previous", "item")
        or lowered.rstrip(".,") in MONTHS
        or word[:1].isdigit()
    )


def _in_year(year: int, month: int, day: int) -> date:
    """That day in `year`, or in the next year that has it (29 February)."""
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            year += 1


NUMERIC_DATE_RE = re.compile(r"^\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?$")


def _swapped(session: Session, board: m.Board, selector: str, day: date) -> date | None:
    """For an all-number date such as 10/05, the other reading when the board met on that day."""
    if not NUMERIC_DATE_RE.match(selector) or day.day > 12 or day.day == day.month:
        return None
    other = day.replace(month=day.day, day=day.month)
    return other if meeting_on(session, board, other) else None


PAPER_STATUS = {
    "awaited": "paper awaited",
    "submitted": "paper submitted",
    "published": "paper published",
    "withdrawn": "paper withdrawn",
}


# The standard business of a committee meeting, which has no report, presenter or paper to record.
PROCEDURAL_RE = re.compile(
    r"^(introduction|welcome|apologies|membership|declarations? of interests?|minutes|matters arising"
    r"|actions arising|any other business|other business|urgent business|date of (the )?next meeting"
    r"|close of (the )?meeting)\b",
    re.IGNORECASE,
)


def is_procedural(item: m.AgendaItem) -> bool:
    """Welcome, apologies, membership, declarations, minutes, other business, next date: by the title's start."""
    return bool(PROCEDURAL_RE.match(item.title.strip(" \t\n.:-–0123456789")))


def item_details(item: m.AgendaItem) -> tuple[list[str], list[str]]:
    """What is recorded about an item, as short lines, and the names of what is not.

    Procedural items (see `is_procedural`) expect no report, so nothing is said to be missing there.
    """
    details, missing = [], []
    for label, value in (
        ("Pages", item.pages),
        ("Presenter", item.presenter),
        ("Report author", item.report_author),
    ):
        (details.append(f"{label}: {value}") if value else missing.append(label.lower()))
    if item.paper_status:
        due = (
            f" (due {item.paper_due_on:%a} {item.paper_due_on.day} {item.paper_due_on:%b %Y})"
            if item.paper_due_on
            else ""
        )
        details.append(PAPER_STATUS[item.paper_status].capitalize() + due)
    else:
        missing.append("paper status")
    return details, [] if is_procedural(item) else missing
