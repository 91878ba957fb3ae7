"""Time full-text search on the large generated database (bench.generate), as members ask.

    .venv/bin/python -m bench.generate --url sqlite:////tmp/bench.db          # once
    .venv/bin/python -m bench.search --url sqlite:////tmp/bench.db [--rounds 10]

The generator writes rows directly, so the first run builds the search index (`boardbot reindex`,
timed). Then each of QUESTIONS is asked once untimed (a warm-up: the web process's pooled connections
and caches are warm after its first requests; the round's slowest is printed) and `--rounds` times
timed, in a read-only session as the Slack edge
opens one: `search` alone (the query), and `/boardbot search` whole (query, excerpts, rendering),
each over the workspace and kept to one board (the words after the board's key, a board in turn).
Prints p50, p99 and the slowest, in milliseconds, and the rows behind them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time as timer
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot import models as m
from bot import process
from bot.config import normalise_database_url
from bot.db import make_engine, make_sessions, reading
from bot.request import CommandRequest
from bot.search import reindex, search
from commands import search as search_command

TEAM = "TBENCH"
QUESTIONS = (
    "better care fund",
    "what did we decide about the BCF?",
    "youth justice plan",
    "LAC placements",
    "SEND inspection action plan",
    "hospital discharge",
    "winter pressures",
    "first time entrants",
    "suicide prevention audit",
    "rough sleeping pathway",
    "childhood immunisation uptake",
    "domestic abuse strategy",
    "carers' strategy",
    "air quality",
    "terms of reference",
    "awaiting data from NHS partners",
    "health inequalities dashboard",
    "what happened with fuel poverty?",
    "reoffending rate",
    "xylophone quokka",
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="a database bench.generate filled")
    parser.add_argument("--rounds", type=int, default=10, help="times each question is asked")
    args = parser.parse_args(argv)
    engine = make_engine(normalise_database_url(args.url))
    sessions = make_sessions(engine)
    with sessions() as session:
        entries = session.scalar(select(func.count()).select_from(m.SearchEntry)) or 0
    if not entries:
        started = timer.perf_counter()
        with sessions.begin() as session:
            counts = reindex(session)
        print(f"reindex: {timer.perf_counter() - started:.1f} s, {counts}")
    with sessions() as session:
        entries = session.scalar(select(func.count()).select_from(m.SearchEntry)) or 0
        workspace_id = session.scalar(select(m.Workspace.id).where(m.Workspace.team_id == TEAM))
    if workspace_id is None:
        print(
            f"bench.search: no workspace {TEAM}: fill the database with bench.generate first", file=sys.stderr
        )
        return 2
    print(f"{engine.dialect.name}: {entries:,} search entries")
    process.started()  # as a web worker does once its app is built
    with sessions() as session:
        boards = list(
            session.execute(select(m.Board.id, m.Board.key).where(m.Board.workspace_id == workspace_id))
        )
    names = ("search()", "search() 1 board", "/boardbot search", "… BOARD words")
    timings: dict[str, list[float]] = {name: [] for name in names}
    warm_up: dict[str, list[float]] = {name: [] for name in names}
    matched: dict[str, int] = {}
    for round_ in range(-1, args.rounds):  # -1: the warm-up round
        for i, question in enumerate(QUESTIONS):
            board_id, board_key = boards[(round_ * len(QUESTIONS) + i) % len(boards)]
            timed = timings if round_ >= 0 else warm_up
            for name, board_ids in (("search()", None), ("search() 1 board", [board_id])):
                with reading(sessions) as session:
                    started = timer.perf_counter()
                    results = search(session, workspace_id, question, board_ids=board_ids)
                    timed[name].append((timer.perf_counter() - started) * 1000)
                if board_ids is None:
                    matched[question] = results.total
            for name, words in (("/boardbot search", question), ("… BOARD words", f"{board_key} {question}")):
                request = CommandRequest.parse(
                    "boardbot", words, team_id=TEAM, user_id="UB00001", channel_id="DB1",
                    is_direct_message=True, now=datetime(2026, 11, 22, 9, tzinfo=UTC),
                )  # fmt: skip
                with reading(sessions) as session:
                    started = timer.perf_counter()
                    search_command.answer(request, session, request.words)
                    timed[name].append((timer.perf_counter() - started) * 1000)
    for name, values in timings.items():
        print(
            f"{name:<18} n={len(values)} p50 {statistics.median(values):.1f} ms · "
            f"p99 {percentile(values, 0.99):.1f} ms · max {max(values):.1f} ms · "
            f"warm-up's slowest {max(warm_up[name]):.1f} ms"
        )
    for question, total in matched.items():
        print(f"  {total:>8,} matches  {question}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
