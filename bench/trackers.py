"""Time a large spreadsheet action tracker through `boardbot import actions`, as XLSX and as CSV.

    .venv/bin/python -m bench.trackers --url sqlite:////tmp/trackers.db [--rows 5000]
    .venv/bin/python -m bench.trackers --url postgresql+psycopg://…/trackers

On an empty database: creates the schema, loads the demo boards, writes a tracker of ROWS actions for
the scrutiny committee (`fps`): references, leads (people of the demo by name, by e-mail, or teams as
text), timescales, statuses and RAG as officers write them, a meeting column. Then times, for each
format: reading the file, the first import (every action new), the second (nothing to change) and
one after a row changed (one action changed). Prints one line per step; exits 1 if any step takes a
minute or more, or if an import does not do what it should.
"""

from __future__ import annotations

import argparse
import csv
import glob
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

from bot.boarddata import load_files, load_imported
from bot.db import make_engine, make_sessions, upgrade
from bot.importers.actions import import_tracker
from bot.importers.sheets import read_sheet

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2023, 9, 1, 9, 0, tzinfo=UTC)
HEADER = ["Ref", "Date raised", "Action", "Lead officer", "Timescale", "Status", "Update", "RAG"]
LEADS = ["Cllr Jonathan Glanz", "ajust@westminster.gov.uk", "Lizzie Barrett", "YJS and Partners", None]
TIMESCALES = ["Autumn 2023", "June 2024", "Ongoing", "Q3 2023/24", "TBC", None]
STATUSES = [
    ("Completed", "G"),
    ("In progress", "A"),
    ("On hold", "R"),
    ("Not started", None),
    ("Open", "Green"),
]
MEETINGS = ["17 October 2019", "17 June 2019", "1 April 2019", None]
LIMIT_SECONDS = 60.0


def tracker_rows(count: int, changed: int | None = None) -> list[list]:
    rows = []
    for n in range(1, count + 1):
        status, rag = STATUSES[n % len(STATUSES)]
        update = f"Update {n}: report circulated" if n != changed else f"Update {n}: report revised"
        rows.append(
            [
                n + 1000,  # past the demo's own FPS-1 … FPS-46
                MEETINGS[n % len(MEETINGS)],
                f"Action {n}: circulate the briefing on item {n % 97} to the committee",
                LEADS[n % len(LEADS)],
                TIMESCALES[n % len(TIMESCALES)],
                status,
                update,
                rag,
            ]
        )
    return rows


def write(path: Path, rows: list[list]) -> Path:
    title = ["Family and People Services Policy and Scrutiny Committee: action tracker"]
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerows([title, [], HEADER, *(["" if c is None else c for c in r] for r in rows)])
        return path
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    for row in [title, [], HEADER, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def timed(label: str, results: list[tuple[str, float]], step):
    start = time.perf_counter()
    value = step()
    seconds = time.perf_counter() - start
    results.append((label, seconds))
    print(f"{label:<42} {seconds:7.2f} s", flush=True)
    return value


def run(url: str, count: int) -> int:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        assert load_files(session, sorted(glob.glob(str(ROOT / "data/demo/*.yaml"))), now=NOW).ok
    results: list[tuple[str, float]] = []
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("xlsx", "csv"):
            path = Path(folder) / f"fps-tracker-{kind}.{kind}"
            write(path, tracker_rows(count))

            def merge(path=path):
                sheet = read_sheet(path)
                with sessions.begin() as session:
                    item = import_tracker(session, path, sheet, "fps", warn=lambda _: None)
                    return load_imported(session, [item], now=NOW)

            timed(f"{kind}: read {count:,} rows", results, lambda path=path: read_sheet(path))
            first = timed(f"{kind}: first import", results, merge)
            second = timed(f"{kind}: second import (nothing to change)", results, merge)
            write(path, tracker_rows(count, changed=count // (2 if kind == "xlsx" else 3)))
            third = timed(f"{kind}: import with one row changed", results, merge)
            changed = [c for c in third.changes if c.kind.name == "actions"]
            if kind == "xlsx" and sum(c.is_new for c in first.changes if c.kind.name == "actions") != count:
                failures.append(f"{kind}: the first import did not add {count:,} actions")
            if second.changes:
                failures.append(f"{kind}: the second import changed {len(second.changes)} records")
            if len(changed) != 1:
                failures.append(f"{kind}: one changed row changed {len(changed)} actions")
    engine.dispose()
    slow = [label for label, seconds in results if seconds >= LIMIT_SECONDS]
    for problem in failures + [f"{label}: a minute or more" for label in slow]:
        print(problem, file=sys.stderr)
    return 1 if failures or slow else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.trackers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="an empty database")
    parser.add_argument("--rows", type=int, default=5000, help="actions in the tracker (default 5000)")
    args = parser.parse_args(argv)
    return run(args.url, args.rows)


if __name__ == "__main__":
    sys.exit(main())
