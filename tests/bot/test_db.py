"""Migrations create any database, and BoardBot refuses to run on an out-of-date schema."""

from __future__ import annotations

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from bot.db import (
    SchemaOutOfDate,
    WriteInReadOnlySession,
    alembic_config,
    check_schema,
    make_sessions,
    reading,
    schema_revisions,
    upgrade,
)
from bot.models import Base, SearchEntry, Workspace
from bot.search import search
from bot.slack.oauth import store_metadata
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
    """Autogenerate finds nothing to add: the models and the migrations agree, and so do
    slack_sdk's installation and state stores with migration 0013."""
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _not_full_text_machinery}
        )
        assert compare_metadata(context, [Base.metadata, store_metadata()]) == []  # type: ignore[arg-type]


def _not_full_text_machinery(name, type_, parent_names) -> bool:
    """The full-text index of search_entries (migration 0021), which differs by database and no model
    describes: SQLite's FTS5 virtual table and its shadow tables, PostgreSQL's GIN tsvector index."""
    return not (type_ == "table" and name.startswith("search_fts") or name == "ix_search_entries_text")


def _kpi_version_machinery(engine) -> set[str]:
    """The names of migration 0007's triggers, function, sequence and column still in the database."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            found = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'kpis'")
            ).scalars()
        else:
            found = connection.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = 'kpis'::regclass "
                    "UNION SELECT proname FROM pg_proc WHERE proname = 'kpis_changed' "
                    "UNION SELECT relname FROM pg_class WHERE relname = 'kpi_versions'"
                )
            ).scalars()
        names = set(found)
    columns = {c["name"] for c in inspect(engine).get_columns("boards")}
    return names | ({"kpis_version"} & columns)


def test_a_database_at_0007_with_kpis_upgrades_to_one_without_their_version(empty_engine):
    """The KPI version of migration 0007 goes (0008) from a database holding KPIs; a downgrade
    makes it again, since code at 0007 relies on it."""
    upgrade(empty_engine, "0007")
    with empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO workspaces (id, team_id) VALUES (1, 'T1')"))
        connection.execute(
            text(
                "INSERT INTO boards (id, workspace_id, key, name, timezone, holiday_region, "
                "paper_deadline_working_days) VALUES (1, 1, 'b1', 'Board', 'Europe/London', 'england', 10)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO kpis (id, board_id, key, name, better, scope) VALUES (1, 1, 'k1', 'A', 'higher', 'borough')"
            )
        )
    assert "kpis_version" in _kpi_version_machinery(empty_engine)
    upgrade(empty_engine)
    assert _kpi_version_machinery(empty_engine) == set()
    with empty_engine.begin() as connection:  # KPIs are written as before, and kept
        connection.execute(
            text(
                "INSERT INTO kpis (id, board_id, key, name, better, scope) VALUES (2, 1, 'k2', 'B', 'lower', 'borough')"
            )
        )
        assert connection.execute(text("SELECT count(*) FROM kpis")).scalar() == 2
    command.downgrade(alembic_config(empty_engine), "0007")
    assert {"kpis_inserted", "kpis_updated", "kpis_deleted", "kpis_version"} <= _kpi_version_machinery(
        empty_engine
    )
    upgrade(empty_engine)
    assert _kpi_version_machinery(empty_engine) == set()


def _in_transaction(session) -> bool:
    """Whether the database driver has a transaction open on the session's connection."""
    dbapi = session.connection().connection.dbapi_connection
    if hasattr(dbapi, "in_transaction"):  # sqlite3
        return dbapi.in_transaction
    return dbapi.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


def test_a_database_at_0021_with_search_entries_keeps_them_searchable_by_board(empty_engine):
    """Migration 0022 makes SQLite's FTS5 table again with the board in it and rebuilds it from the
    passages already there; downgrading makes the board-less one, rebuilt as well."""
    upgrade(empty_engine, "0021")
    with empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO workspaces (id, team_id) VALUES (1, 'T1')"))
        connection.execute(
            text(
                "INSERT INTO search_entries (key, kind, source_id, workspace_id, board_id, title, body, "
                "restricted) VALUES ('agenda:1', 'agenda', 1, 1, 7, 'Better Care Fund', 'plan', false), "
                "('agenda:2', 'agenda', 2, 1, 8, 'Better Care Fund', 'plan', false)"
            )
        )

    def found(**kwargs) -> list[str]:
        with make_sessions(empty_engine)() as session:
            return [h.entry.key for h in search(session, 1, "care fund", limit=None, **kwargs).hits]

    upgrade(empty_engine)
    assert found(board_ids=[7]) == ["agenda:1"]
    assert sorted(found()) == ["agenda:1", "agenda:2"]
    command.downgrade(alembic_config(empty_engine), "0021")
    with make_sessions(empty_engine)() as session:
        assert [e.key for e in _search_0021(session)] == ["agenda:2", "agenda:1"]


def _search_0021(session):
    """The query of revision 0021's code: FTS5 over title and body only."""
    if session.get_bind().dialect.name == "sqlite":
        asked = "SELECT rowid FROM search_fts WHERE search_fts MATCH 'care' ORDER BY rowid DESC"
    else:
        asked = "SELECT id FROM search_entries WHERE vector @@ to_tsquery('english', 'care') ORDER BY id DESC"
    ids = session.scalars(text(asked))
    return [session.get(SearchEntry, i) for i in ids]


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
