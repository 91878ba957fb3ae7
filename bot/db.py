"""Engine, session factory and the schema-version check."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


DATABASE_FAULTS = (OperationalError, InterfaceError, PoolTimeout)  # down, hung, refused: not our bug


class SchemaOutOfDate(RuntimeError):
    """The database schema is not the one this code needs."""


def make_engine(url: str, *, timeout: float | None = None, **kwargs) -> Engine:
    """Create an engine; on SQLite, enforce foreign keys and wait for a busy database.

    `timeout` (seconds) bounds connecting, waiting for a pooled connection, each statement (PostgreSQL)
    and waiting for SQLite's lock, so that a request on a database that is down or hung fails in time
    to be answered within Slack's three seconds; without it (migrations, loads) nothing is bounded.
    """
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30 if timeout is None else timeout})
    elif timeout is not None:
        kwargs.setdefault("pool_timeout", timeout)
        if url.startswith("postgresql"):
            kwargs.setdefault(
                "connect_args",
                {
                    "connect_timeout": max(2, math.ceil(timeout)),  # libpq's least and whole seconds
                    "options": f"-c statement_timeout={round(timeout * 1000)}",
                },
            )
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class WriteInReadOnlySession(RuntimeError):
    """A command declared as only reading tried to write."""


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    from bot.search.index import track  # the index's models import nothing of this module's users

    sessions = sessionmaker(engine, expire_on_commit=False)
    event.listen(sessions, "before_flush", _refuse_read_only_flush)
    track(sessions)
    return sessions


def _refuse_read_only_flush(session: Session, _context, _instances) -> None:
    if session.info.get("read_only"):
        raise WriteInReadOnlySession(
            "a read-only command tried to write; declare it as writing in bot/app.py's COMMANDS"
        )


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """The session for work that only reads: no transaction, so PostgreSQL gets no BEGIN and no
    ROLLBACK. Each statement sees what is committed when it runs; writing is refused (make_sessions)."""
    with sessions() as session:
        session.info["read_only"] = True
        if session.get_bind().dialect.name != "sqlite":  # SQLite's reads open no transaction anyway
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session


ATTEMPTS = 3


def in_transaction(
    sessions: sessionmaker[Session], work: Callable[[Session], T], attempts: int = ATTEMPTS
) -> T:
    """Run `work` in one transaction, committed at the end; run it again when a concurrent writer made
    it fail on a unique key (a twin delivery's claim) or SQLite was locked."""
    for attempt in range(1, attempts + 1):
        try:
            with sessions.begin() as session:
                return work(session)
        except (IntegrityError, OperationalError) as error:
            if attempt == attempts or (isinstance(error, OperationalError) and "locked" not in str(error)):
                raise
            log.info("transaction collided (%s); running it again", type(error.orig).__name__)
    raise AssertionError("unreachable")


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def schema_revisions(engine: Engine) -> tuple[str | None, str]:
    """Return (the database's revision, the code's head revision)."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head


def check_schema(engine: Engine) -> None:
    """Refuse to run on a database whose schema is missing or out of date."""
    current, head = schema_revisions(engine)
    if current != head:
        state = "has no BoardBot schema" if current is None else f"is at schema revision {current}"
        raise SchemaOutOfDate(
            f"The database {engine.url.render_as_string(hide_password=True)} {state}; "
            f"this version of BoardBot needs revision {head}. "
            "Run `boardbot db upgrade` to create or upgrade it."
        )


def unready(engine: Engine) -> str | None:
    """Why this database cannot serve (unreachable, schema missing or out of date), None when it can.
    Says nothing of the URL, which may carry a password."""
    try:
        current, head = schema_revisions(engine)
    except DATABASE_FAULTS as error:
        return f"database unreachable ({type(error).__name__})"
    if current != head:
        return "database has no BoardBot schema" if current is None else f"schema at {current}, needs {head}"
    return None
