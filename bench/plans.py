"""No hot statement reads a whole large table: EXPLAIN of what the commands really send, on large data.

    .venv/bin/python -m bench.plans --url sqlite:////tmp/large.db
    .venv/bin/python -m bench.plans --url postgresql+psycopg://…/large [--verbose]

Runs the slash commands of `bench.e2e` (and a few other ways in) through BoardBot's Bolt app in
this process, and a reminder run's decision, on a database made by `bench.generate`. Every SELECT
they send is captured with SQLAlchemy's `before_cursor_execute` event and explained with its own
parameters, as the planner sees the data: on SQLite a `SCAN` of a large table, on PostgreSQL a
sequential scan, or an index scan with no index condition, of one. Exits 1, listing each, if any.
A table counts as large when it is one of LARGE and holds at least `--min-rows` rows, so on small
data nothing is.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from datetime import datetime, timedelta

from slack_bolt import BoltRequest
from sqlalchemy import Connection, Engine, event, func, select

from bench.e2e import DEMO_NOW, DM, LARGE_NOW, SECRET, TOKEN, cases_for, signed_body, slack_stand_in
from bot import models as m
from bot.app import create_app
from bot.config import Settings
from bot.db import check_schema, make_engine, make_sessions
from reminders.run import plan_reminders

LARGE = (
    "people",
    "memberships",
    "meetings",
    "agenda_items",
    "actions",
    "action_updates",
    "kpis",
    "kpi_values",
)
# the oldest open due date: an ordered walk of the due-date index that stops at its first row
ALLOWED = [
    ("ORDER BY actions.due_on", "ix_actions_due_status"),
    ("ORDER BY coalesce(actions.due_on, actions.due_by)", "ix_actions_deadline_status"),
]


def large_tables(engine: Engine, min_rows: int) -> set[str]:
    with engine.connect() as connection:
        return {
            name
            for name in LARGE
            if connection.scalar(select(func.count()).select_from(m.Base.metadata.tables[name])) >= min_rows
        }


def sqlite_scans(connection: Connection, statement: str, parameters, large: set[str]) -> list[str]:
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return [row[-1] for row in rows if (found := re.match(r"SCAN (\w+)", row[-1])) and found[1] in large]


def postgres_scans(connection: Connection, statement: str, parameters, large: set[str]) -> list[str]:
    plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    scans: list[str] = []

    def walk(node: dict, bounded_above: bool = False) -> None:
        relation, kind = node.get("Relation Name"), node["Node Type"]
        bounded = "Index Cond" in node or "Recheck Cond" in node or bounded_above
        if relation in large and (kind == "Seq Scan" or not bounded):
            scans.append(
                f"{kind} on {relation}" + (f" using {node['Index Name']}" if "Index Name" in node else "")
            )
        for child in node.get("Plans", []):
            walk(child, kind == "Bitmap Heap Scan" and "Recheck Cond" in node)

    walk(plan[0]["Plan"])
    return scans


def whole_scans(connection: Connection, statement: str, parameters, large: set[str]) -> list[str]:
    explain = postgres_scans if connection.dialect.name == "postgresql" else sqlite_scans
    flat = " ".join(statement.split())
    return [
        scan
        for scan in explain(connection, statement, parameters, large)
        if not any(marker in flat and index in scan for marker, index in ALLOWED)
    ]


def asks(url: str, team: str | None) -> tuple[str, list[tuple[str, str, str]]]:
    """(command, text, channel): the benchmark's cases on two boards, and other ways in."""
    team, cases = cases_for(url, team, 2)
    listed = [(case.command, text, channel) for case in cases for text, channel in case.asks]
    text, channel = cases[0].asks[0]  # the first board's, in its channel or named in a DM
    key = f"{text} " if text else ""
    return team, [
        *listed,
        ("/nextmeeting", "", DM),  # no board named: the asker's boards
        ("/agenda", f"{key}3 Aug 2026", channel),  # no meeting that day: the nearest
        ("/agenda", f"{key}31 Feb", channel),
        ("/kpi", f"{key}reoffending rate", channel),
        ("/kpi", f"{key}zebra crossings", channel),  # nothing matches: suggestions
        ("/actions", f"{key}cancelled", channel),
        ("/actions", f"{key}open", channel),
        ("/actions", f"{key}A-999999", channel),  # no such action: the nearest references
    ]


def dispatch(app, command: str, text: str, team: str, channel: str) -> None:
    body, headers = signed_body(command, text, channel, team)
    response = app.dispatch(
        BoltRequest(body=body.decode(), headers={k.lower(): [v] for k, v in headers.items()})
    )
    if response.status != 200:
        raise SystemExit(f"{command} {text}: HTTP {response.status}: {response.body[:300]}")


def captured(engine: Engine, run) -> list[tuple[str, object]]:
    """The SELECTs `run()` sends, with their parameters as the driver gets them."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip(" \n(").upper().startswith(("SELECT", "WITH")):  # a UNION starts with "("
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.plans",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", required=True, help="a database made by bench.generate")
    parser.add_argument("--team", help="workspace team id (default: the one with most boards)")
    parser.add_argument("--min-rows", type=int, default=10_000, help="rows from which a LARGE table counts")
    parser.add_argument("--now", help=f"the bot's clock (default {LARGE_NOW} for TBENCH, else {DEMO_NOW})")
    parser.add_argument("--verbose", action="store_true", help="print every statement explained")
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    check_schema(engine)
    large = large_tables(engine, args.min_rows)
    team, ways_in = asks(args.url, args.team)
    now = datetime.fromisoformat(args.now or (LARGE_NOW if team == "TBENCH" else DEMO_NOW))
    stand_in = slack_stand_in()
    api_url = stand_in.api_url
    settings = Settings(
        database_url=args.url,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        now=now,
    )
    sessions = make_sessions(engine)
    app = create_app(settings, sessions)
    statements: dict[str, tuple[str, object]] = {}  # each distinct statement once, first ask's values
    try:
        for command, text, channel in ways_in:
            ask = functools.partial(dispatch, app, command, text, team, channel)
            for statement, parameters in captured(engine, ask):
                statements.setdefault(statement, (f"{command} {text}".strip(), parameters))

        def decide() -> None:
            with sessions() as session:
                plan_reminders(session, now + timedelta(days=1), team_id=team)
                session.rollback()

        for statement, parameters in captured(engine, decide):
            statements.setdefault(statement, ("reminders: deciding what is due", parameters))
    finally:
        stand_in.close()
    problems = []
    with engine.connect() as connection:
        for statement, (asked, parameters) in statements.items():
            flat = " ".join(statement.split())
            scans = whole_scans(connection, statement, parameters, large)
            if args.verbose:
                print(f"{asked}: {flat[:200]}\n  {'; '.join(scans) or 'no whole scan of a large table'}")
            problems += [f"{asked}: {scan}\n  in: {flat[:400]}" for scan in scans]
        connection.rollback()
    engine.dispose()
    print(
        f"{engine.dialect.name}: {len(statements)} distinct statements from {len(ways_in)} asks and a "
        f"reminder run, explained; large tables (>= {args.min_rows:,} rows): {', '.join(sorted(large)) or 'none'}"
    )
    if problems:
        print(f"{len(problems)} whole scans of large tables:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    print("no statement scans a whole large table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
