"""Deciding what is due reads indexed ranges only: no statement scans a large table, on either database.

The same check as tests/test_query_plans.py, over every SELECT of a run that finds papers, actions,
escalations, digests and notices due. One statement is allowed an ordered index scan: the oldest
open due date, read from the due-date index and stopping at the first open action (LIMIT 1).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event

from bot import models as m
from bot.db import make_sessions
from reminders import ledger
from reminders.run import plan_reminders
from tests.reminders.world import TEAM, at_local
from tests.test_query_plans import LARGE, postgres_full_scans, sqlite_full_scans

D = date.fromisoformat
REMINDER_TABLES = {"reminder_deliveries", "reminder_snoozes", "reminder_preferences"}


def test_deciding_what_is_due_scans_no_large_table(world):
    meeting = world.add_meeting(D("2026-12-10"))
    world.add_item(meeting, "4", "Youth justice plan", author="amy-author")
    world.add_item(meeting, "5", "Stated deadline", author="olly-offline", paper_due_on=D("2026-11-30"))
    world.add_action("A-1", D("2026-12-01"), lead="leo-lead")
    world.add_action("A-2", D("2026-11-17"), lead="olly-offline")
    world.add_action("A-3", D("2026-11-03"), lead="leo-lead")
    world.add_action("A-4", None, lead="leo-lead", timescale="Spring 2027")
    with world.session() as s:
        ledger.snooze(s, world.people["leo-lead"], "action", 1, D("2026-11-27"), datetime.now(UTC))
        ledger.set_delivery(s, world.people["leo-lead"], m.DeliveryPreference.DAILY, datetime.now(UTC))
    now = at_local(D("2026-12-01"))
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = world.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        with make_sessions(engine)() as session:
            plan = plan_reminders(session, now, team_id=TEAM)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert {r.kind for r in plan.due} >= {
        "paper",
        "papers_digest",
        "action",
        "action_escalation",
        "vague_actions",
    }
    assert len(seen) >= 8

    problems = []
    with make_sessions(engine)() as session:
        connection = session.connection()
        explain = postgres_full_scans if engine.dialect.name == "postgresql" else sqlite_full_scans
        for statement, parameters in seen:
            flat = " ".join(statement.split())
            oldest_due = "ORDER BY actions.due_on LIMIT" in flat
            for scan in explain(connection, statement, parameters):
                if oldest_due and "INDEX ix_actions_due_status" in scan:
                    continue
                problems.append(f"{scan}\n  in: {flat[:400]}")
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                for row in rows:
                    words = row[-1].split()
                    if words[:1] == ["SCAN"] and words[1] in REMINDER_TABLES:
                        problems.append(f"{row[-1]}\n  in: {flat[:400]}")
    assert not problems, "\n".join(problems)
    assert LARGE  # the shared list of large tables is the one checked
