"""`boardbot backup` and `boardbot restore`: a consistent copy of the database, and the way back.

SQLite: the online backup API copies the live database as one snapshot, with the bot running;
restore copies a backup back the same way. PostgreSQL: `pg_dump` (custom format, one snapshot),
restored by `pg_restore --clean` in one transaction. Beside either goes the board data as YAML
(`boardbot export`'s format, one snapshot too): readable, and loadable into any database. Where
`pg_dump` is missing the YAML is all there is, restored with `boardbot load --prefer-file`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, Connection, Engine
from sqlalchemy.orm import Session

from bot.boarddata import export_yaml
from bot.db import make_engine

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".pgdump"
YAML_SUFFIX = ".yaml"


class BackupError(Exception):
    """A backup or restore that could not be made, and why (shown to the operator as it is)."""


@dataclass
class Backup:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def stamp() -> str:
    """The file's real time (BOARDBOT_NOW pins what the bot says, not when files were written)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def fresh(path: Path) -> Path:
    if path.exists():
        raise BackupError(
            f"{path} exists already; backups never overwrite one (wait a second, or --out elsewhere)"
        )
    return path


def backup(engine: Engine, out: Path) -> Backup:
    """A full copy of the database in `out` (and its board data as YAML), named by the time."""
    out.mkdir(parents=True, exist_ok=True)
    base = out / f"boardbot-{stamp()}"
    made = Backup()
    if engine.dialect.name == "sqlite":
        copy = fresh(base.with_suffix(SQLITE_SUFFIX))
        sqlite_copy(engine, copy)
        made.files.append(copy)
        snapshot = make_engine(f"sqlite:///{copy}")
        try:
            made.files.append(write_yaml(snapshot, fresh(base.with_suffix(YAML_SUFFIX))))
        finally:
            snapshot.dispose()
        return made
    if engine.dialect.name != "postgresql":
        raise BackupError(f"backups are made of SQLite and PostgreSQL, not {engine.dialect.name}")
    if shutil.which("pg_dump"):
        dump = fresh(base.with_suffix(PG_SUFFIX))
        run_pg("pg_dump", engine.url, "--format=custom", f"--file={dump}")
        made.files.append(dump)
    else:
        made.warnings.append(
            "pg_dump is not installed: wrote the board data only (not the reminder ledger or "
            "Slack's installations); restore it with `boardbot load --prefer-file FILE`"
        )
    made.files.append(write_yaml(engine, fresh(base.with_suffix(YAML_SUFFIX))))
    return made


def restore(engine: Engine, path: Path) -> str:
    """Put the database back as `path` (a backup of the same kind of database) has it."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    kind = engine.dialect.name
    if path.suffix == YAML_SUFFIX:
        raise BackupError(f"{path} is board data: load it with `boardbot load --prefer-file {path}`")
    if path.suffix == SQLITE_SUFFIX and kind == "sqlite":
        with sqlite3.connect(path) as source, raw_sqlite(engine) as target:
            source.backup(target)
        source.close()
    elif path.suffix == PG_SUFFIX and kind == "postgresql":
        run_pg(
            "pg_restore",
            engine.url,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )
    else:
        wanted = {"sqlite": SQLITE_SUFFIX, "postgresql": PG_SUFFIX}.get(kind, "?")
        raise BackupError(f"{path} is not a {kind} backup (`{wanted}`); this DATABASE_URL is {kind}")
    return f"Restored {path}."


@contextmanager
def raw_sqlite(engine: Engine) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the engine's database file (for its backup API)."""
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has no file to back up or restore")
    connection = sqlite3.connect(database)
    try:
        yield connection
    finally:
        connection.close()


def sqlite_copy(engine: Engine, target: Path) -> None:
    """The live database, page by page, as one consistent snapshot in `target`, then checked."""
    with raw_sqlite(engine) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        problem = copy.execute("PRAGMA quick_check").fetchone()[0]
    copy.close()
    if problem != "ok":
        raise BackupError(f"the copy in {target} failed SQLite's check: {problem}")


def write_yaml(engine: Engine, path: Path) -> Path:
    """The board data as `boardbot export` writes it, read in one snapshot (REPEATABLE READ)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        path.write_text(export_from(connection), encoding="utf-8")
    return path


def export_from(connection: Connection) -> str:
    with Session(connection) as session, session.begin():
        return export_yaml(session)


def run_pg(tool: str, url: URL, *args: str) -> None:
    """Run pg_dump or pg_restore on the database at `url`, its password in the environment only."""
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    done = subprocess.run(
        [tool, f"--dbname={target}", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")


def backup_command(engine: Engine, out: Path) -> int:
    """`boardbot backup`: the files written, or why none was."""
    try:
        made = backup(engine, out)
    except BackupError as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 1
    for path in made.files:
        print(f"Backed up to {path}")
    for warning in made.warnings:
        print(f"boardbot: {warning}", file=sys.stderr)
    return 0


def restore_command(engine: Engine, path: Path) -> int:
    """`boardbot restore FILE`."""
    try:
        print(restore(engine, path))
    except BackupError as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 1
    return 0
