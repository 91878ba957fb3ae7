"""Meeting notices in the board's channel: when the papers are published, and the working day before.

Papers are published five clear working days before the meeting (bot.workdays.publication_deadline);
the eve notice goes on the last working day before the meeting, with the agenda and calendar links.
A moved meeting is a new occasion: its notices go again for the new date. Part 2 (restricted) items
are never listed in a channel, only counted. Each channel notice, once sent, keeps the agenda it told
(reminders/agenda_changes.py tells later changes once); the published one invites declarations.

Only a confirmed meeting with an agenda is announced in the channel, and its papers only once none
is outstanding. Otherwise (still provisional, no agenda, papers awaited) the secretary is told on
the same day instead, and nothing is posted in the channel.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.render import short_date
from bot.workdays import publication_deadline, working_days_before
from reminders import agenda_changes
from reminders.agenda_changes import told_of
from reminders.items import People, Reminder, Stage, channel_recipient, current_stage
from reminders.timing import BoardDay

MEETING_HOURS = 2  # calendar entries last this long; boards do not record an end time
NOTICE_AHEAD_DAYS = 21  # the publication notice is at most this far before a meeting


def meetings_ahead(session: Session, days: list[BoardDay], horizon_days: int) -> dict[int, list[m.Meeting]]:
    """Each board's meetings after its today and within the horizon, not cancelled, by date."""
    boards = {d.board.id: d for d in days}
    low = min(d.today for d in days)
    high = max(d.today for d in days) + timedelta(days=horizon_days)
    found: dict[int, list[m.Meeting]] = defaultdict(list)
    stmt = (
        select(m.Meeting)
        .where(
            m.Meeting.meets_on > low,
            m.Meeting.meets_on <= high,
            m.Meeting.status != m.MeetingStatus.CANCELLED,
        )
        .order_by(m.Meeting.meets_on, m.Meeting.starts_at)
    )
    for meeting in session.scalars(stmt):
        day = boards.get(meeting.board_id)
        if day is not None and meeting.meets_on > day.today:
            found[meeting.board_id].append(meeting)
    return found


def calendar_links(meeting: m.Meeting, board: m.Board) -> dict[str, str]:
    """Add-to-calendar links (Google, Outlook) for a meeting: all day when it has no start time."""
    title = f"{board.name} meeting"
    details = meeting.papers_url or ""
    if meeting.starts_at is None:
        start, end = meeting.meets_on, meeting.meets_on + timedelta(days=1)
        google_dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
        outlook = {"startdt": start.isoformat(), "enddt": end.isoformat(), "allday": "true"}
    else:
        starts = datetime.combine(meeting.meets_on, meeting.starts_at, ZoneInfo(board.timezone))
        ends = starts + timedelta(hours=MEETING_HOURS)
        utc = [t.astimezone(ZoneInfo("UTC")) for t in (starts, ends)]
        google_dates = f"{utc[0]:%Y%m%dT%H%M%SZ}/{utc[1]:%Y%m%dT%H%M%SZ}"
        outlook = {"startdt": f"{utc[0]:%Y-%m-%dT%H:%M:%SZ}", "enddt": f"{utc[1]:%Y-%m-%dT%H:%M:%SZ}"}
    google = {"action": "TEMPLATE", "text": title, "dates": google_dates, "ctz": board.timezone}
    outlook = {"path": "/calendar/action/compose", "rru": "addevent", "subject": title, **outlook}
    if meeting.venue:
        google["location"] = outlook["location"] = meeting.venue
    if details:
        google["details"] = outlook["body"] = f"Papers: {details}"
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google, quote_via=quote),
        "outlook": "https://outlook.office.com/calendar/0/deeplink/compose?"
        + urlencode(outlook, quote_via=quote),
    }


def notice_stages(meeting: m.Meeting, region: str) -> dict[str, Stage]:
    return {
        "meeting_published": Stage(publication_deadline(meeting.meets_on, region), "published"),
        "meeting_tomorrow": Stage(working_days_before(meeting.meets_on, 1, region), "eve"),
    }


