"""`boardbot reindex`: rebuild the search index from the data (bot/search/index.py)."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot import models as m
from bot.config import Settings
from bot.db import make_sessions
from bot.search.index import reindex


def add_reindex_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reindex", help="rebuild the search index from the board data (after an upgrade, or to check it)"
    )
    parser.add_argument(
        "--if-empty", action="store_true", help="only when the index has nothing in it (a new install)"
    )
    parser.set_defaults(run=cmd_reindex)


def cmd_reindex(args, settings: Settings, engine) -> int:
    with make_sessions(engine).begin() as session:
        if args.if_empty and session.scalar(select(m.SearchEntry.id).limit(1)) is not None:
            print("Search index not rebuilt: it has entries already.")
            return 0
        counts = reindex(session)
    for kind, (added, changed, removed) in counts.items():
        print(f"{kind}: {added} added, {changed} changed, {removed} removed")
    return 0
