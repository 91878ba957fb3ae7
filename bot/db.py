"""Engine, session factory and the schema-version check."""

from __future__ import annotations

import logging
import re
from collections import namedtuple
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Dialect,
    Engine,
    Executable,
    Integer,
    String,
    bindparam,
    create_engine,
    event,
    inspect,
    literal_column,
)
from sqlalchemy.engine.interfaces import Compiled
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, make_transient_to_detached, sessionmaker
from sqlalchemy.orm.util import identity_key

log = logging.getLogger(__name__)
T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    """The database schema is not the one this code needs."""


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; on SQLite, enforce foreign keys and wait for a busy database."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def written(value: int | str | list | tuple) -> ColumnElement | list[ColumnElement]:
    """A constant of the code (a LIMIT, a status, a list of roles) written into the SQL instead of
    sent as a parameter. PostgreSQL costs a generic plan for a prepared statement pessimistically
    when its LIMITs and statuses are unknown, keeps planning it afresh on every run (0.1-1 ms on the
    hot statements) and so loses what preparing saves; with the constants in the text it keeps one.
    Written when the statement is compiled, so a cached statement runs as it is: a parameter
    rendered on each run (`literal_execute`) cost 0.05-0.1 ms a command. A list gives a list, for
    `column.in_(written([...]))`. Only plain words and integers: no value here comes from a user."""
    if isinstance(value, list | tuple):
        return [written(v) for v in value]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"written() takes strings or integers, not {value!r}")
    if isinstance(value, int):
        return literal_column(str(value), Integer())
    if not _PLAIN_TEXT.fullmatch(value):
        raise ValueError(f"written() takes plain words (letters, digits, spaces, _ and -), not {value!r}")
    return literal_column(f"'{value}'", String())


_PLAIN_TEXT = re.compile(r"[\w -]*")


def written_number(name: str) -> BindParameter:
    """A LIMIT or OFFSET given at run time, written into the SQL like `written` (one prepared
    statement per value: page sizes and numbers are few)."""
    return bindparam(name, type_=Integer, literal_execute=True)


def plain_rows(session: Session, statement: Executable, params: dict | None = None) -> Sequence[Any]:
    """All rows of a statement that selects columns, not ORM objects, as named tuples (fields by
    position or by column name, as SQLAlchemy's rows): run on the session's connection, past the
    ORM's result handling, which costs 0.1-0.7 ms a statement on the commands' reads (more than
    PostgreSQL takes to run most of them), and fetched at once (row by row costs SQLite 15% more).
    Pending changes are flushed first, as the ORM would, so a transaction sees its own writes.

    In a read-only session (`reading`) a statement goes straight to the driver from its third run
    (`_Direct`; its second compiles it), past SQLAlchemy's execution too."""
    if session.autoflush:
        session.flush()
    connection = session.connection()
    params = params or {}
    if session.info.get("read_only") and not _watched(connection):
        key = (statement, connection.dialect)
        direct = _DIRECT.get(key)
        if isinstance(direct, _Direct):
            return direct.rows(connection, statement, params)
        result = connection.execute(statement, params)
        if direct is None:
            if len(_DIRECT) >= _DIRECT_MAX:  # statements built afresh on each call are seen once and
                _DIRECT.clear()  # never again; the commands' few dozen shapes are learnt again
            _DIRECT[key] = _SEEN
        elif direct is _SEEN:  # its second run: worth compiling once for good
            _DIRECT[key] = _Direct.of(statement, connection.dialect, tuple(result.keys())) or _NOT_DIRECT
        return result.all()
    return connection.execute(statement, params).all()


@lru_cache(maxsize=256)
def loaded_columns(entity) -> tuple:
    """The columns of a model (or an alias of one) that `as_loaded` takes, in its order."""
    return tuple(getattr(entity, key) for key in _shape(inspect(entity).mapper.class_)[0])


def as_loaded(session: Session, model: type[T], values: Sequence[Any]) -> T | None:
    """The ORM object of a row of `model`'s `loaded_columns` (None when its primary key is), as if
    the session had loaded it: persistent, unchanged, its relationships loading lazily; or the one
    the session already holds (it may have changes, and is returned as it is). The ORM's own
    loading of an object costs several times more than this. Unlike it, no `load` event fires and
    no `reconstructor` runs: the models have neither."""
    keys, key_at = _shape(model)
    identity = tuple(values[i] for i in key_at)
    if None in identity:
        return None
    held = session.identity_map.get(identity_key(model, identity))
    if held is not None:
        return held
    obj = inspect(model).class_manager.new_instance()  # as the ORM loads: no __init__, no events
    obj.__dict__.update(zip(keys, values, strict=True))
    make_transient_to_detached(obj)  # as if loaded: no history, so nothing to write
    session.add(obj)
    return obj


def loaded(session: Session, model: type[T], statement: Executable, params: dict) -> list[T]:
    """The rows of a statement selecting `model`'s `loaded_columns`, each as the session's object."""
    return [as_loaded(session, model, row) for row in plain_rows(session, statement, params)]


def each_loaded(
    session: Session, values: Sequence[Any], models: Sequence[type]
) -> tuple[list, Sequence[Any]]:
    """The objects (or Nones) of a row holding each model's `loaded_columns` in turn, as
    `as_loaded` makes them, and the values after them."""
    found, start = [], 0
    for model in models:
        width = len(_shape(model)[0])
        found.append(as_loaded(session, model, values[start : start + width]))
        start += width
    return found, values[start:]


