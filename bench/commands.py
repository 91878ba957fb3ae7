"""Server-side time of each slash command through the whole Bolt stack, against a bare Bolt app.

    .venv/bin/python -m bench.commands --url sqlite:////tmp/bench.db --team TBENCH
    .venv/bin/python -m bench.commands --demo            # loads data/demo into a temporary SQLite file

Both apps get the same signed HTTP requests (`process_before_response=True`, signature checks on),
dispatched in this one process, round by round in turn; the bare app only acks. Reported: median
and p99 per command in milliseconds, the difference from the bare app, and the process's peak RSS.
Times are for reading, not for asserting: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select

from bot import models as m
from bot.app import COMMANDS, create_app, settle
from bot.config import Settings
from bot.console import Outbox, start_stand_in
from bot.db import check_schema, make_engine, make_sessions, upgrade

SECRET = "bench-secret"
ROOT = Path(__file__).resolve().parent.parent


def signed(command: str, text: str, team: str, user: str, channel: str) -> BoltRequest:
    body = urlencode(
        {
            "command": command,
            "text": text,
            "team_id": team,
            "user_id": user,
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1",
        }
    )
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    headers = {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-request-timestamp": [timestamp],
        "x-slack-signature": [signature],
    }
    return BoltRequest(body=body, headers=headers)


def bare_app(api_url: str) -> App:
    app = App(
        client=WebClient(token="xoxb-bench", base_url=api_url),
        signing_secret=SECRET,
        process_before_response=True,
        token_verification_enabled=False,
    )
    for command in COMMANDS:
        app.command(f"/{command.name}")(lambda ack: ack())
    return app


def scenarios(session, team: str, sample: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(label, command, text, channel) cases over a sample of the workspace's boards."""
    boards = list(session.scalars(select(m.Board).join(m.Workspace).where(m.Workspace.team_id == team)))
    rng.shuffle(boards)
    cases = []
    for board in boards[:sample]:
        ref = session.scalar(select(m.Action.ref).where(m.Action.board_id == board.id).limit(1)) or "A-1"
        # by key, as SQLite's (board, key) index gave it unordered: the words, and so the figures,
        # of earlier rounds, whatever index a database would choose
        first_kpi = select(m.Kpi.name).where(m.Kpi.board_id == board.id).order_by(m.Kpi.key).limit(1)
        kpi = session.scalar(first_kpi) or "rate"
        word = kpi.split()[0]
        channel = board.slack_channel or "DBENCH"
        text = "" if board.slack_channel else board.key
        cases += [
            ("/nextmeeting", "/nextmeeting", text, channel),
            ("/agenda next", "/agenda", f"{text} next".strip(), channel),
            ("/agenda last", "/agenda", f"{text} last".strip(), channel),
            ("/kpi", "/kpi", text, channel),
            ("/kpi words", "/kpi", f"{text} {word}".strip(), channel),
            ("/actions", "/actions", text, channel),
            ("/actions overdue", "/actions", f"{text} overdue".strip(), channel),
            ("/actions done", "/actions", f"{text} done".strip(), channel),
            ("/actions ref", "/actions", f"{text} {ref}".strip(), channel),
            ("/boardbot help", "/boardbot", "help", channel),
        ]
    return cases


def measure(app: App, requests: list[tuple[str, BoltRequest]], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for label, request in requests:
            start = time.perf_counter_ns()
            response = app.dispatch(request)
            elapsed = (time.perf_counter_ns() - start) / 1e6
            if response.status != 200:
                raise SystemExit(f"{label} answered {response.status}: {response.body[:300]}")
            times.setdefault(label, []).append(elapsed)
    return times


def interleaved(
    app: App, bare: App, requests: list[tuple[str, BoltRequest]], rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Both apps measured round by round, turn about: this machine's speed drifts within minutes,
    and two phases one after the other would give the bare app a different machine."""
    ours: dict[str, list[float]] = {}
    baseline: dict[str, list[float]] = {}
    for _ in range(rounds):
        for times, target in ((ours, app), (baseline, bare)):
            for label, values in measure(target, requests, 1).items():
                times.setdefault(label, []).extend(values)
    return ours, baseline


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="database URL (already migrated and filled)")
    parser.add_argument(
        "--demo", action="store_true", help="measure on the demo data in a temporary SQLite file"
    )
    parser.add_argument("--team", default="local", help="workspace team id (TBENCH for bench.generate data)")
    parser.add_argument("--now", default="2026-11-22T09:00:00+00:00", help="the bot's pinned clock")
    parser.add_argument("--boards", type=int, default=20, help="boards sampled")
    parser.add_argument("--rounds", type=int, default=30, help="passes over every case")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.demo:
        from bot.boarddata import load_files

        scratch = tempfile.TemporaryDirectory()  # removed at the end of the run
        url = f"sqlite:///{scratch.name}/demo.db"
        engine = make_engine(url)
        upgrade(engine)
        with make_sessions(engine).begin() as session:
            load_files(
                session,
                sorted(str(p) for p in (ROOT / "data" / "demo").glob("*.yaml")),
                now=datetime.now(UTC),
            )
        args.now = "2023-09-01T09:00:00+01:00" if args.now == parser.get_default("now") else args.now
    elif args.url:
        engine = make_engine(args.url)
        check_schema(engine)
    else:
        parser.error("give --url or --demo")
    sessions = make_sessions(engine)
    stand_in = start_stand_in(Outbox())  # answers Bolt's one auth.test: nothing here reaches Slack
    settings = Settings(
        database_url=str(engine.url),
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=f"http://127.0.0.1:{stand_in.server_address[1]}/api/",
        now=datetime.fromisoformat(args.now),
    )
    with sessions() as session:
        cases = scenarios(session, args.team, args.boards, random.Random(1))
    if not cases:
        raise SystemExit(f"no boards in workspace {args.team!r}")
    requests = [
        (label, signed(command, text, args.team, "UBENCH", channel))
        for label, command, text, channel in cases
    ]
    app, bare = create_app(settings, sessions), bare_app(settings.slack_api_url)
    settle()  # as the servers do once their app is built
    measure(app, requests, 1)  # warm up: every statement shape compiled and prepared, every template
    measure(bare, requests, 1)
    ours, baseline = interleaved(app, bare, requests, args.rounds)
    bare_all = [t for values in baseline.values() for t in values]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"database: {engine.url.render_as_string(hide_password=True)}  workspace: {args.team}  "
        f"boards sampled: {args.boards}  rounds: {args.rounds}"
    )
    print(
        f"bare Bolt app (ack only): median {statistics.median(bare_all):.3f} ms, p99 {p99(bare_all):.3f} ms"
    )
    print(f"{'command':<20}{'n':>6}{'median ms':>12}{'p99 ms':>10}{'p99 - bare p99':>16}")
    results = {
        "database": engine.dialect.name,
        "team": args.team,
        "peak_rss_mb": round(rss_mb, 1),
        "bare": {"median_ms": statistics.median(bare_all), "p99_ms": p99(bare_all)},
        "commands": {},
    }
    for label, values in ours.items():
        row = {
            "n": len(values),
            "median_ms": statistics.median(values),
            "p99_ms": p99(values),
            "p99_over_bare_ms": p99(values) - p99(baseline[label]),
        }
        results["commands"][label] = row
        print(
            f"{label:<20}{row['n']:>6}{row['median_ms']:>12.3f}{row['p99_ms']:>10.3f}{row['p99_over_bare_ms']:>16.3f}"
        )
    print(f"peak RSS of this process: {rss_mb:.0f} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    engine.dispose()
    stand_in.shutdown()
    if args.demo:
        scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
