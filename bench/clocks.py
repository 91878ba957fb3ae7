"""The Monday 09:00 reminder run of the large data, spread over many workspaces, on 1, 2 or 4 clocks.

    .venv/bin/python -m bench.clocks --url postgresql+psycopg://…/large [--rtt 0.25] [--clocks 1 2 4]
        [--workspaces 22] [--kill]

Needs a PostgreSQL database made by `python -m bench.generate` (scale 1.0). It WRITES: boards are
moved into `--workspaces` workspaces (one holding a quarter of them, the rest shared out), and the
delivery ledger is emptied before each run. Slack is bench/limited_slack.py on loopback (a round
trip, per-workspace and per-conversation limits with 429 and Retry-After, random 5xx and timeouts).
Each clock is a process of its own running `reminders.run.run_reminders` at Monday 23 November
2026 09:00 London with each workspace's own token; they start together. When the run is over, one
catch-up run five minutes later (as the clock's next run would be) sends what Slack's 5xx and
timeouts left. With `--kill`, two clocks run and one is killed (SIGKILL) when half the messages
are in; the 09:15 run, the first after all its leases have run out, takes its claims over (looking
in Slack's history first).

Reported per run: messages per second, time until the last message, the last message's delay after
09:00, and checks: duplicates (a ledger row carried by two accepted messages), lost (a due reminder
not in any accepted message), limit violations (the fake's own count). Times are for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, func, select, update

from bench.limited_slack import LimitedSlack, Shape
from bot import models as m
from bot.config import Settings, normalise_database_url
from bot.db import make_engine, make_sessions, upgrade
from reminders.delivery import Policy, Sender, make_client
from reminders.limits import Limits
from reminders.run import plan_reminders, run_reminders

LONDON = ZoneInfo("Europe/London")
MONDAY_NINE = datetime.combine(date(2026, 11, 23), clock_time(9, 0), LONDON).astimezone(UTC)
LEASE = timedelta(minutes=10)
CATCH_UPS = 4  # next runs at most after the measured one (each sends what 5xx and timeouts left)
TIMEOUT = 2  # seconds the bench's clients wait for Slack (the fake's timeouts take longer)


def spread(engine: Engine, workspaces: int) -> dict[str, int]:
    """Move the boards into `workspaces` workspaces: the first holds a quarter, the rest share out."""
    with make_sessions(engine).begin() as session:
        teams = [f"TW{n:02d}" for n in range(workspaces)]
        ids = {}
        for team in teams:
            found = session.scalar(select(m.Workspace).where(m.Workspace.team_id == team))
            if found is None:
                found = m.Workspace(team_id=team, name=f"Council {team}")
                session.add(found)
                session.flush()
            ids[team] = found.id
        boards = list(session.scalars(select(m.Board.id).order_by(m.Board.id)))
        big = len(boards) // 4
        for number, board_id in enumerate(boards):
            team = teams[0] if number < big else teams[1 + number % (workspaces - 1)]
            session.execute(update(m.Board).where(m.Board.id == board_id).values(workspace_id=ids[team]))
        rows = session.execute(
            select(m.Workspace.team_id, func.count(m.Board.id))
            .join(m.Board.workspace)
            .group_by(m.Workspace.team_id)
        )
        return {team: count for team, count in rows}


def empty_ledger(engine: Engine) -> None:
    with make_sessions(engine).begin() as session:
        session.execute(delete(m.ReminderDelivery))


def clock(url: str, api_url: str, now: datetime, run_id: str, workers: int, batch: int, posts: float) -> None:
    """One clock process: one run, its result as a JSON line on stdout."""
    engine = make_engine(url)
    limits = Limits.posting(posts)
    made: dict[str, Sender] = {}

    def sender(team: str) -> Sender:
        if team not in made:
            client = make_client(Settings(slack_bot_token=f"xoxb-{team}"), base_url=api_url, timeout=TIMEOUT)
            made[team] = Sender(client, Policy(timeout=TIMEOUT), limits=limits, team=team)
        return made[team]

    started = time.perf_counter()
    result = run_reminders(make_sessions(engine), sender, now=now, run_id=run_id, lease=LEASE,
                           cutoff=timedelta(minutes=5), workers=workers, batch=batch)  # fmt: skip
    print(json.dumps({"run": run_id, "due": result.due, "delivered": result.delivered, "messages": result.messages,
                      "pending": result.pending, "elsewhere": result.elsewhere, "decide": result.decide_seconds,
                      "seconds": time.perf_counter() - started, "cpu": time.process_time()}), flush=True)  # fmt: skip


def start_clocks(args, fake: LimitedSlack, count: int, now: datetime, tag: str) -> list[subprocess.Popen]:
    posts = args.posts  # one clock at a time reminds a workspace (reminders/turns.py)
    command = [sys.executable, "-m", "bench.clocks", "--url", args.url, "--as-clock", fake.api_url, now.isoformat(),
               "--workers", str(args.workers), "--batch", str(args.batch), "--posts", str(posts)]  # fmt: skip
    return [
        subprocess.Popen([*command, "--run-id", f"{tag}-{n}"], stdout=subprocess.PIPE, text=True)
        for n in range(count)
    ]


def results(processes: list[subprocess.Popen]) -> list[dict]:
    found = []
    for process in processes:
        out, _ = process.communicate(timeout=900)
        found += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return found


def check(engine: Engine, fake: LimitedSlack, due: int) -> dict[str, int]:
    with make_sessions(engine)() as session:
        rows = {
            i: status
            for i, status in session.execute(select(m.ReminderDelivery.id, m.ReminderDelivery.status))
        }
    sent = {i for i, status in rows.items() if status == "sent"}
    return {
        "rows": len(rows),
        "sent": len(sent),
        "duplicates": sum(n - 1 for n in fake.delivered.values() if n > 1),
        "lost": due - len(sent & set(fake.delivered)),
        "not_in_ledger": len(set(fake.delivered) - set(rows)),
        "violations": sum(fake.counts.over_limit.values()) + sum(fake.counts.during_retry_after.values()),
    }


def one_run(args, engine: Engine, clocks: int, due: int, messages: int, kill: bool) -> dict:
    empty_ledger(engine)
    fake = LimitedSlack(Shape(rtt=args.rtt, post_rate=args.slack_posts, seed=args.seed))
    try:
        began = time.monotonic()
        processes = start_clocks(args, fake, clocks, MONDAY_NINE, "clock")
        killed = None
        if kill:
            while fake.counts.accepted < messages // 2 and processes[0].poll() is None:
                time.sleep(0.05)
            processes[0].send_signal(signal.SIGKILL)
            killed = fake.counts.accepted
        first = results(processes)
        last_at = fake.counts.last_at
        team_last_at, by_team = dict(fake.counts.team_last_at), dict(fake.counts.by_team)
        team_first_at = dict(fake.counts.team_first_at)
        accepted_first = fake.counts.accepted
        # the clock's next run, five minutes on; with a clock killed, the first run after all its
        # claims' leases have run out (it claimed within the first 5 minutes): 09:15
        later = MONDAY_NINE + (LEASE + timedelta(minutes=5) if kill else timedelta(minutes=5))
        catch_up: list[dict] = []
        for run in range(CATCH_UPS):  # the next runs, five minutes apart, while any is left pending
            fake.time_passes()  # the bench does not wait those minutes: Slack's buckets drain in them
            catch_up += results(start_clocks(args, fake, 1, later + timedelta(minutes=5 * run), f"next{run}"))
            if not catch_up[-1]["pending"]:
                break
        checks = check(engine, fake, due)
        counts = fake.counts
    finally:
        fake.close()
    span = max(last_at - began, 1e-9)
    return {
        "clocks": clocks, "rtt": args.rtt, "killed_at": killed, "messages_first": accepted_first,
        "per_second": accepted_first / span, "last_after_start": span,
        "delay_after_nine": span,  # the clocks start at 09:00:00 (their pinned now)
        "first_run": first, "catch_up": catch_up, **checks,
        "over_limit": dict(counts.over_limit), "during_retry_after": dict(counts.during_retry_after), "in_flight_429": dict(counts.in_flight),
        "slowest_workspaces": sorted(((round(at - began, 1), round(team_first_at[team] - began, 1), team,
                                       by_team[team]) for team, at in team_last_at.items()), reverse=True)[:3],
        "ignored_retry_after": [(round(at - began, 2), team, method, round(told - began, 2), round(until - began, 2))
                                for at, team, method, told, until in counts.ignored[:8]],
        "injected_429": counts.injected_429, "errors_5xx": counts.errors_5xx, "timeouts": counts.timeouts,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clocks", description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="a PostgreSQL database made by bench.generate")
    parser.add_argument("--rtt", type=float, default=0.25, help="the fake's round trip in seconds")
    parser.add_argument("--clocks", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--workspaces", type=int, default=22)
    parser.add_argument("--workers", type=int, default=32, help="threads per clock (REMINDER_WORKERS)")
    parser.add_argument("--batch", type=int, default=32, help="messages claimed at once (REMINDER_BATCH)")
    parser.add_argument(
        "--posts", type=float, default=10.0, help="posts/s per workspace (REMINDER_POSTS_PER_SECOND)"
    )
    parser.add_argument("--slack-posts", type=float, default=10.0, help="the fake's posts/s per workspace")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--kill", action="store_true", help="also: two clocks, one killed half-way")
    parser.add_argument("--as-clock", nargs=2, metavar=("API_URL", "NOW"), help=argparse.SUPPRESS)
    parser.add_argument("--run-id", default="clock", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.url = normalise_database_url(args.url)
    if args.as_clock:
        api_url, now = args.as_clock
        clock(
            args.url, api_url, datetime.fromisoformat(now), args.run_id, args.workers, args.batch, args.posts
        )
        return 0
    engine = make_engine(args.url)
    upgrade(engine)
    print("boards per workspace:", spread(engine, args.workspaces), flush=True)
    empty_ledger(engine)
    with make_sessions(engine)() as session:
        plan = plan_reminders(session, MONDAY_NINE)
    due, messages = len(plan.due), len(plan.messages)
    print(
        f"Monday 09:00: {due:,} reminders due in {messages:,} messages; cores: {os.cpu_count()}", flush=True
    )
    for clocks, kill in [*((n, False) for n in args.clocks), *([(2, True)] if args.kill else [])]:
        print(json.dumps(one_run(args, engine, clocks, due, messages, kill)), flush=True)
    empty_ledger(engine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
