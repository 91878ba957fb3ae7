"""No command's query scans a whole large table: every statement is explained on both databases.

The commands run on a database made by `bench.generate` at a scale where each board has the
benchmark's own sizes (100 meetings, 1,000 agenda items, 2,500 actions, 50 KPIs with 10,000
values) and the planner has statistics; their SQL is captured and each statement explained with
the same parameters. SQLite: no `SCAN` of a large table (a `SEARCH` is bounded by an index).
PostgreSQL, with sequential scans, hash and merge joins priced out (at full size a page is joined
to a large table by index lookups): every large table is reached through an index condition.
Small tables (workspaces, boards, documents, organisations) may be read whole.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.sql.cache_key import HasCacheKey

from bench.commands import scenarios
from bench.generate import main as generate
from bench.synth import NOW
from bot import models as m
from bot.app import COMMANDS
from bot.db import make_engine, make_sessions
from bot.held import forget_everything
from tests.helpers import ask

SCALE = 0.01  # two boards in TBENCH, each of the full benchmark's size: about 43,000 rows
TEAM = "TBENCH"
BENCH_NOW = datetime.combine(NOW, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
RUNS = {command.name: command.run for command in COMMANDS}

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


@pytest.fixture(scope="module")
def scaled_db(backend):
    url = backend.fresh_url()
    assert generate(["--url", url, "--scale", str(SCALE)]) == 0
    engine = make_engine(url)
    yield engine
    engine.dispose()


def cases(engine) -> list[tuple[str, str, str]]:
    """(command, text, channel): the benchmark's cases on one board, and the other ways in."""
    with make_sessions(engine)() as session:
        listed = [
            (command, text, channel)
            for _, command, text, channel in scenarios(session, TEAM, 1, random.Random(1))
        ]
        board = session.scalar(select(m.Board).where(m.Board.slack_channel == listed[0][2]))
        lead = session.scalar(
            select(m.Person)
            .join(m.Action, m.Action.lead_id == m.Person.id)
            .where(m.Action.board_id == board.id)
            .limit(1)
        )
        met = session.scalar(select(m.Meeting.meets_on).where(m.Meeting.board_id == board.id).limit(1))
    channel, key = board.slack_channel, board.key
    return [
        *[(command.lstrip("/"), text, channel) for command, text, channel in listed],
        ("nextmeeting", key, "DDIRECT"),
        ("agenda", f"{met:%d/%m/%Y}", channel),
        ("agenda", "31 Feb", channel),  # no such day: the nearest meetings
        ("agenda", "3 Aug 2026", channel),  # no meeting that day: the nearest meetings
        ("kpi", "reoffending rate", channel),
        ("kpi", "zebra crossings", channel),  # nothing matches: suggestions
        ("actions", f"@{lead.key}", channel),
        ("actions", f"{lead.name} overdue", channel),
        ("actions", "cancelled", channel),
        ("actions", "A-999999", channel),  # no such action: the nearest references
        ("actions", f"{key} A-1", "DDIRECT"),
    ]


def ask_as_in_bench(engine, command: str, text: str, channel: str):
    return ask(
        engine,
        RUNS[command],
        command,
        text,
        now=BENCH_NOW,
        team_id=TEAM,
        user_id="UBENCH",
        channel_id=channel,
        dm=channel.startswith("D"),
    )


def captured_statements(engine, command: str, text: str, channel: str) -> list[tuple[str, object]]:
    """The SELECTs a command sends, with nothing held from an earlier ask (bot/held.py)."""
    seen: list[tuple[str, object]] = []
    forget_everything()

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        ask_as_in_bench(engine, command, text, channel)
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
    # The demo tables are tiny, so PostgreSQL would happily hash or merge whole tables; at scale it
    # joins a page to a large table by index lookups. Price out what only small tables make cheap.
    for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
        connection.exec_driver_sql(f"SET {setting} = off")
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