@cache
def _shape(model: type) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A model's column attributes in mapper order, and where its primary key is among them."""
    mapper = inspect(model)
    keys = tuple(mapper.column_attrs.keys())
    return keys, tuple(keys.index(mapper.get_property_by_column(c).key) for c in mapper.primary_key)


def _watched(connection: Connection) -> bool:
    """Whether anything listens to or logs this connection's statements (tests count them, `echo`
    logs them), or an execution option other than the isolation level could change them: then
    they take SQLAlchemy's way, which heeds all that."""
    return bool(
        connection._has_events
        or connection.engine._has_events
        or connection.dialect._has_events
        or connection._echo
        or connection.get_execution_options().keys() - {"isolation_level"}
    )


_DIRECT_MAX = 512  # entries before they are all forgotten; the commands have a few dozen shapes
_FORMS_MAX = 32  # SQL forms kept for a statement's written_number values (page sizes and offsets)


class _Direct:
    """A statement compiled once, run on the driver's cursor: its SQL (one form for each value of
    its `written_number` parameters), each parameter's processing and each column's, and the row
    type. SQLAlchemy's own execution costs 0.05-0.15 ms a statement in Python even with its
    compiled cache (looking it up, an execution context, a result object, a row processor); the
    commands' reads take 0.03-0.1 ms in SQLite. Only for reads in a `reading` session. A run that
    fails in any way is run again SQLAlchemy's way, which raises its own error (and drops a lost
    connection); if that run succeeds where the driver's failed on something other than the
    database (this class's fault), the statement stays with SQLAlchemy from then on."""

    def __init__(self, compiled: Compiled, dialect: Dialect, keys: tuple[str, ...], types: list) -> None:
        self.compiled = compiled
        self.late = tuple(compiled.bind_names[b] for b in compiled.literal_execute_params)  # written_number
        self.processors = {
            name: process
            for name, bind in compiled.binds.items()
            if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self.forms: dict[tuple, tuple[str, Sequence[str]]] = {}  # the SQL and its parameters' order
        self.row = namedtuple("Row", keys, rename=True)  # `of` refuses keys it would rename
        self.types = types
        self.results: list | None = None  # (position, processing) of the columns that need it

    @classmethod
    def of(cls, statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> _Direct | None:
        compiled = statement.compile(dialect=dialect)
        types = [c.type for c in getattr(statement, "selected_columns", ())]
        if compiled.post_compile_params or compiled.escaped_bind_names or len(types) != len(keys):
            return None  # IN lists (a form per length), names the driver needs escaped
        direct = cls(compiled, dialect, keys, types)
        return direct if direct.row._fields == keys else None  # "_x", "class" or a repeated name

    def rows(self, connection: Connection, statement: Executable, params: dict) -> list[Any]:
        try:
            sql, arguments = self.sent(params)
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                cursor.execute(sql, arguments)
                found = cursor.fetchall()
                description = cursor.description
            finally:
                cursor.close()
            return self._made(connection.dialect, found, description)
        except Exception as error:
            return self._again(connection, statement, params, error)

    def _made(self, dialect: Dialect, found: list, description: Sequence) -> list[Any]:
        if self.results is None:
            processors = [
                t.dialect_impl(dialect).result_processor(dialect, d[1])
                for t, d in zip(self.types, description, strict=True)
            ]
            self.results = [(i, p) for i, p in enumerate(processors) if p is not None]
        make = self.row._make
        if not self.results:
            return [make(r) for r in found]
        rows = []
        for r in found:  # only the columns that need it: a date or two among a dozen
            values = list(r)
            for i, process in self.results:
                values[i] = process(values[i])
            rows.append(make(values))
        return rows

    def sent(self, params: dict) -> tuple[str, Any]:
        """The SQL and the parameters the driver is given, as SQLAlchemy would give them."""
        values = self.compiled.construct_params(params)
        form = tuple(values[name] for name in self.late)
        if (known := self.forms.get(form)) is not None:
            sql, order = known
        else:
            state = self.compiled.construct_expanded_state(params)
            order = state.positiontup if self.compiled.positional else tuple(state.parameters)
            sql = state.statement
            if len(self.forms) < _FORMS_MAX:  # a crafted page number cannot make them grow unbounded
                self.forms[form] = (sql, order)
        processors = self.processors
        if self.compiled.positional:
            return sql, [processors[n](values[n]) if n in processors else values[n] for n in order]
        return sql, {n: processors[n](values[n]) if n in processors else values[n] for n in order}

    def _again(self, connection: Connection, statement: Executable, params: dict, error: Exception) -> list:
        """A failed run, run again SQLAlchemy's way: that raises its own error for the failure (and
        drops a lost connection). Should it succeed where the driver's run failed on something
        other than the database (a lock or a cancelled query would be the database's), the
        failure was this class's: the statement stays with SQLAlchemy from now on."""
        rows = connection.execute(statement, params).all()
        ours = not isinstance(error, connection.dialect.loaded_dbapi.Error)
        if ours:
            _DIRECT[statement, connection.dialect] = _NOT_DIRECT
        log.warning(
            "a read failed on the driver (%r) and not through SQLAlchemy%s: %s",
            error,
            "; it stays with SQLAlchemy" if ours else "",
            self.compiled.string,
        )
        return rows


_SEEN, _NOT_DIRECT = object(), object()  # run once; needs SQLAlchemy (an IN list's length varies)
_DIRECT: dict[tuple[Executable, Dialect], _Direct | object] = {}


class WriteInReadOnlySession(RuntimeError):
    """A command declared as only reading tried to write."""


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    sessions = sessionmaker(engine, expire_on_commit=False)
    event.listen(sessions, "before_flush", _refuse_read_only_flush)
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
