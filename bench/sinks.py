"""Bulk-loading rows into SQLite and PostgreSQL: the fastest way each database offers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Engine, Table, Time, text

BATCH_ROWS = 10_000
PROGRESS_EVERY = 250_000
MAX_VARIABLES = 999  # SQLite's limit on ? in a statement before 3.32

Progress = Callable[[str, int], None]


class Sink:
    """Bulk-loads one database on one connection, in one transaction."""

    def __init__(self, connection: Connection, tables: list[Table]):
        self.connection = connection
        self.tables = tables
        self.dbapi = connection.connection.driver_connection

    def prepare(self) -> None:
        raise NotImplementedError

    def write(self, table: Table, columns: tuple[str, ...], rows: Iterable[tuple], progress: Progress) -> int:
        raise NotImplementedError

    def finish(self) -> None:
        """Rebuild what prepare dropped and check every foreign key."""
        raise NotImplementedError

    def analyze(self, engine: Engine) -> None:
        """Give the query planner statistics on the new rows."""
        raise NotImplementedError

    def size(self) -> int:
        """The database's size in bytes."""
        raise NotImplementedError

    def close(self) -> None:
        """Undo the connection settings prepare made for the load."""


def quoted(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{name}"' for name in columns)


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = process(value)
            return result

    return convert


class SqliteSink(Sink):
    """Multi-row INSERTs on the sqlite3 connection, values in the storage format SQLAlchemy uses."""

    PRAGMAS = {
        "journal_mode": ("MEMORY", "DELETE"),  # a memory journal can still roll back, unlike OFF
        "synchronous": ("OFF", "FULL"),
        "foreign_keys": ("OFF", "ON"),  # checked once at the end with foreign_key_check
        "cache_size": ("-262144", "-2000"),  # 256 MB
        "temp_store": ("MEMORY", "DEFAULT"),
    }

    def prepare(self) -> None:
        for name, (during, _after) in self.PRAGMAS.items():
            self.connection.exec_driver_sql(f"PRAGMA {name}={during}")
        names = ", ".join(f"'{t.name}'" for t in self.tables)
        self.indexes = self.connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master "
            f"WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({names})"
        ).all()
        for name, _sql in self.indexes:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')

    def _converter(self, column) -> Callable[[Any], Any] | None:
        if not isinstance(column.type, (Date, Time, DateTime, JSON, Boolean)):
            return None
        dialect = self.connection.dialect
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and isinstance(column.type, (Date, Time)):
            return _memoised(process)
        return process

    def write(self, table: Table, columns: tuple[str, ...], rows: Iterable[tuple], progress: Progress) -> int:
        converters = [(i, c) for i, name in enumerate(columns) if (c := self._converter(table.c[name]))]
        insert = f'INSERT INTO "{table.name}" ({quoted(columns)}) VALUES '
        one_row = f"({', '.join('?' * len(columns))})"
        per_statement = MAX_VARIABLES // len(columns)
        # Many rows to a statement: each statement costs a step, each row of executemany one more.
        many_rows = insert + ", ".join([one_row] * per_statement)
        cursor = self.dbapi.cursor()
        batch: list[Any] = []
        count = 0

        def flush() -> None:
            whole = len(batch) - len(batch) % per_statement
            for start in range(0, whole, per_statement):
                cursor.execute(many_rows, list(chain.from_iterable(batch[start : start + per_statement])))
            cursor.executemany(insert + one_row, batch[whole:])
            batch.clear()

        for row in rows:
            if converters:
                row = list(row)
                for i, convert in converters:
                    if row[i] is not None:
                        row[i] = convert(row[i])
            batch.append(row)
            count += 1
            if len(batch) == BATCH_ROWS:
                flush()
                if count % PROGRESS_EVERY == 0:
                    progress(table.name, count)
        flush()
        cursor.close()
        return count

    def finish(self) -> None:
        for _name, sql in self.indexes:
            self.connection.exec_driver_sql(sql)
        broken = self.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"{len(broken)} foreign keys do not resolve, e.g. {broken[:5]}")

    def analyze(self, engine: Engine) -> None:
        self.connection.exec_driver_sql("ANALYZE")
        self.connection.commit()

    def size(self) -> int:
        pages = self.connection.exec_driver_sql("PRAGMA page_count").scalar_one()
        return pages * self.connection.exec_driver_sql("PRAGMA page_size").scalar_one()

    def close(self) -> None:
        for name, (_during, after) in self.PRAGMAS.items():
            self.connection.exec_driver_sql(f"PRAGMA {name}={after}")


class PostgresSink(Sink):
    """COPY into tables stripped of their secondary indexes and foreign keys, then rebuild them.

    PostgreSQL's "Populating a Database" advice: building an index or checking a foreign key once
    over the loaded table is far cheaper than maintaining it row by row.
    """

    def prepare(self) -> None:
        names = [t.name for t in self.tables]
        self.connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        self.constraints = self.connection.execute(
            text(
                "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype IN ('f', 'u') "
                "AND conrelid = ANY(CAST(:names AS regclass[])) ORDER BY contype DESC, conname"
            ),
            {"names": names},
        ).all()  # foreign keys ('f') after unique constraints ('u'): they are added back last
        self.indexes = self.connection.execute(
            text(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
                "WHERE indrelid = ANY(CAST(:names AS regclass[])) AND NOT indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)"
            ),
            {"names": names},
        ).all()
        for table, name, _kind, _definition in reversed(self.constraints):
            self.connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in self.indexes:
            self.connection.exec_driver_sql(f"DROP INDEX {name}")

    def write(self, table: Table, columns: tuple[str, ...], rows: Iterable[tuple], progress: Progress) -> int:
        json_columns = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
        count = 0
        with self.dbapi.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({quoted(columns)}) FROM STDIN') as copy:
                write_row = copy.write_row
                for count, row in enumerate(rows, start=1):
                    if json_columns:
                        row = list(row)
                        for i in json_columns:
                            if row[i] is not None:
                                row[i] = json.dumps(row[i])
                    write_row(row)
                    if count % PROGRESS_EVERY == 0:
                        progress(table.name, count)
        return count

    def finish(self) -> None:
        for _name, definition in self.indexes:
            self.connection.exec_driver_sql(definition)
        for table, name, _kind, definition in self.constraints:  # checks every row
            self.connection.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in self.tables:  # so the ORM's next insert takes the next id, not 1
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence(:table, 'id'), COALESCE(MAX(id), 0) + 1, false) "
                    f'FROM "{table.name}"'
                ),
                {"table": table.name},
            )

    def analyze(self, engine: Engine) -> None:
        # VACUUM as well, so the first benchmark does not race autovacuum over the new rows
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")

    def size(self) -> int:
        return self.connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
