"""Agenda changes told once: a late item, a supplement, a withdrawn item, a moved or cancelled meeting.

The baseline is a small snapshot of the agenda as the last full agenda notice told it (the papers
published notice, or the eve notice), stored in `agenda_notices` when that notice is marked sent:
the ledger records that a notice went, not what it said. Each run compares the meeting as the data
now has it with that snapshot; each difference is one occasion, told once (the ledger), public ones
in the board's channel and restricted (Part 2) ones to the board's members by DM. A later full
notice tells the whole agenda again and becomes the new baseline. No snapshot (no notice has gone):
no changes to tell. Loading the same data twice changes nothing, so tells nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.models.boards import in_force_today
from bot.render import short_date
from reminders.items import People, Recipient, Reminder, Stage, channel_recipient
from reminders.ledger import Key
from reminders.timing import BoardDay


def told_of(meeting: m.Meeting, items: list[m.AgendaItem]) -> dict[str, Any]:
    """The agenda as a notice tells it: when, where, status, and each item's title and paper."""
    return {
        "date": meeting.meets_on.isoformat(),
        "time": meeting.starts_at.strftime("%H:%M") if meeting.starts_at else None,
        "venue": meeting.venue,
        "status": meeting.status,
        "items": {
            item.number: {
                "title": item.title,
                "restricted": bool(item.restricted),
                "awaited": bool(item.expects_paper),
                "withdrawn": item.paper_status == m.PaperStatus.WITHDRAWN.value,
            }
            for item in items
        },
    }


def remember(session: Session, now: datetime, *, meeting_id: int, told: dict[str, Any]) -> None:
    """Keep what a full agenda notice told, as the baseline for later changes."""
    row = session.get(m.AgendaNotice, meeting_id)
    if row is None:
        session.add(m.AgendaNotice(meeting_id=meeting_id, told=told, told_at=now.astimezone(UTC)))
    else:
        row.told, row.told_at = told, now.astimezone(UTC)


@dataclass(frozen=True)
class Change:
    key: str  # what changed, for the occasion: "item:11:added", "moved:2023-10-12:16:00:ab12cd34"
    text: str  # what members are told (plain; the template escapes it)
    restricted: bool
    told_after: str | None = None  # told only if this change was told: an item added then withdrawn


def changes(told: dict[str, Any], meeting: m.Meeting, items: list[m.AgendaItem]) -> list[Change]:
    """What differs between the agenda told and the data now, in agenda order."""
    now = told_of(meeting, items)
    if now["status"] == m.MeetingStatus.CANCELLED.value:
        if told["status"] == m.MeetingStatus.CANCELLED.value:
            return []
        return [Change("cancelled", "the meeting is cancelled", False)]
    found = []
    where = (now["date"], now["time"], now["venue"])
    if where != (told["date"], told["time"], told["venue"]):
        digest = hashlib.sha256(repr(where).encode()).hexdigest()[:8]
        parts = []
        if now["date"] != told["date"] or now["time"] != told["time"]:
            parts.append(f"to {short_date(meeting.meets_on)}{' at ' + now['time'] if now['time'] else ''}")
        if now["venue"] != told["venue"]:
            parts.append(f"to {now['venue'] or 'a venue not yet recorded'}")
        found.append(
            Change(f"moved:{now['date']}:{digest}", "the meeting has moved " + " and ".join(parts), False)
        )
    before, after = told["items"], now["items"]
    for item in items:
        was, sits = before.get(item.number), after[item.number]
        label = f"item {item.number}, {item.title}"
        if was is None and not sits["withdrawn"]:
            found.append(Change(f"item:{item.number}:added", f"late item added: {label}", sits["restricted"]))
        elif was is None:
            added = f"item:{item.number}:added"
            found.append(
                Change(f"item:{item.number}:withdrawn", f"withdrawn: {label}", sits["restricted"], added)
            )
        elif was is not None and sits["withdrawn"] and not was["withdrawn"]:
            found.append(Change(f"item:{item.number}:withdrawn", f"withdrawn: {label}", sits["restricted"]))
        elif was is not None and was["awaited"] and item.paper_status == m.PaperStatus.PUBLISHED.value:
            found.append(
                Change(
                    f"item:{item.number}:supplement",
                    f"supplement: the paper for {label} is published",
                    sits["restricted"],
                )
            )
    for number, was in before.items():
        if number not in after and not was["withdrawn"]:
            found.append(
                Change(
                    f"item:{number}:withdrawn", f"withdrawn: item {number}, {was['title']}", was["restricted"]
                )
            )
    return found