def test_no_statement_scans_a_large_table(scaled_db):
    problems = []
    with make_sessions(scaled_db)() as session:
        connection = session.connection()
        explain = postgres_full_scans if scaled_db.dialect.name == "postgresql" else sqlite_full_scans
        for command, text, channel in cases(scaled_db):
            statements = captured_statements(scaled_db, command, text, channel)
            assert statements or command == "boardbot", (command, text)
            for statement, parameters in statements:
                for scan in explain(connection, statement, parameters):
                    problems.append(f"/{command} {text}: {scan}\n  in: {' '.join(statement.split())[:400]}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_full_scan_when_there_is_one(scaled_db):
    with make_sessions(scaled_db)() as session:
        connection = session.connection()
        explain = postgres_full_scans if scaled_db.dialect.name == "postgresql" else sqlite_full_scans
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
        if node["Node Type"] in ("Limit", "Aggregate"):  # a page, or a count: not the rows themselves
            return False
        if node.get("Relation Name") == "actions":
            conditions = [node.get(key, "") for key in ("Index Cond", "Recheck Cond", "Filter")]
            return any("status" in condition for condition in conditions)
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


def sorted_list_reads(connection, statement, parameters) -> list[str]:
    postgresql = connection.dialect.name == "postgresql"
    check = postgres_sorted_index_ranges if postgresql else sqlite_sorted_index_ranges
    return check(connection, statement, parameters)


def findings(engine, command: str, words: str, marker: str, check) -> list[str]:
    """What `check` finds in each statement that `/command words` (in the board's channel) sends
    and that contains `marker`."""
    channel = next(channel for name, _, channel in cases(engine) if name == command)
    statements = [
        (statement, parameters)
        for statement, parameters in captured_statements(engine, command, words, channel)
        if marker in statement
    ]
    assert statements, f"/{command} {words} sent no statement with {marker!r}: nothing was checked"
    with make_sessions(engine)() as session:
        connection = session.connection()
        return [
            found
            for statement, parameters in statements
            for found in check(connection, statement, parameters)
        ]


@pytest.mark.parametrize("words", ["", "done", "overdue", "cancelled", "open"])
def test_a_page_of_actions_is_read_in_index_order(scaled_db, words):
    """A list page reads at most offset + limit rows of each status, in index order: never sorts
    all of a board's open or done actions to show eight."""
    assert findings(scaled_db, "actions", words, "candidates", sorted_list_reads) == []


def test_the_check_sees_a_sorted_list_when_there_is_one(scaled_db):
    sorted_list = (
        "SELECT id FROM actions WHERE board_id = 1 AND status IN ('open', 'blocked') "
        "ORDER BY due_on IS NULL, due_on, length(ref), ref LIMIT 8"
    )
    with make_sessions(scaled_db)() as session:
        connection = session.connection()
        assert sorted_list_reads(connection, sorted_list, ())


def test_every_statement_is_short_enough_for_psycopg_to_cache(scaled_db):
    """psycopg converts a statement's placeholders anew on every run when it is longer than 4,096
    characters or has more than 50 parameters (psycopg._queries): keep the hot ones within."""
    if scaled_db.dialect.name != "postgresql":
        pytest.skip("psycopg's statement cache: PostgreSQL only")
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS

    too_long = [
        f"/{command} {text}: {len(statement)} characters, {len(parameters or ())} parameters"
        for command, text, channel in cases(scaled_db)
        for statement, parameters in captured_statements(scaled_db, command, text, channel)
        if len(statement) > MAX_CACHED_STATEMENT_LENGTH or len(parameters or ()) > MAX_CACHED_STATEMENT_PARAMS
    ]
    assert not too_long, "\n".join(too_long)


def sorts_of_kpi_values(connection, statement, parameters) -> list[str]:
    """Sorts of kpi_values rows: a KPI's newest values should come in index order, ties by id."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        reads = {parent for _, parent, _, detail in rows if re.match(r"SEARCH (kpi_values|v)\b", detail)}
        return [detail for _, parent, _, detail in rows if "TEMP B-TREE" in detail and parent in reads]
    plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    found = []

    def reads_values(node) -> bool:
        return node.get("Relation Name") == "kpi_values" or any(
            reads_values(c) for c in node.get("Plans", [])
        )

    def walk(node):
        if node["Node Type"] in ("Sort", "Incremental Sort") and reads_values(node):
            found.append(f"{node['Node Type']} by {node.get('Sort Key')}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


@pytest.mark.parametrize("words", ["", "reoffending rate"])
def test_a_kpis_newest_values_are_read_in_index_order(scaled_db, words):
    """Headlines and histories read each KPI's newest values through the (KPI, period end, id)
    index: no KPI's values are sorted again by id (0.3 ms of PostgreSQL's time on a page). Only
    PostgreSQL can tell that index from the old (KPI, period end) one: SQLite keeps the row id,
    which is the id, in every index, so its half checks only that it does not sort either."""
    assert findings(scaled_db, "kpi", words, "period_end", sorts_of_kpi_values) == []


def test_the_check_sees_sorted_kpi_values_when_they_are(scaled_db):
    resorted = "SELECT id FROM kpi_values WHERE kpi_id = 1 ORDER BY value DESC LIMIT 24"
    with make_sessions(scaled_db)() as session:
        assert sorts_of_kpi_values(session.connection(), resorted, ())


def replanned_values(engine, repeat: int, **connect_args) -> list[str]:
    """Ask each /kpi case `repeat` times on one connection, then list the reads of KPI values
    PostgreSQL still plans afresh on each run (a custom plan every time, never its generic one)."""
    one = make_engine(
        engine.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0, **connect_args
    )
    try:
        asked = [(command, text, channel) for command, text, channel in cases(engine) if command == "kpi"]
        for _ in range(repeat):
            for command, text, channel in asked:
                ask_as_in_bench(one, command, text, channel)
        with one.connect() as connection:  # the pool's one connection: its prepared statements
            rows = connection.exec_driver_sql(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            ).all()
    finally:
        one.dispose()
    values = [
        (statement, generic, custom) for statement, generic, custom in rows if "period_end" in statement
    ]
    assert values, "no read of KPI values was prepared: the check would see nothing"
    return [
        f"{custom} custom plans, none generic: {' '.join(statement.split())[:300]}"
        for statement, generic, custom in values
        if generic == 0 and custom > 5
    ]


def test_a_page_of_kpi_values_keeps_one_plan(scaled_db):
    """psycopg prepares a statement on its sixth run; PostgreSQL then plans it anew on each run
    unless its generic plan looks as cheap as the custom ones. With the page's KPI ids as one
    array it never did (it cannot know the array's length), which cost 0.25 ms a /kpi; with one
    parameter per id it keeps one plan."""
    if scaled_db.dialect.name != "postgresql":
        pytest.skip("prepared statements' plans: PostgreSQL only")
    assert replanned_values(scaled_db, repeat=12) == []


def test_the_check_sees_a_statement_planned_afresh_on_each_run(scaled_db):
    if scaled_db.dialect.name != "postgresql":
        pytest.skip("prepared statements' plans: PostgreSQL only")
    forced = {"connect_args": {"options": "-c plan_cache_mode=force_custom_plan"}}
    assert replanned_values(scaled_db, repeat=12, **forced)


USUAL_ASKS = [
    ("nextmeeting", ""),
    ("nextmeeting", "hwb"),
    ("agenda", "hwb"),
    ("agenda", "hwb last"),
    ("agenda", "fps 25 Nov 2019"),
    ("actions", "hwb"),
    ("actions", "hwb mine"),
    ("actions", "fps overdue"),
    ("actions", "fps #2"),
    ("actions", "fps @josh"),
    ("actions", "fps <@U0123ABC>"),
    ("actions", "fps FPS-2"),
    ("kpi", "hwb"),
    ("kpi", "hwb lac"),
]


def test_the_usual_asks_build_no_statement_afresh(demo_db, monkeypatch):
    """A statement built on every ask costs about 0.4 ms to build and run, more than most reads
    take: SQLAlchemy works out its cache key each time. The usual asks, by a member and by someone
    not in the data, in a DM (where a member may see restricted items), use statements built once,
    so asking them all again works out no cache key at all."""
    runs = {command.name: command.run for command in COMMANDS}

    def ask_all():
        for person in ("josh-rendall", None):
            for command, text in USUAL_ASKS:
                ask(demo_db, runs[command], command, text, person_hint=person)

    ask_all()
    worked_out = []
    real = HasCacheKey._generate_cache_key
    monkeypatch.setattr(
        HasCacheKey, "_generate_cache_key", lambda self: worked_out.append(self) or real(self)
    )
    ask_all()
    assert [str(statement) for statement in worked_out] == []
