"""The quorum warning: two working days before a meeting, the secretary and the chairs are told once
if the apologies sent so far put the board's quorum at risk, and who is needed.

Only boards whose data states a quorum rule (boards.quorum, quorum_groups) are checked. The occasion
is the meeting on its date: one warning per meeting, again only if the meeting moves.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot import attendance as att
from bot import models as m
from bot.render import Mrkdwn, short_date, slack_escape
from bot.workdays import working_days_before
from reminders.items import People, Reminder, Stage, current_stage
from reminders.timing import BoardDay

WARN_WORKING_DAYS = 2
KIND = "quorum_risk"


def warning_stage(meeting: m.Meeting, region: str) -> Stage:
    return Stage(working_days_before(meeting.meets_on, WARN_WORKING_DAYS, region), "quorum")


def quorum_warnings(
    session: Session, meetings: dict[int, list[m.Meeting]], days: dict[int, BoardDay], people: People
) -> list[Reminder]:
    """The warnings due today, one for the secretary and one for each chair of each meeting at risk."""
    found: list[Reminder] = []
    for board_id, board_meetings in meetings.items():
        day = days[board_id]
        if not day.rules.meetings:
            continue
        for meeting in board_meetings:
            if meeting.meets_on - day.today > timedelta(days=14):
                break
            stage = warning_stage(meeting, day.region)
            if current_stage([stage], day, None) is None:
                continue
            check = att.check_quorum(session, meeting, day.today)
            if not check.stated or not check.at_risk:
                continue
            found.extend(_warnings(meeting, day, stage, check, people))
    return found


def _warnings(
    meeting: m.Meeting, day: BoardDay, stage: Stage, check: att.QuorumCheck, people: People
) -> list[Reminder]:
    board = day.board
    recipients = [p for p in [people.secretary(board), *people.chairs.get(board.id, [])] if p is not None]
    summary = (
        f"{board.name} meeting of {short_date(meeting.meets_on)}: quorum at risk on the apologies so far"
    )
    context = {"board": board, "meeting": meeting, "needed": check.needed(), "check": check}
    seen: set[int] = set()
    warnings = []
    for person in recipients:
        if person.id in seen:
            continue
        seen.add(person.id)
        warnings.append(
            Reminder(
                kind=KIND,
                recipient=people.recipient(person),
                occasion=f"quorum:{meeting.id}:{meeting.meets_on.isoformat()}",
                day=day,
                stage=stage,
                describe=lambda: summary,
                build=lambda: context,
                order=45,
            )
        )
    return warnings


def brief_lines(session: Session, meeting: m.Meeting, today: date | None = None) -> list[str]:
    """Attendance and quorum for the chair's brief, as escaped mrkdwn lines (asked on `today`,
    default the day before the meeting, when the brief goes)."""
    today = today or meeting.meets_on - timedelta(days=1)
    found = att.roll(session, meeting, today)
    online = sum(1 for s in found.attending if s.reply and s.reply.mode == m.AttendanceMode.ONLINE)
    substituted = sum(1 for s in found.apologies if s.reply and s.reply.substitute_as_named)
    lines = [
        f"*Attendance*: {len(found.attending)} attending"
        + (f" ({online} online)" if online else "")
        + f", {len(found.apologies)} apologies"
        + (f" ({substituted} with a substitute)" if substituted else "")
        + f", {len(found.silent)} not yet said"
    ]
    if found.apologies:
        named = [
            slack_escape(s.person.name)
            + (
                f" (substitute: {slack_escape(s.reply.substitute_as_named)})"
                if s.reply and s.reply.substitute_as_named
                else " (no substitute)"
            )
            for s in found.apologies
        ]
        lines.append("Apologies: " + ", ".join(named))
    check = att.check_quorum(session, meeting, today, found)
    if not check.stated:
        lines.append("*Quorum*: not recorded for this board")
    elif check.at_risk:
        lines.append("*Quorum at risk*: " + " ".join(slack_escape(line) for line in check.needed()))
    else:
        need = f", {check.count} needed" if check.count is not None else ""
        lines.append(f"*Quorum*: not at risk on the replies so far ({check.possible} can come{need})")
    return [Mrkdwn(line) for line in lines]
