"""Migrations create any database, and BoardBot refuses to run on an out-of-date schema."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    String,
    bindparam,
    cast,
    column,
    event,
    func,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.exc import DBAPIError

from bot import db
from bot.db import (
    SchemaOutOfDate,
    WriteInReadOnlySession,
    alembic_config,
    as_loaded,
    check_schema,
    loaded_columns,
    make_sessions,
    plain_rows,
    reading,
    schema_revisions,
    upgrade,
    written,
    written_number,
)
from bot.models import Base, Board, Workspace
from tests.conftest import engine_for


@pytest.fixture
def empty_engine(fresh_url):
    """An engine on a database with no schema at all."""
    yield from engine_for(fresh_url)


def test_upgrade_creates_the_whole_model_and_is_repeatable(empty_engine):
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert set(Base.metadata.tables) <= set(inspect(empty_engine).get_table_names())
    check_schema(empty_engine)


def test_empty_database_is_refused_with_the_command_that_fixes_it(empty_engine):
    with pytest.raises(SchemaOutOfDate, match=r"has no BoardBot schema.*Run `boardbot db upgrade`"):
        check_schema(empty_engine)


def test_older_schema_is_refused_and_every_migration_runs_both_ways(empty_engine):
    upgrade(empty_engine)
    head = schema_revisions(empty_engine)[1]
    command.downgrade(alembic_config(empty_engine), "base")
    assert schema_revisions(empty_engine) == (None, head)
    upgrade(empty_engine, "0001")
    with pytest.raises(SchemaOutOfDate, match="is at schema revision 0001"):
        check_schema(empty_engine)
    upgrade(empty_engine)
    assert schema_revisions(empty_engine) == (head, head)


def test_migrations_match_the_models(empty_engine):
    """Autogenerate finds nothing to add: the models and the migrations agree."""
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def _add_board(engine, board_id: int) -> None:
    """A board written by hand (in workspace 1, made with the first), past the ORM."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (id, team_id) SELECT 1, 'T1' WHERE NOT EXISTS "
                "(SELECT 1 FROM workspaces WHERE id = 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO boards (id, workspace_id, key, name, timezone, holiday_region, "
                "paper_deadline_working_days) VALUES (:id, 1, :key, 'Board', 'Europe/London', 'england', 10)"
            ),
            {"id": board_id, "key": f"b{board_id}"},
        )


def test_every_change_to_a_boards_kpis_gives_it_a_version_never_used_before(fresh_db):
    """The triggers of migration 0007: inserts, updates (a move to another board changes both),
    deletes and (PostgreSQL) TRUNCATE of KPIs, written by hand past the ORM, each give the boards
    whose KPIs changed a version no board had before, even a board made again under an old id, and
    leave the others' alone."""
    postgresql = fresh_db.dialect.name == "postgresql"
    for board_id in (1, 2, 3):
        _add_board(fresh_db, board_id)
    seen: set[int] = set()
    last: dict[int, int] = {}

    def changed_by(*statements: str) -> set[int]:
        with fresh_db.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
            now = dict(connection.exec_driver_sql("SELECT id, kpis_version FROM boards").all())
        changed = {board for board, version in now.items() if last.get(board) != version}
        assert not {now[board] for board in changed} & seen, "a version came back"
        seen.update(now.values())
        last.clear()
        last.update(now)
        return changed

    insert = (
        "INSERT INTO kpis (id, board_id, key, name, scope) VALUES ({id}, {board}, 'k{id}', 'K', 'borough')"
    )
    assert changed_by() == {1, 2, 3}  # first seen
    assert changed_by(insert.format(id=1, board=1), insert.format(id=2, board=1)) == {1}
    assert changed_by("UPDATE kpis SET source_line = 7 WHERE id = 1") == {1}
    assert changed_by("UPDATE kpis SET board_id = 2 WHERE id = 2") == {1, 2}
    assert changed_by("DELETE FROM kpis WHERE id = 2") == {2}
    assert changed_by("UPDATE kpis SET source_line = 8 WHERE id = 999") == set()  # no KPI changed
    assert changed_by(insert.format(id=3, board=3)) == {3}  # board 3 has the highest version
    changed_by("DELETE FROM kpis WHERE id = 3", "DELETE FROM boards WHERE id = 3")
    _add_board(fresh_db, 3)  # made again under its old id, at version 0
    assert changed_by(insert.format(id=4, board=3)) == {3}
    if postgresql:
        assert changed_by("TRUNCATE kpi_values, kpis") == {1, 2, 3}


