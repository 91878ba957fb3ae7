"""Meetings as an iCalendar file (RFC 5545), built with the `icalendar` package.

Each event's UID is made of the workspace, board and meeting keys, which outlive reloads of the data,
so a calendar that subscribed updates an event instead of adding a second. A meeting without a start
time is an all-day event (shown free: its hours are not known); boards record no end time, so a timed
event lasts reminders.meetings.MEETING_HOURS and its description says so. A provisional meeting is
TENTATIVE; a cancelled one is CANCELLED with its SEQUENCE raised, so clients take it as a change.
Restricted (Part 2) agenda items are left out, not even counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration

from bot import models as m
from bot.render import SAFE_URL_RE
from reminders.meetings import MEETING_HOURS

PRODID = "-//BoardBot//Board meeting calendars//EN"
REFRESH = timedelta(hours=6)  # how often a subscribed calendar is asked to look again
PAST_DAYS = 365  # a feed holds the meetings of the past year …
AHEAD_DAYS = 2 * 365  # … to two years ahead
WINDOW_SAID = "the past year to two years ahead"
STATUS = {
    m.MeetingStatus.CONFIRMED.value: "CONFIRMED",
    m.MeetingStatus.PROVISIONAL.value: "TENTATIVE",
    m.MeetingStatus.CANCELLED.value: "CANCELLED",
}
SAID = {
    m.MeetingStatus.CONFIRMED.value: "Confirmed",
    m.MeetingStatus.PROVISIONAL.value: "Provisional: not recorded as confirmed",
    m.MeetingStatus.CANCELLED.value: "Cancelled",
}


@dataclass(frozen=True)
class Entry:
    """A meeting as a feed shows it: the meeting (with its board, workspace and host loaded) and the
    agenda items members may see, in order."""

    meeting: m.Meeting
    items: Sequence[m.AgendaItem]


def window(today: date) -> tuple[date, date]:
    """The days a feed covers, both included."""
    return today - timedelta(days=PAST_DAYS), today + timedelta(days=AHEAD_DAYS)


def uid(meeting: m.Meeting) -> str:
    board = meeting.board
    return f"{board.workspace.team_id}.{board.key}.{meeting.key}@boardbot"


def calendar(name: str, entries: Sequence[Entry], now: datetime, span: tuple[date, date]) -> bytes:
    """The iCalendar file of `entries`, named `name`, with a VTIMEZONE for each zone used in `span`."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))  # Outlook's name for REFRESH-INTERVAL
    for entry in entries:
        cal.add_component(event(entry, now))
    cal.add_missing_timezones(first_date=span[0] - timedelta(days=1), last_date=span[1] + timedelta(days=1))
    return cal.to_ical()


def event(entry: Entry, now: datetime) -> Event:
    meeting = entry.meeting
    board = meeting.board
    cancelled = meeting.status == m.MeetingStatus.CANCELLED
    ev = Event()
    ev.add("uid", uid(meeting))
    ev.add("dtstamp", now)
    ev.add("sequence", 1 if cancelled else 0)
    ev.add("status", STATUS[meeting.status])
    prefix = {"cancelled": "Cancelled: ", "provisional": "Provisional: "}.get(meeting.status, "")
    ev.add("summary", f"{prefix}{board.name}")
    if meeting.starts_at is None:
        ev.add("dtstart", meeting.meets_on)
        ev.add("dtend", meeting.meets_on + timedelta(days=1))
        ev.add("transp", "TRANSPARENT")  # its hours are not known: it does not block the day
    else:
        starts = datetime.combine(meeting.meets_on, meeting.starts_at, ZoneInfo(board.timezone))
        ev.add("dtstart", starts)
        ev.add("dtend", starts + timedelta(hours=MEETING_HOURS))
    if meeting.venue:
        ev.add("location", meeting.venue)
    if meeting.papers_url and SAFE_URL_RE.match(meeting.papers_url):
        ev.add("url", meeting.papers_url)
    ev.add("description", description(entry))
    return ev


def description(entry: Entry) -> str:
    """What the event says of the meeting, in plain text: what the data does not state is said so."""
    meeting = entry.meeting
    hours = f"{MEETING_HOURS} hour{'' if MEETING_HOURS == 1 else 's'}"
    if meeting.starts_at is None:
        time_line = "Time: not recorded, so this is shown as an all-day event."
    else:
        time_line = (
            f"Starts {meeting.starts_at:%H:%M} ({meeting.board.timezone}). End time not recorded: "
            f"shown as {hours}, an assumption of BoardBot's."
        )
    lines = [
        f"{meeting.board.name}: {SAID[meeting.status]}.",
        time_line,
        f"Venue: {meeting.venue or 'not recorded'}",
        f"Host: {meeting.host.name if meeting.host else 'not recorded'}",
        f"Papers: {meeting.papers_url}" if meeting.papers_url else "Papers: link not recorded",
        "",
    ]
    if entry.items:
        lines.append("Agenda:")
        lines.extend(f"{item.number}. {item.title}" for item in entry.items)
    else:
        lines.append("Agenda: no items to show yet.")
    return "\n".join(lines)