def held_back(meeting: m.Meeting, agenda: list[m.AgendaItem], stage: str) -> list[str]:
    """Why a channel notice must not go out: a provisional date, no agenda, papers outstanding."""
    problems = []
    if meeting.status != m.MeetingStatus.CONFIRMED:
        problems.append("the date is still provisional")
    if not agenda:
        problems.append("no agenda is recorded")
    outstanding = sum(1 for item in agenda if item.expects_paper)
    if stage == "published" and outstanding:
        problems.append(f"{outstanding} paper{'s are' if outstanding != 1 else ' is'} still outstanding")
    return problems


def meeting_notices(
    session: Session, meetings: dict[int, list[m.Meeting]], days: dict[int, BoardDay], people: People
) -> list[Reminder]:
    """The channel notices due today (papers published, the meeting on the next working day), or
    the secretary's notice that one was held back."""
    due: list[tuple[str, m.Meeting, BoardDay, Stage]] = []
    for board_id, board_meetings in meetings.items():
        day = days[board_id]
        if not day.rules.meetings:
            continue
        for meeting in board_meetings:
            if meeting.meets_on - day.today > timedelta(days=NOTICE_AHEAD_DAYS):
                break
            for kind, stage in notice_stages(meeting, day.region).items():
                if current_stage([stage], day, None) is not None:
                    due.append((kind, meeting, day, stage))
    if not due:
        return []
    items: dict[int, list[m.AgendaItem]] = defaultdict(list)
    for item in session.scalars(
        select(m.AgendaItem)
        .where(m.AgendaItem.meeting_id.in_({meeting.id for _, meeting, _, _ in due}))
        .order_by(m.AgendaItem.position, m.AgendaItem.number)
    ):
        items[item.meeting_id].append(item)
    notices = []
    for kind, meeting, day, stage in due:
        agenda = items.get(meeting.id, [])
        problems = held_back(meeting, agenda, stage.label)
        if problems:
            notices.append(_held_notice(kind, meeting, day, stage, agenda, problems, people))
            continue
        public = [item for item in agenda if not item.restricted]
        label = "papers published" if kind == "meeting_published" else "meets next working day"
        summary = f"{day.board.name} meeting of {short_date(meeting.meets_on)}: {label}"
        context = {
            "board": day.board,
            "meeting": meeting,
            "items": public,
            "hidden": len(agenda) - len(public),
            "calendar": calendar_links(meeting, day.board),
            "next_day": meeting.meets_on - day.today == timedelta(days=1),
        }
        notices.append(
            Reminder(
                kind=kind,
                recipient=channel_recipient(day.board),
                occasion=f"meeting:{meeting.id}:{meeting.meets_on.isoformat()}:{stage.label}",
                day=day,
                stage=stage,
                describe=lambda summary=summary: summary,
                build=lambda context=context: context,
                order=60,
                on_sent=partial(
                    agenda_changes.remember, meeting_id=meeting.id, told=told_of(meeting, agenda)
                ),
            )
        )
    return notices


def _held_notice(
    kind: str,
    meeting: m.Meeting,
    day: BoardDay,
    stage: Stage,
    agenda: list[m.AgendaItem],
    problems: list[str],
    people: People,
) -> Reminder:
    """The secretary's notice that the channel was not told, and why."""
    recipient, on_behalf = people.route(day.board.secretary_id, day.board, "the board secretary")
    label = "papers due to be published" if kind == "meeting_published" else "meets next working day"
    summary = (
        f"{day.board.name} meeting of {short_date(meeting.meets_on)}: {label}, but {'; '.join(problems)}: "
        "nothing posted in the channel"
    )
    context = {
        "board": day.board,
        "meeting": meeting,
        "stage": stage.label,
        "problems": problems,
        "outstanding": [item for item in agenda if item.expects_paper],
    }
    return Reminder(
        kind="meeting_held",
        recipient=recipient,
        occasion=f"meeting:{meeting.id}:{meeting.meets_on.isoformat()}:{stage.label}",
        day=day,
        stage=stage,
        describe=lambda: summary,
        build=lambda: context,
        for_person=on_behalf if on_behalf != "the board secretary" else None,
        order=55,
    )
