"""Reminders a person's own settings move or hold: away with a delegate, and quiet weekdays.

While someone is away (before the day they are back) what a run finds for them goes to their
delegate instead, in a message of its own marked "for X, who is away until …". The ledger keeps the
person's key, so each reminder is still recorded and delivered once, and nothing the delegate had
reaches the person again when they are back. A delegate not on Slack cannot take them: they stay
with the person. On one of its receiver's quiet weekdays a reminder is held, and the run reaches
further back (QUIET_REACH) so that the next day that is not quiet finds what was held.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.render import short_date
from bot.workdays import is_working_day
from reminders.items import Recipient, Reminder
from reminders.timing import CATCH_UP_WORKING_DAYS, BoardDay, previous_working_day, window_start

MAX_QUIET = 4  # weekdays one may quieten: at least one working weekday always stays
QUIET_REACH = CATCH_UP_WORKING_DAYS + MAX_QUIET  # working days a run looks back when anyone is quiet
NO_QUIET = ("[]", "null")
WINDOWED = (
    "paper",
    "action",
    "vague_actions",
)  # found by their day in the window; escalations are rungs reached


@dataclass(frozen=True)
class PersonSettings:
    quiet: frozenset[int]  # weekdays, 0 Monday
    away_until: date | None  # back on this day
    delegate: m.Person | None

    def away_on(self, day: date) -> bool:
        return self.away_until is not None and day < self.away_until and self.delegate is not None


def settings_of(session: Session, person_ids: Iterable[int]) -> dict[int, PersonSettings]:
    """The quiet days and absences of these people (those with any)."""
    ids = sorted(set(person_ids))
    found: dict[int, PersonSettings] = {}
    for start in range(0, len(ids), 900):
        rows = session.scalars(
            select(m.ReminderPreference)
            .options(joinedload(m.ReminderPreference.delegate))
            .where(m.ReminderPreference.person_id.in_(ids[start : start + 900]))
        )
        for row in rows:
            if row.quiet_days or row.away_until is not None:
                found[row.person_id] = PersonSettings(
                    frozenset(row.quiet_days or ()), row.away_until, row.delegate
                )
    return found


def anyone_quiet(session: Session) -> bool:
    """Whether anyone has quiet days, so that runs must look back further."""
    column = cast(m.ReminderPreference.quiet_days, String)
    return (
        session.scalar(select(m.ReminderPreference.person_id).where(column.not_in(NO_QUIET)).limit(1))
        is not None
    )


def reaching_back(days: list[BoardDay]) -> list[BoardDay]:
    """The days with windows wide enough for what quiet days held (narrowed again by `route`)."""
    return [dataclasses.replace(d, first_nominal=window_start(d.today, d.region, QUIET_REACH)) for d in days]


def quiet_since(today: date, region: str, quiet: frozenset[int]) -> date | None:
    """The first of the quiet working days just before `today`, if the day before it was quiet."""
    first = None
    day = previous_working_day(today, region)
    for _ in range(QUIET_REACH):
        if day.weekday() not in quiet:
            break
        first = day
        day = previous_working_day(day, region)
    return first


def delegated(recipient: Recipient, settings: PersonSettings) -> Recipient:
    """The person's recipient, delivered to their delegate and saying for whom."""
    delegate = settings.delegate
    assert delegate is not None and settings.away_until is not None
    note = f"{recipient.name}, who is away until {short_date(settings.away_until)}"
    return dataclasses.replace(recipient, name=delegate.name, slack_id=delegate.slack_user_id, away_note=note)


def route(
    session: Session, found: list[Reminder], first_nominal: dict[int, date]
) -> tuple[list[Reminder], list[Reminder]]:
    """The reminders to deliver (to delegates where their person is away) and those held for quiet
    days. `first_nominal`: each board's own window, for what a wider reach found but no one held."""
    ids = {r.recipient.person_id for r in found if r.recipient.person_id is not None}
    settings = settings_of(session, ids)
    if settings:
        delegates = {s.delegate.id for s in settings.values() if s.delegate is not None}
        settings |= settings_of(session, delegates - set(settings))
    kept: list[Reminder] = []
    held: list[Reminder] = []
    for reminder in found:
        day, receiver = reminder.day, reminder.recipient.person_id
        own = settings.get(receiver) if receiver is not None else None
        if own is not None and own.away_on(day.today) and own.delegate and own.delegate.slack_user_id:
            reminder.recipient = delegated(reminder.recipient, own)
            receiver = own.delegate.id
        quiet = settings[receiver].quiet if receiver in settings else frozenset()
        if quiet and day.today.weekday() in quiet and is_working_day(day.today, day.region):
            held.append(reminder)
            continue
        own_first = first_nominal.get(day.board.id, day.first_nominal)
        if reminder.kind in WINDOWED and own_first > day.first_nominal and reminder.stage.nominal < own_first:
            since = quiet_since(day.today, day.region, quiet) if quiet else None
            if since is None or reminder.stage.nominal < window_start(since, day.region):
                continue  # older than this board's window, and no quiet day held it
        kept.append(reminder)
    return kept, held


def away_label(settings: PersonSettings) -> str:
    """'away until Thu 14 Sep 2023', for replies."""
    return f"away until {short_date(settings.away_until)}" if settings.away_until else "not away"