def test_kpi_versions_do_not_come_back_after_a_downgrade_and_an_upgrade(fresh_db):
    def version_after_a_new_kpi(kpi_id: int) -> int:
        with fresh_db.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO kpis (id, board_id, key, name, scope) "
                f"VALUES ({kpi_id}, 1, 'k{kpi_id}', 'K', 'borough')"
            )
            return connection.exec_driver_sql("SELECT kpis_version FROM boards WHERE id = 1").scalar()

    _add_board(fresh_db, 1)
    before = version_after_a_new_kpi(1)
    command.downgrade(alembic_config(fresh_db), "0006")
    upgrade(fresh_db)
    assert version_after_a_new_kpi(2) > before


def _in_transaction(session) -> bool:
    """Whether the database driver has a transaction open on the session's connection."""
    dbapi = session.connection().connection.dbapi_connection
    if hasattr(dbapi, "in_transaction"):  # sqlite3
        return dbapi.in_transaction
    return dbapi.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


def test_reading_runs_without_a_transaction_and_refuses_to_write(fresh_db):
    sessions = make_sessions(fresh_db)
    with reading(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 0
        assert not _in_transaction(session)  # no BEGIN, so no ROLLBACK either
        session.add(Workspace(team_id="TREAD"))
        with pytest.raises(WriteInReadOnlySession, match="declare it as writing"):
            session.flush()
    with sessions.begin() as session:  # the pooled connection is back in transactions
        session.add(Workspace(team_id="TWRITE"))
        session.flush()
        assert _in_transaction(session)
    with sessions() as session:
        assert session.scalars(select(Workspace.team_id)).all() == ["TWRITE"]


def test_plain_rows_see_the_transactions_own_changes(fresh_db):
    sessions = make_sessions(fresh_db)
    teams = select(Workspace.id, Workspace.team_id).order_by(Workspace.team_id)
    with sessions.begin() as session:
        session.add(Workspace(team_id="TPENDING"))  # not flushed yet: plain_rows flushes, as the ORM does
        found = plain_rows(session, teams)
        assert [row.team_id for row in found] == ["TPENDING"]
        assert found[0].id is not None
        with session.no_autoflush:  # and respects a block that asks it not to
            session.add(Workspace(team_id="TLATER"))
            assert [row.team_id for row in plain_rows(session, teams)] == ["TPENDING"]
        session.rollback()


@pytest.mark.parametrize("value", [1.5, True, [1, 1.5], None])
def test_written_takes_only_strings_and_integers(value):
    with pytest.raises(TypeError, match="strings or integers"):
        written(value)


@pytest.mark.parametrize("value", ["it's", "a;b", "x\\", "line\nbreak"])
def test_written_refuses_text_that_would_need_quoting(value):
    with pytest.raises(ValueError, match="plain words"):
        written(value)


def test_written_constants_are_in_the_compiled_sql(fresh_db):
    statement = (
        select(Workspace.id).where(Workspace.team_id.in_(written(["T1", "in_progress"]))).limit(written(3))
    )
    sql = str(statement.compile(fresh_db))
    assert "IN ('T1', 'in_progress')" in sql and "LIMIT 3" in sql
    with fresh_db.connect() as connection:
        assert connection.execute(statement).all() == []


def _read_three_times(sessions, statement, params=None) -> list:
    """A statement read as a command reads it, three times: SQLAlchemy's way (its first run, then
    its second, which compiles it for the driver), then the driver's."""
    runs = []
    for _ in range(3):
        with reading(sessions) as session:
            runs.append(plain_rows(session, statement, params))
    return runs


@pytest.mark.parametrize("table", sorted(Base.metadata.tables))
def test_a_read_run_again_goes_to_the_driver_and_gives_the_same_rows(demo_db, table):
    """Every column type of the model (dates, times, UTC instants, JSON, floats, booleans, nulls)
    comes back from the driver as SQLAlchemy gives it, by position and by name."""
    columns = Base.metadata.tables[table].c
    statement = select(*columns).order_by(*Base.metadata.tables[table].primary_key).limit(written(200))
    first, second, third = _read_three_times(make_sessions(demo_db), statement)
    assert isinstance(db._DIRECT[statement, demo_db.dialect], db._Direct)
    assert third == first == second
    for direct, ours in zip(third, first, strict=True):
        assert [type(v) for v in direct] == [type(v) for v in ours]
        assert [getattr(direct, c.key) for c in columns] == [getattr(ours, c.key) for c in columns]


def test_the_driver_takes_the_parameters_in_order_and_each_written_number(demo_db):
    sessions = make_sessions(demo_db)
    meetings = Base.metadata.tables["meetings"]
    statement = (
        select(meetings.c.id, meetings.c.meets_on)
        .where(
            meetings.c.meets_on >= bindparam("start"),
            meetings.c.meets_on < bindparam("end"),
            meetings.c.id > bindparam("after"),
        )
        .order_by(meetings.c.id)
        .limit(written_number("size"))
    )
    asked = [
        {"start": date(2019, 1, 1), "end": date(2024, 1, 1), "after": after, "size": size}
        for size in (2, 3)
        for after in (0, 2)
    ]
    with sessions() as session:
        expected = [session.execute(statement, params).all() for params in asked]
    for params, rows in zip(asked, expected, strict=True):
        assert _read_three_times(sessions, statement, params) == [rows] * 3
        assert len(rows) == params["size"] and rows[0].id > params["after"]
    direct = db._DIRECT[statement, demo_db.dialect]
    assert isinstance(direct, db._Direct) and len(direct.forms) == 2  # one form for each LIMIT


def test_the_driver_is_sent_what_sqlalchemy_would_send(demo_db):
    """Each parameter processed as SQLAlchemy processes it (SQLite's dates and instants as its
    text, JSON as a document), in the statement's order, with the LIMIT written in."""
    meetings = Base.metadata.tables["meetings"]
    instant = bindparam("since", type_=DateTime(timezone=True))
    statement = (
        select(meetings.c.id)
        .where(
            meetings.c.meets_on >= bindparam("day"),
            meetings.c.starts_at < bindparam("at"),
            instant < bindparam("until", type_=DateTime(timezone=True)),
            cast(bindparam("doc", type_=JSON), String) != written(""),
            bindparam("flag", type_=Boolean).is_not(None),
        )
        .limit(written_number("size"))
    )
    params = {
        "day": date(2019, 1, 1),
        "at": time(18, 30),
        "since": datetime(2023, 9, 1, 8, 0, 0, 5, tzinfo=UTC),
        "until": datetime(2023, 10, 1, tzinfo=UTC),
        "doc": {"roles": ["chair"]},
        "flag": True,
        "size": 4,
    }
    sent = []
    listen = lambda *args: sent.append(args[2:4])  # noqa: E731  (the statement and its parameters)
    event.listen(demo_db, "before_cursor_execute", listen)
    try:
        with demo_db.connect() as connection:
            connection.execute(statement, params).all()
    finally:
        event.remove(demo_db, "before_cursor_execute", listen)
    direct = db._Direct.of(statement, demo_db.dialect, ("id",))
    sql, arguments = direct.sent(params)
    expected_sql, expected = sent[-1]
    assert sql == expected_sql and "4" in sql
    assert _comparable(arguments) == _comparable(expected)


def _comparable(arguments) -> list:
    """Parameters as (name or position, type, value): psycopg's JSON wrapper compares by identity."""
    pairs = arguments.items() if isinstance(arguments, dict) else enumerate(arguments)
    return sorted((key, type(v).__name__, repr(getattr(v, "obj", v))) for key, v in pairs)


def test_an_in_list_and_a_statement_built_on_each_call_stay_with_sqlalchemy(demo_db):
    sessions = make_sessions(demo_db)
    workspaces = select(Workspace.id).where(Workspace.team_id.in_(bindparam("teams", expanding=True)))
    for teams in (["local"], ["local", "TNONE"], ["TNONE"]):
        with reading(sessions) as session:
            assert len(plain_rows(session, workspaces, {"teams": teams})) == (teams != ["TNONE"])
    assert db._DIRECT[workspaces, demo_db.dialect] is db._NOT_DIRECT
    built = [select(Workspace.id).where(Workspace.team_id == "local") for _ in range(3)]
    for statement in built:
        with reading(sessions) as session:
            assert len(plain_rows(session, statement)) == 1
        assert db._DIRECT[statement, demo_db.dialect] is db._SEEN  # seen once each: never compiled


def test_a_read_in_a_transaction_or_watched_stays_with_sqlalchemy(demo_db):
    sessions = make_sessions(demo_db)
    statement = select(Workspace.team_id)
    for _ in range(3):
        with sessions.begin() as session:
            assert plain_rows(session, statement) == [("local",)]
    assert (statement, demo_db.dialect) not in db._DIRECT
    seen = []
    listen = lambda *args: seen.append(args[2])  # noqa: E731  (before_cursor_execute's statement)
    event.listen(demo_db, "before_cursor_execute", listen)
    try:
        _read_three_times(sessions, statement)
    finally:
        event.remove(demo_db, "before_cursor_execute", listen)
    assert len([s for s in seen if "team_id" in s]) == 3  # a listener sees every statement
    assert (statement, demo_db.dialect) not in db._DIRECT


def test_a_failed_read_raises_sqlalchemys_error(demo_db):
    sessions = make_sessions(demo_db)
    with demo_db.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (id INTEGER PRIMARY KEY)"))
    statement = select(table("scratch", column("id", Integer)))
    assert _read_three_times(sessions, statement) == [[]] * 3
    assert isinstance(db._DIRECT[statement, demo_db.dialect], db._Direct)
    with demo_db.begin() as connection:
        connection.execute(text("DROP TABLE scratch"))
    with reading(sessions) as session, pytest.raises(DBAPIError, match="scratch"):
        plain_rows(session, statement)


def test_a_read_the_database_fails_once_stays_on_the_driver(demo_db, caplog):
    """A failure of the database's (a lock, a cancelled query) is not the driver path's fault."""
    sessions = make_sessions(demo_db)
    statement = select(Workspace.team_id)
    assert _read_three_times(sessions, statement) == [[("local",)]] * 3
    direct = db._DIRECT[statement, demo_db.dialect]
    good = dict(direct.forms)
    direct.forms[()] = ("SELECT no_such_column FROM workspaces", [])  # fails in the database, once
    with reading(sessions) as session:
        assert plain_rows(session, statement) == [("local",)]
    assert db._DIRECT[statement, demo_db.dialect] is direct and "no_such_column" in caplog.text
    direct.forms.update(good)
    with reading(sessions) as session:
        assert plain_rows(session, statement) == [("local",)]


def test_a_read_only_the_driver_path_fails_stays_with_sqlalchemy(demo_db, caplog):
    sessions = make_sessions(demo_db)
    statement = select(Workspace.team_id)
    _read_three_times(sessions, statement)
    direct = db._DIRECT[statement, demo_db.dialect]
    direct.results = [(0, lambda value: value.no_such_attribute)]  # as a fault of _Direct's would
    with reading(sessions) as session:
        assert plain_rows(session, statement) == [("local",)]
    assert db._DIRECT[statement, demo_db.dialect] is db._NOT_DIRECT
    assert "it stays with SQLAlchemy" in caplog.text


def test_an_in_list_with_a_written_number_and_keys_a_tuple_would_rename_stay_with_sqlalchemy(demo_db):
    sessions = make_sessions(demo_db)
    listed = (
        select(Workspace.id)
        .where(Workspace.team_id.in_(bindparam("teams", expanding=True)))
        .limit(written_number("size"))
    )
    for teams in (["local"], ["local", "TNONE"], ["TNONE"]):
        with reading(sessions) as session:
            assert len(plain_rows(session, listed, {"teams": teams, "size": 2})) == (teams != ["TNONE"])
    assert db._DIRECT[listed, demo_db.dialect] is db._NOT_DIRECT
    renamed = select(Workspace.team_id.label("_team"), Workspace.id.label("class"))
    assert [row._team for row in _read_three_times(sessions, renamed)[2]] == ["local"]
    assert db._DIRECT[renamed, demo_db.dialect] is db._NOT_DIRECT


def test_forgetting_every_statement_when_there_are_too_many(demo_db, monkeypatch):
    monkeypatch.setattr(db, "_DIRECT_MAX", 3)
    db._DIRECT.clear()
    sessions = make_sessions(demo_db)
    for _ in range(4):
        with reading(sessions) as session:
            plain_rows(session, select(Workspace.id))  # built afresh each time: seen once
    assert len(db._DIRECT) == 1


def _board_row(session, board_id: int):
    return plain_rows(session, select(*loaded_columns(Board)).where(Board.id == board_id))[0]


def test_as_loaded_gives_the_object_as_if_the_session_had_loaded_it(demo_db):
    sessions = make_sessions(demo_db)
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    with sessions.begin() as session:
        board = as_loaded(session, Board, _board_row(session, 1))
        assert inspect(board).persistent and board in session and not session.dirty
        assert (board.key, board.workspace.team_id) == ("hwb", "local")
        assert board.secretary is not None and board.secretary.id == board.secretary_id  # loads lazily
        event.listen(demo_db, "before_cursor_execute", listen)
        try:
            session.flush()
            assert statements == []  # nothing to write: no history
            board.name = "Health and Wellbeing Board"
            session.flush()
        finally:
            event.remove(demo_db, "before_cursor_execute", listen)
        assert [s.split()[0] for s in statements] == ["UPDATE"]  # a change is written as usual
    with sessions() as session:
        assert session.get(Board, 1).name == "Health and Wellbeing Board"


def test_as_loaded_gives_the_object_the_session_holds_and_none_for_no_row(demo_db):
    with make_sessions(demo_db)() as session:
        held = session.get(Board, 2)
        held.name = "renamed, not yet flushed"
        with session.no_autoflush:
            assert as_loaded(session, Board, _board_row(session, 2)) is held
        assert held.name == "renamed, not yet flushed"
        assert as_loaded(session, Board, [None] * len(loaded_columns(Board))) is None
