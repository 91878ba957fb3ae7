"""Migrations create any database, and BoardBot refuses to run on an out-of-date schema."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from bot.db import SchemaOutOfDate, check_schema, make_engine, schema_revisions, upgrade
from bot.models import Base


def test_upgrade_creates_the_whole_model_and_is_repeatable(fresh_url):
    engine = make_engine(fresh_url)
    try:
        upgrade(engine)
        upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        check_schema(engine)
    finally:
        engine.dispose()


def test_empty_database_is_refused_with_the_command_that_fixes_it(fresh_url):
    engine = make_engine(fresh_url)
    try:
        with pytest.raises(SchemaOutOfDate, match=r"has no BoardBot schema.*Run `boardbot db upgrade`"):
            check_schema(engine)
    finally:
        engine.dispose()


def test_older_schema_is_refused(fresh_url):
    engine = make_engine(fresh_url)
    try:
        upgrade(engine)
        current, head = schema_revisions(engine)
        from alembic import command

        from bot.db import alembic_config

        command.downgrade(alembic_config(engine), "base")
        assert schema_revisions(engine) == (None, head)
        with pytest.raises(SchemaOutOfDate):
            check_schema(engine)
        upgrade(engine)
        assert schema_revisions(engine) == (head, head)
    finally:
        engine.dispose()


def test_migrations_match_the_models(fresh_url):
    """Autogenerate finds nothing to add: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(fresh_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
