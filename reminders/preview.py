"""`boardbot reminders preview [--date D]`: what would be sent on a day, and to whom, sending nothing.

A preview of a later day assumes the clock ran on each day from now until then (at most
SIMULATED_DAYS of them) and counts what those runs would have sent as sent: an escalation reached
late shows on the first of those days, not again on every day after it.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TextIO

from dateutil import parser as dateparser
from sqlalchemy import Engine

from bot import clock
from bot.config import Settings
from bot.db import make_sessions
from bot.render import short_date
from reminders.items import Reminder
from reminders.ledger import Key
from reminders.pool import kept_after_sent
from reminders.run import Plan, plan_reminders

SIMULATED_DAYS = 62  # days before the previewed one whose runs are assumed to have happened


def parse_day(text: str, today: date) -> date:
    """ISO (2026-11-23) or day first (23/11/2026, 23 Nov); ValueError says what would work."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dateparser.parse(
            text, dayfirst=True, default=datetime(today.year, today.month, today.day)
        ).date()
    except (dateparser.ParserError, OverflowError) as exc:
        raise ValueError(f"{text!r} is not a date; use e.g. 2026-11-23, 23/11/2026 or '23 Nov'") from exc


def describe(plan: Plan, day: date | None) -> str:
    """The plan as lines a person reads: recipients, then each reminder on one line."""
    when = f"on {short_date(day)}" if day else f"at {plan.now:%Y-%m-%d %H:%M} UTC"
    open_days = [d for d in plan.days if d.open]
    count = len(plan.messages)
    lines = [f"Reminders {when}: {len(plan.due)} to send in {count} message{'s' if count != 1 else ''}."]
    if not plan.days:
        return "No boards: nothing to remind."
    if not open_days:
        if day is not None:
            lines.append(
                "Not a working day for any board: nothing is sent (it goes on the next working day)."
            )
        else:
            lines.append("No board is past its send time on a working day: nothing is sent now.")
    for message in plan.messages:
        recipient = message.recipient
        where = f"#{recipient.slack_id}" if recipient.is_channel else f"@{recipient.slack_id}, direct message"
        count = len(message.reminders)
        lines.append(f"\nTo {recipient.name} ({where}): {count} reminder{'s' if count != 1 else ''}")
        if recipient.away_note:
            lines.append(f"  (as delegate, for {recipient.away_note})")
        lines += [f"  • {r.summary}" for r in message.reminders]
    for title, reminders in (
        ("Held for tomorrow's daily digest (already had today's)", plan.held),
        ("Held: a quiet day of the person they go to (sent on their next day that is not quiet)", plan.quiet),
        ("Not sent: nobody on Slack to send them to", plan.unreachable),
    ):
        if reminders:
            lines.append(f"\n{title}: {len(reminders)}")
            by_recipient: dict[str, list[Reminder]] = defaultdict(list)
            for reminder in reminders:
                by_recipient[reminder.recipient.name].append(reminder)
            for name, items in sorted(by_recipient.items()):
                lines.append(f"  {name}:")
                lines += [f"    • {r.summary}" for r in items]
    if plan.settled:
        lines.append(
            f"\nAlready sent (or being sent by a running clock, or sent by the runs a preview assumes "
            f"before its day): {plan.settled}"
        )
    closed = sorted({d.board.name for d in plan.days if not d.open})
    if closed and open_days:
        lines.append(
            f"\nBoards not sending now (not a working day there, or before the send time): {len(closed)}"
        )
    return "\n".join(lines)


def preview(
    settings: Settings,
    engine: Engine,
    *,
    day: str | None = None,
    team_id: str | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Print what would be sent (at the clock's now, or on `day`), without sending or recording it."""
    now = clock.now(settings)
    try:
        wanted = parse_day(day, now.date()) if day else None
    except ValueError as exc:
        print(f"boardbot: {exc}", file=err)
        return 2
    sessions = make_sessions(engine)
    with sessions() as session:
        assumed: set[Key] = set()
        if wanted is not None:
            earlier = max(now.date(), wanted - timedelta(days=SIMULATED_DAYS))
            while earlier < wanted:
                before = plan_reminders(session, now, team_id=team_id, day=earlier, keep_unreachable=True,
                                        assume_sent=frozenset(assumed))  # fmt: skip
                assumed |= {r.key for r in [*before.due, *before.unreachable, *before.held]}
                kept_after_sent(session, before.due, now)  # the agenda a notice told: rolled back below
                earlier += timedelta(days=1)
        plan = plan_reminders(
            session, now, team_id=team_id, day=wanted, keep_unreachable=True, assume_sent=frozenset(assumed)
        )
        text = describe(plan, wanted)
        session.rollback()
    print(text, file=out)
    return 0
