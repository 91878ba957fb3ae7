"""`boardbot import SOURCE …`: read with an importer, show what would change, merge all or nothing."""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from bot import clock
from bot.boarddata import Imported, LoadResult, load_imported
from bot.config import Settings
from bot.db import make_sessions

# One line per importer: its module in bot/importers (NAME, HELP, add_arguments, read).
IMPORTERS: tuple[str, ...] = ("moderngov", "actions", "agenda_pack")


class ImportFailed(Exception):
    """The source could not be read (named, with what was wrong): nothing was changed."""


def importers() -> list[ModuleType]:
    return [importlib.import_module(f"bot.importers.{name}") for name in IMPORTERS]


def add_import_parser(sub) -> None:
    """`boardbot import NAME …`, one sub-command per importer, each with the shared options."""
    parser = sub.add_parser(
        "import", help="import board data from ModernGov, a spreadsheet or an agenda pack"
    )
    kinds = parser.add_subparsers(dest="importer", required=True, metavar="SOURCE")
    for module in importers():
        one = kinds.add_parser(module.NAME, help=module.HELP)
        module.add_arguments(one)
        add_shared_arguments(one)
        one.set_defaults(run=run_import, read=module.read, confirm=getattr(module, "CONFIRM", False))


def add_shared_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be added, changed and kept; change nothing"
    )
    parser.add_argument(
        "--prefer-source",
        action="store_true",
        help="take the source's values even over changes made in Slack since the last import (conflicts)",
    )
    parser.add_argument(
        "--workspace",
        metavar="TEAM_ID",
        help="put the boards in this Slack workspace (team id, e.g. T012AB3CD)",
    )


def run_import(args, settings: Settings, engine) -> int:
    try:
        imports: list[Imported] = args.read(args)
    except ImportFailed as exc:
        print(f"Nothing was imported: {exc}", file=sys.stderr)
        return 1
    what = ", ".join(item.key for item in imports)
    if getattr(args, "confirm", False) and not args.dry_run and not getattr(args, "yes", False):
        # CONFIRM importers show what they would change first, and apply only on a yes.
        result = merge(args, settings, engine, imports, dry_run=True)
        if report(result, what, dry_run=True, verb="Imported") or not result.changes:
            return 0 if result.ok else 1
        if not sys.stdin.isatty():
            print("Nothing was imported: add --yes to apply these changes.", file=sys.stderr)
            return 1
        if input("Apply these changes? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing was imported.")
            return 1
    result = merge(args, settings, engine, imports, dry_run=args.dry_run)
    return report(result, what, dry_run=args.dry_run, verb="Imported")


def merge(args, settings: Settings, engine, imports: list[Imported], *, dry_run: bool) -> LoadResult:
    with make_sessions(engine).begin() as session:
        result = load_imported(
            session,
            imports,
            now=clock.now(settings),
            dry_run=dry_run,
            prefer_file=args.prefer_source,
            team_id=args.workspace,
        )
        if not result.ok:
            session.rollback()
        elif not dry_run and getattr(args, "after_import", None):
            args.after_import(session, args, imports)  # e.g. remember the source for the clock
    return result


def report(result: LoadResult, what: str, *, dry_run: bool, verb: str) -> int:
    """Print a load's or an import's outcome as `boardbot load` always has; the exit status."""
    if not result.ok:
        count = len(result.problems)
        print(
            f"Nothing was {verb.lower()}: {count} problem{'s' if count != 1 else ''} found.", file=sys.stderr
        )
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if dry_run:
        for change in result.changes:
            print(change.describe())
        for kept in result.kept:
            print(kept.describe())
        print(f"Dry run, nothing changed. Would {verb.lower().removesuffix('ed')}: {result.summary()}")
        return 0
    for kept in result.conflicts:
        print(kept.describe())
    print(f"{verb} {what}: {result.summary()}")
    return 0
