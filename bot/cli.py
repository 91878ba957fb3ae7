"""The `boardbot` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import clock
from bot.boarddata import export_yaml, load_files
from bot.config import ConfigError, Settings
from bot.db import SchemaOutOfDate, check_schema, make_engine, make_sessions, schema_revisions, upgrade
from bot.queries import agenda, boards_in_workspace, last_meeting, next_meeting

log = logging.getLogger("boardbot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boardbot", description="BoardBot: a Slack bot for partnership boards."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = sub.add_parser("db", help="create, upgrade or inspect the database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="create the schema or upgrade it to this version").set_defaults(
        run=cmd_db_upgrade
    )
    db_sub.add_parser("status", help="show the database's schema revision").set_defaults(run=cmd_db_status)

    load = sub.add_parser("load", help="validate board-data files, then load them all or nothing")
    load.add_argument("files", nargs="+", metavar="FILE", help="board-data YAML files (docs/data-format.md)")
    load.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    load.set_defaults(run=cmd_load)

    export = sub.add_parser("export", help="write the database out as board data")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(run=cmd_export)

    show = sub.add_parser("show", help="print each board's next meeting and its agenda")
    show.add_argument("--workspace", default="local", help="Slack team id of the workspace (default: local)")
    show.set_defaults(run=cmd_show)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.log_level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = make_engine(settings.database_url)
    try:
        if args.run is not cmd_db_upgrade:
            check_schema(engine)
        return args.run(args, settings, engine)
    except SchemaOutOfDate as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 3
    finally:
        engine.dispose()


def cmd_db_upgrade(args, settings: Settings, engine) -> int:
    before, head = schema_revisions(engine)
    upgrade(engine)
    if before == head:
        print(f"Database already at revision {head}.")
    else:
        print(f"Database upgraded from {before or 'empty'} to revision {head}.")
    return 0


def cmd_db_status(args, settings: Settings, engine) -> int:
    current, head = schema_revisions(engine)
    print(f"database revision: {current}\ncode revision:     {head}")
    return 0


def cmd_load(args, settings: Settings, engine) -> int:
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        result = load_files(session, args.files, now=clock.now(settings), dry_run=args.dry_run)
        if not result.ok:
            session.rollback()
    if not result.ok:
        count = len(result.problems)
        print(f"Nothing was loaded: {count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.dry_run:
        for change in result.changes:
            print(change.describe())
        print(f"Dry run, nothing changed. Would load: {result.summary()}")
    else:
        print(f"Loaded {', '.join(args.files)}: {result.summary()}")
    return 0


def cmd_export(args, settings: Settings, engine) -> int:
    with make_sessions(engine)() as session:
        text = export_yaml(session)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Exported to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_show(args, settings: Settings, engine) -> int:
    instant = clock.now(settings)
    with make_sessions(engine)() as session:
        boards = boards_in_workspace(session, args.workspace)
        if not boards:
            print("No boards yet. Load some: boardbot load data/demo/*.yaml")
            return 0
        for board in boards:
            today = instant.astimezone(ZoneInfo(board.timezone)).date()
            print(f"\n{board.name}")
            meeting = next_meeting(session, board, today)
            if meeting is None:
                last = last_meeting(session, board, today)
                when = f"; the last was on {last.meets_on:%A %-d %B %Y}" if last else ""
                print(f"  No meeting scheduled after {today:%-d %B %Y}{when}.")
                continue
            start = meeting.starts_at.strftime("%H:%M") if meeting.starts_at else "time not yet published"
            print(f"  Next meeting: {meeting.meets_on:%A %-d %B %Y}, {start} ({meeting.status})")
            print(f"  Venue: {meeting.venue or 'not recorded'}")
            items = agenda(session, meeting)
            if not items:
                print("  Agenda: not yet published.")
            for item in items:
                purpose = f" ({item.purpose})" if item.purpose else ""
                print(f"  {item.number:>5}  {item.title}{purpose}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
