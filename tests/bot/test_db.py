"""Migrations create any database, and BoardBot refuses to run on an out-of-date schema."""

from __future__ import annotations

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from bot.db import (
    SchemaOutOfDate,
    WriteInReadOnlySession,
    alembic_config,
    check_schema,
    make_sessions,
    plain_rows,
    reading,
    schema_revisions,
    upgrade,
    written,
)
from bot.models import Base, Workspace
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
