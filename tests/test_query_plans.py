"""No command's query scans a whole large table: every statement is explained on both databases.

Each command runs on the demo data while its SQL is captured; each statement is then explained
with the same parameters. SQLite: no `SCAN` of a large table (a `SEARCH` is bounded by an index).
PostgreSQL, with sequential scans priced out: every large table is reached through an index
condition. Small tables (workspaces, boards, documents, organisations) may be read whole.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import event

from bot.db import make_sessions
from commands import actions, agenda, kpi, nextmeeting
from tests.helpers import ask

LARGE = {
    "people",
    "memberships",
    "meetings",
    "agenda_items",
    "actions",
    "action_updates",
    "kpis",
    "kpi_values",
}

CASES = [
    (nextmeeting.run, "nextmeeting", "hwb"),
    (nextmeeting.run, "nextmeeting", "fps"),
    (agenda.run, "agenda", "hwb next"),
    (agenda.run, "agenda", "hwb last"),
    (agenda.run, "agenda", "fps 25/11/2019"),
    (agenda.run, "agenda", "fps 6 Oct"),
    (kpi.run, "kpi", "hwb"),
    (kpi.run, "kpi", "hwb reoffending"),
    (kpi.run, "kpi", "fps looked after children"),
    (actions.run, "actions", "fps"),
    (actions.run, "actions", "fps done"),
    (actions.run, "actions", "hwb overdue"),
    (actions.run, "actions", "fps FPS-12"),
    (actions.run, "actions", "hwb @kiran"),
]


def captured_statements(engine, run, command, text):
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        ask(engine, run, command, text)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def sqlite_full_scans(connection, statement, parameters) -> list[str]:
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    scans = []
    for row in rows:
        detail = row[-1]
        match = re.match(r"SCAN (\w+)", detail)
        if match and match.group(1) in LARGE:
            scans.append(detail)
    return scans


def postgres_full_scans(connection, statement, parameters) -> list[str]:
    connection.exec_driver_sql("SET enable_seqscan = off")
    plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    scans = []

    def walk(node, parent_cond=False):
        relation = node.get("Relation Name")
        kind = node["Node Type"]
        bounded = "Index Cond" in node or "Recheck Cond" in node or parent_cond
        if relation in LARGE and (kind == "Seq Scan" or not bounded):
            scans.append(f"{kind} on {relation}")
        for child in node.get("Plans", []):
            walk(child, parent_cond=kind == "Bitmap Heap Scan" and "Recheck Cond" in node)

    walk(plan[0]["Plan"])
    return scans


@pytest.mark.parametrize("run, command, text", CASES, ids=[f"/{c} {t}" for _, c, t in CASES])
def test_no_statement_scans_a_large_table(demo_db, run, command, text):
    statements = captured_statements(demo_db, run, command, text)
    assert statements
    problems = []
    with make_sessions(demo_db)() as session:
        connection = session.connection()
        explain = postgres_full_scans if demo_db.dialect.name == "postgresql" else sqlite_full_scans
        for statement, parameters in statements:
            for scan in explain(connection, statement, parameters):
                problems.append(f"{scan}\n  in: {' '.join(statement.split())[:400]}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_full_scan_when_there_is_one(demo_db):
    with make_sessions(demo_db)() as session:
        connection = session.connection()
        explain = postgres_full_scans if demo_db.dialect.name == "postgresql" else sqlite_full_scans
        assert explain(connection, "SELECT id FROM actions WHERE description = 'x'", ())
        assert not explain(connection, "SELECT id FROM actions WHERE board_id = 1 AND ref = 'A-1'", ())


def sqlite_sorted_index_ranges(connection, statement, parameters) -> list[str]:
    """Sorts of rows read from a range of an actions index (rows fetched by primary key are few)."""
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    ranges = {
        parent for _, parent, _, detail in rows if re.match(r"SEARCH actions USING (COVERING )?INDEX", detail)
    }
    return [
        f"sort under plan node {parent}"
        for _, parent, _, detail in rows
        if detail.startswith("USE TEMP B-TREE FOR ORDER BY") and parent in ranges
    ]


def postgres_sorted_index_ranges(connection, statement, parameters) -> list[str]:
    """Sort nodes over a range of actions by status with no Limit between: sorting a board's list."""
    connection.exec_driver_sql("SET enable_seqscan = off")
    connection.exec_driver_sql("SET enable_sort = off")  # a sort then appears only where unavoidable
    plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    found = []

    def unbounded_actions_scan(node) -> bool:
        if node["Node Type"] == "Limit":
            return False
        if node.get("Relation Name") == "actions":
            return "status" in node.get("Index Cond", "") + node.get("Filter", "")
        return any(unbounded_actions_scan(child) for child in node.get("Plans", []))

    def walk(node):
        if node["Node Type"] in ("Sort", "Incremental Sort") and any(
            unbounded_actions_scan(child) for child in node.get("Plans", [])
        ):
            found.append(f"{node['Node Type']} by {node.get('Sort Key')}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    connection.exec_driver_sql("RESET enable_sort")
    return found


@pytest.mark.parametrize("text", ["fps", "fps done", "hwb overdue", "fps cancelled"])
def test_a_page_of_actions_is_read_in_index_order(demo_db, text):
    """A list page reads at most offset + limit rows of each status, in index order: never sorts
    all of a board's open or done actions to show eight."""
    statements = [
        (statement, parameters)
        for statement, parameters in captured_statements(demo_db, actions.run, "actions", text)
        if "candidates" in statement
    ]
    assert len(statements) == 1
    with make_sessions(demo_db)() as session:
        connection = session.connection()
        check = (
            postgres_sorted_index_ranges
            if demo_db.dialect.name == "postgresql"
            else sqlite_sorted_index_ranges
        )
        assert check(connection, *statements[0]) == []


def test_the_check_sees_a_sorted_list_when_there_is_one(demo_db):
    sorted_list = (
        "SELECT id FROM actions WHERE board_id = 1 AND status IN ('open', 'blocked') "
        "ORDER BY due_on IS NULL, due_on, length(ref), ref LIMIT 8"
    )
    with make_sessions(demo_db)() as session:
        connection = session.connection()
        check = (
            postgres_sorted_index_ranges
            if demo_db.dialect.name == "postgresql"
            else sqlite_sorted_index_ranges
        )
        assert check(connection, sorted_list, ())