def agenda_change_notices(
    session: Session,
    days: dict[int, BoardDay],
    people: People,
    settled: Callable[[list[Key]], set[Key]],
) -> list[Reminder]:
    """Each change since the last full agenda notice not yet told: to the channel, or to members."""
    boards = [board_id for board_id, day in days.items() if day.rules.meetings]
    if not boards:
        return []
    low = min(days[b].today for b in boards)
    rows = session.execute(
        select(m.AgendaNotice, m.Meeting)
        .join(m.Meeting, m.Meeting.id == m.AgendaNotice.meeting_id)
        .where(m.Meeting.board_id.in_(boards), m.Meeting.meets_on >= low)
    ).all()
    current = [
        (notice, meeting) for notice, meeting in rows if meeting.meets_on >= days[meeting.board_id].today
    ]
    if not current:
        return []
    items: dict[int, list[m.AgendaItem]] = defaultdict(list)
    for item in session.scalars(
        select(m.AgendaItem)
        .where(m.AgendaItem.meeting_id.in_([meeting.id for _, meeting in current]))
        .order_by(m.AgendaItem.position, m.AgendaItem.number)
    ):
        items[item.meeting_id].append(item)
    found: list[tuple[Reminder, Key | None]] = []  # each notice, and the one that must have gone first
    for notice, meeting in current:
        day = days[meeting.board_id]
        base = f"agenda:{meeting.id}:{notice.told_at.date().isoformat()}"
        for change in changes(notice.told, meeting, items[meeting.id]):
            for recipient in _audience(session, day, change, people):
                reminder = _notice(day, meeting, change, recipient, f"{base}:{change.key}")
                first = (
                    (reminder.kind, recipient.key, f"{base}:{change.told_after}")
                    if change.told_after
                    else None
                )
                found.append((reminder, first))
    if not found:
        return []
    done = settled([key for reminder, first in found for key in (reminder.key, first) if key is not None])
    return [r for r, first in found if r.key not in done and (first is None or first in done)]


def _audience(session: Session, day: BoardDay, change: Change, people: People) -> list[Recipient]:
    """The board's channel for a public change; by DM, everyone with a seat in force, for a restricted one."""
    if not change.restricted:
        return [channel_recipient(day.board)]
    rows = session.execute(
        select(m.Membership.starts_on, m.Membership.ends_on, m.Person)
        .join(m.Person, m.Person.id == m.Membership.person_id)
        .where(m.Membership.board_id == day.board.id)  # whoever sees restricted items (bot.boards.is_member)
        .order_by(m.Person.name)
    )
    members = {p.id: p for starts, ends, p in rows if in_force_today(starts, ends, day.today)}
    return [people.recipient(person) for person in members.values()]


def _notice(
    day: BoardDay, meeting: m.Meeting, change: Change, recipient: Recipient, occasion: str
) -> Reminder:
    summary = f"{day.board.name} meeting of {short_date(meeting.meets_on)}: {change.text}"
    context = {"board": day.board, "meeting": meeting, "change": change}
    return Reminder(
        kind="agenda_change",
        recipient=recipient,
        occasion=occasion,
        day=day,
        stage=Stage(day.today, "change"),
        describe=lambda: summary,
        build=lambda: context,
        order=58,
    )
