"""Reminder runs over the large generated data set: deciding what is due, and delivering it.

    .venv/bin/python -m bench.reminders --url sqlite:////tmp/bench.db [--team TBENCH]
    .venv/bin/python -m bench.reminders --url postgresql+psycopg://user@host/bench

Needs a database made by `python -m bench.generate` (it is upgraded to the current schema first).
It WRITES to the reminder tables: the delivery ledger is emptied at the start and at the end.

1. Deciding, cold: one run's decision (bot data read, reminders derived, ledger checked) for each
   day of the week of 2026-11-23 at 09:05 London time with an empty ledger, so every day also
   catches up the day before it; best of three.
2. A week in the life: a full run each working day from Friday 20 November, delivering to a fake
   Slack on loopback, so each day starts with the day before delivered (as in production). Reports
   the decision time, what was due, messages, and delivery throughput; then a second run the same
   day, which finds everything settled.
3. Throughput under rate limits: Monday's messages again (ledger emptied), with every Nth
   chat.postMessage answered 429 and Retry-After: 1 (slept for real, as Slack asks).

Times are for reading, not for asserting.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, func, select

from bot import models as m
from bot.config import Settings, normalise_database_url
from bot.db import make_engine, make_sessions, upgrade
from bot.slack.fake import FakeSlack, Scripted
from reminders.delivery import Sender, make_client
from reminders.run import deliver_message, plan_reminders

LONDON = ZoneInfo("Europe/London")
WEEK = [date(2026, 11, 22) + timedelta(days=n) for n in range(6)]  # Sunday 22 to Friday 27 November


def at_nine(day: date) -> datetime:
    return datetime.combine(day, clock_time(9, 5), LONDON).astimezone(UTC)


def stand_in(every_429: int = 0, retry_after: int = 1, calls: int = 0) -> FakeSlack:
    """The fake Slack Web API, answering 429 (Retry-After) to every Nth chat.postMessage of the
    first `calls` when asked."""
    fake = FakeSlack()
    if every_429:
        limited = Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
        cycle = [Scripted()] * (every_429 - 1) + [limited]
        fake.script("chat.postMessage", *cycle * (calls // every_429 + 1))
    return fake


@dataclass
class Delivered:
    due: int
    messages: int
    decide: float
    send: float
    retried: int = 0

    @property
    def per_second(self) -> float:
        return self.messages / self.send if self.send else 0.0


def empty_ledger(engine: Engine) -> None:
    with make_sessions(engine).begin() as session:
        session.execute(delete(m.ReminderDelivery))
        session.execute(delete(m.ReminderSnooze))


def decide(engine: Engine, now: datetime, team: str):
    with make_sessions(engine)() as session:
        started = time.perf_counter()
        plan = plan_reminders(session, now, team_id=team)
        return plan, time.perf_counter() - started


def deliver(engine: Engine, fake: FakeSlack, now: datetime, team: str, limit: int | None = None) -> Delivered:
    """One run as the clock makes it, optionally stopping after `limit` messages."""
    sessions = make_sessions(engine)
    plan, seconds = decide(engine, now, team)
    sender = Sender(make_client(Settings(slack_bot_token="xoxb-bench"), base_url=fake.api_url))
    messages = plan.messages[:limit] if limit else plan.messages
    sent = 0
    started = time.perf_counter()
    for message in messages:
        outcome, _claimed, _delivered = deliver_message(sessions, sender, message, run_id="bench", now=now)
        sent += outcome is not None and outcome.status == "sent"
    return Delivered(len(plan.due), sent, seconds, time.perf_counter() - started)


def table_sizes(engine: Engine) -> str:
    with engine.connect() as connection:
        counts = {
            t.__tablename__: connection.scalar(select(func.count()).select_from(t))
            for t in (m.Action, m.AgendaItem, m.Meeting, m.Person, m.Board)
        }
    return ", ".join(f"{name} {count:,}" for name, count in counts.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="a database made by bench.generate")
    parser.add_argument("--team", default="TBENCH", help="the workspace whose boards are reminded")
    parser.add_argument("--every-429", type=int, default=25, help="answer every Nth post with a 429")
    parser.add_argument("--retry-after", type=int, default=1, help="seconds the 429s ask to wait")
    parser.add_argument("--messages", type=int, default=500, help="messages sent in the 429 comparison")
    args = parser.parse_args(argv)
    engine = make_engine(normalise_database_url(args.url))
    try:
        upgrade(engine)
        empty_ledger(engine)
        print(f"{engine.url.render_as_string(hide_password=True)}: {table_sizes(engine)}")

        print(
            "\n1. Deciding what is due, cold (empty ledger: each day also catches up the one before), best of 3"
        )
        print(
            f"{'day':<16}{'due':>8}{'unreachable':>13}{'messages':>10}{'seconds':>10}{'ms per 1,000 due':>18}"
        )
        for day in WEEK:
            runs = [decide(engine, at_nine(day), args.team) for _ in range(3)]
            plan, seconds = runs[0][0], min(s for _, s in runs)
            per = seconds * 1e6 / len(plan.due) if plan.due else 0
            print(f"{day:%a %d %b %Y}  {len(plan.due):>8,}{plan.unreachable_count:>13,}{len(plan.messages):>10,}"
                  f"{seconds:>10.3f}{per:>18.1f}")  # fmt: skip

        print("\n2. A week in the life: a full run each working day (the day before already delivered)")
        print(f"{'day':<16}{'due':>8}{'messages':>10}{'decide s':>10}{'send s':>9}{'msg/s':>8}{'again s':>9}")
        fake = stand_in()
        try:
            empty_ledger(engine)
            deliver(engine, fake, at_nine(date(2026, 11, 20)), args.team)  # Friday: the week starts warm
            for day in WEEK[1:]:
                run = deliver(engine, fake, at_nine(day), args.team)
                again_plan, again = decide(engine, at_nine(day) + timedelta(minutes=5), args.team)
                assert not again_plan.due, "a second run the same day found something to send"
                print(f"{day:%a %d %b %Y}  {run.due:>8,}{run.messages:>10,}{run.decide:>10.3f}{run.send:>9.2f}"
                      f"{run.per_second:>8.0f}{again:>9.3f}")  # fmt: skip
        finally:
            fake.close()

        print(f"\n3. Delivery throughput, {args.messages} messages of Monday's run")
        for every in (0, args.every_429):
            empty_ledger(engine)
            fake = stand_in(every, args.retry_after, calls=2 * args.messages)
            try:
                run = deliver(engine, fake, at_nine(WEEK[1]), args.team, limit=args.messages)
            finally:
                fake.close()
            label = f"429 every {every} (Retry-After {args.retry_after} s)" if every else "no 429s"
            limited = len(fake.calls_to("chat.postMessage")) - run.messages
            waits = f" ({limited} answered 429, each waited out and retried)" if every else ""
            print(
                f"  {label:<34} {run.messages} messages in {run.send:.2f} s: {run.per_second:.0f} msg/s{waits}"
            )
    finally:
        empty_ledger(engine)
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
