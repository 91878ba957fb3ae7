"""Time a ModernGov import: a committee with five years of meetings from the loopback stand-in.

    .venv/bin/python -m bench.moderngov [--url sqlite:////tmp/mg.db] [--meetings 60] [--items 10]

Into an empty database (the schema is created): the fetch (one GetMeetings, one GetMeeting per
meeting, over HTTP on loopback, parsed with defusedxml), the first import, then a second sync of
the unchanged site and one after a change to a meeting. Prints one line per step with its seconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.moderngov_site import Attendee, Doc, FakeSite, Item, SiteCommittee, SiteMeeting
from bot.boarddata import Imported, LoadResult, load_imported
from bot.config import normalise_database_url
from bot.db import make_engine, make_sessions, upgrade
from bot.importers.mgclient import Client
from bot.importers.moderngov import fetch

FIRST_DAY = date(2019, 1, 10)
NOW = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


def committee(meetings: int, items: int) -> SiteCommittee:
    """`meetings` a month apart from January 2019, `items` items each with a paper, 12 members."""
    members = [Attendee(str(100 + n), f"Councillor Member {n:02d}", "Committee Member") for n in range(10)]
    members[0].role, members[1].role = "Chair", "Vice-Chair"
    members += [Attendee("900", "Dem Services Officer", "Committee Administrator", kind="officer")]
    rows = []
    for n in range(meetings):
        day = FIRST_DAY + timedelta(days=round(n * 365.25 * 5 / max(meetings, 1)))
        rows.append(
            SiteMeeting(
                1000 + n,
                day,
                status="Cancelled" if n % 25 == 24 else "",
                venue="Council Chamber, Town Hall",
                docs=[Doc(f"{n}00", f"Agenda frontsheet {day:%d/%m/%Y}", day - timedelta(days=8))],
                items=[
                    Item(
                        str(i),
                        f"Report {i} to the meeting of {day:%d %B %Y} & its appendices",
                        restricted=i == items and n % 4 == 0,
                        docs=[Doc(f"{n}{i:02d}", f"Report {i}", day - timedelta(days=8))],
                    )
                    for i in range(1, items + 1)
                ],
                attendees=members,
            )
        )
    return SiteCommittee(42, "Health and Wellbeing Board", rows)


def timed(label: str, step: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = step()
    print(f"{label:<42} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty database (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--meetings", type=int, default=60)
    parser.add_argument("--items", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = normalise_database_url(args.url or f"sqlite:///{Path(folder) / 'moderngov.db'}")
        engine = make_engine(url)
        upgrade(engine)
        site = FakeSite([committee(args.meetings, args.items)])
        client = Client(site.url)
        end = FIRST_DAY + timedelta(days=365 * 5 + 30)

        def read() -> Imported:
            return fetch(client, 42, FIRST_DAY, end, show=lambda rows, total, unit: rows)

        def load(imported: Imported) -> LoadResult:
            with make_sessions(engine).begin() as session:
                return load_imported(session, [imported], now=NOW)

        try:
            imported = timed(f"fetch {args.meetings} meetings x {args.items} items", read)
            result = timed("first import (merge and write)", lambda: load(imported))
            print(f"  {result.summary()}")
            again = timed("second sync, site unchanged (fetch + merge)", lambda: load(read()))
            print(f"  {again.summary()}")
            site.committees[0].meetings[-1].venue = "Committee Room 3"
            changed = timed("third sync, one meeting moved room", lambda: load(read()))
            print(f"  {changed.summary()}")
        finally:
            site.close()
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
