"""Generate a large synthetic board database for benchmarks.

    .venv/bin/python -m bench.generate --url sqlite:////tmp/bench.db [--scale 1.0] [--seed 1] [--force]

At scale 1.0: 205 boards (200 in workspace TBENCH, 5 in TBENCH2), 20,500 meetings, 205,000 agenda
items, 512,500 actions, 102,500 action updates, 10,250 KPIs and 2,050,000 KPI values, with the
people, memberships, documents and organisations around them (bench/synth.py). The same scale and
seed give the same data on SQLite and PostgreSQL. Rows are streamed (bench/sinks.py) into tables
stripped of their secondary indexes and foreign keys, which are rebuilt and checked at the end.
"""

from __future__ import annotations

import argparse
import sys
import time as timer
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, MetaData, inspect

from bench.sinks import PostgresSink, SqliteSink
from bench.synth import COLUMNS, TABLE_ORDER, Plan, Synth
from bot import models as m
from bot.config import normalise_database_url
from bot.db import make_engine, upgrade


@dataclass
class Report:
    url: str
    rows: dict[str, int] = field(default_factory=dict)  # counted in the database afterwards
    seconds: dict[str, float] = field(default_factory=dict)  # tables and the phases around them
    size_bytes: int = 0
    total_seconds: float = 0.0

    def summary(self) -> str:
        lines = [f"Generated {self.url}", f"{'table':<26}{'rows':>12}{'seconds':>10}"]
        for name, seconds in self.seconds.items():
            rows = f"{self.rows[name]:,}" if name in self.rows else ""
            lines.append(f"{name:<26}{rows:>12}{seconds:>10.1f}")
        lines.append(f"{'total':<26}{sum(self.rows.values()):>12,}{self.total_seconds:>10.1f}")
        lines.append(f"database size: {self.size_bytes / 2**20:,.1f} MiB ({self.size_bytes:,} bytes)")
        return "\n".join(lines)


def occupied_tables(engine: Engine) -> dict[str, int]:
    """Tables in the database that hold rows, with their row counts."""
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as connection:
        counts = {n: connection.exec_driver_sql(f'SELECT COUNT(*) FROM "{n}"').scalar_one() for n in names}
    return {n: c for n, c in counts.items() if c}


def drop_everything(engine: Engine) -> None:
    """Drop every table in the database (BoardBot's or not)."""
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM")  # give the space back


def generate(engine: Engine, plan: Plan, seed: int = 1, log: Callable[[str], None] = print) -> Report:
    """Create the schema in an empty database and fill it; return the counts and timings."""
    sink_class = {"sqlite": SqliteSink, "postgresql": PostgresSink}.get(engine.dialect.name)
    if sink_class is None:
        raise ValueError(f"bench.generate supports SQLite and PostgreSQL, not {engine.dialect.name}")
    report = Report(engine.url.render_as_string(hide_password=True))
    started = timer.perf_counter()
    upgrade(engine)
    report.seconds["schema"] = timer.perf_counter() - started
    tables = [m.Base.metadata.tables[name] for name in TABLE_ORDER]
    synth = Synth(plan, seed)
    expected = plan.counts()

    def progress(table: str, count: int) -> None:
        log(f"  {table}: {count:,} of {expected[table]:,} rows")

    with engine.connect() as connection:
        sink = sink_class(connection, tables)
        clock = timer.perf_counter()
        sink.prepare()
        report.seconds["drop indexes and keys"] = timer.perf_counter() - clock
        for table in tables:
            clock = timer.perf_counter()
            count = sink.write(table, COLUMNS[table.name], synth.rows(table.name), progress)
            report.seconds[table.name] = timer.perf_counter() - clock
            log(f"{table.name}: {count:,} rows in {report.seconds[table.name]:.1f} s")
        clock = timer.perf_counter()
        log("rebuilding indexes, checking foreign keys …")
        sink.finish()
        connection.commit()
        report.seconds["indexes and keys"] = timer.perf_counter() - clock
        clock = timer.perf_counter()
        log("analysing …")
        sink.analyze(engine)
        report.seconds["analyze"] = timer.perf_counter() - clock
        for table in tables:
            report.rows[table.name] = connection.exec_driver_sql(
                f'SELECT COUNT(*) FROM "{table.name}"'
            ).scalar_one()
        report.size_bytes = sink.size()
        connection.rollback()
        sink.close()
    report.total_seconds = timer.perf_counter() - started
    if report.rows != expected:
        raise RuntimeError(f"row counts differ from the plan: {report.rows} != {expected}")
    return report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Fill an empty database with a large synthetic set of boards for benchmarks.",
    )
    parser.add_argument("--url", required=True, help="SQLAlchemy URL, e.g. sqlite:////tmp/bench.db")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 gives 200 boards, 2M KPI values")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    parser.add_argument("--force", action="store_true", help="drop every table of a non-empty database first")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        plan = Plan.at(args.scale)
    except ValueError as exc:
        print(f"bench.generate: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(normalise_database_url(args.url))
    shown = engine.url.render_as_string(hide_password=True)
    try:
        occupied = occupied_tables(engine)
        if occupied and not args.force:
            listing = ", ".join(f"{name} ({count:,} rows)" for name, count in sorted(occupied.items()))
            print(
                f"bench.generate: {shown} is not empty: {listing}.\n"
                "It fills empty databases only. Pass --force to DROP EVERY TABLE in it and start "
                "again, or give another --url.",
                file=sys.stderr,
            )
            return 2
        if occupied:
            print(f"--force: dropping every table in {shown} …", file=sys.stderr, flush=True)
            clock = timer.perf_counter()
            drop_everything(engine)
            print(f"dropped in {timer.perf_counter() - clock:.1f} s", file=sys.stderr)
        counts = plan.counts()
        print(f"Generating {sum(counts.values()):,} rows at scale {args.scale} into {shown}", file=sys.stderr)
        report = generate(engine, plan, args.seed, log=lambda line: print(line, file=sys.stderr, flush=True))
    finally:
        engine.dispose()
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
