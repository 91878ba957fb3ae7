"""The `boardbot` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot import clock, logs, process
from bot.boarddata import export_yaml, load_files, loaded_unchanged, remember_export
from bot.config import ConfigError, Settings
from bot.db import SchemaOutOfDate, check_schema, make_engine, make_sessions, schema_revisions, upgrade
from bot.importers.command import add_import_parser, report
from bot.importers.tracker_export import add_export_parser
from bot.search.cli import add_reindex_parser

log = logging.getLogger("boardbot")
SLACK_IDS_HELP = (
    "stand-in Slack ids while this runs, to see the messages people not on Slack would get: "
    "`demo` (everyone), or a YAML file of person or board key: Slack id (docs: README, Console)"
)


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
    load.add_argument(
        "--dry-run", action="store_true", help="show what would change and what conflicts; change nothing"
    )
    load.add_argument(
        "--prefer-file",
        action="store_true",
        help="take the files' values even over changes made in Slack since the last load (conflicts)",
    )
    load.add_argument(
        "--if-changed",
        action="store_true",
        help="load nothing when every file was loaded before and has not changed since",
    )
    load.add_argument(
        "--workspace",
        metavar="TEAM_ID",
        help="bind the files' boards to this Slack workspace (team id, e.g. T012AB3CD), whatever they say",
    )
    load.set_defaults(run=cmd_load)
    add_import_parser(sub)
    add_reindex_parser(sub)

    workspace = sub.add_parser("workspace", help="show or change which Slack workspace each board belongs to")
    workspace_sub = workspace.add_subparsers(dest="workspace_command", metavar="ACTION")
    workspace.set_defaults(run=cmd_workspace_show)
    workspace_sub.add_parser("show", help="each board and its workspace (the default)").set_defaults(
        run=cmd_workspace_show
    )
    set_team = workspace_sub.add_parser("set", help="bind the boards to a Slack workspace (its team id)")
    set_team.add_argument("team_id", metavar="TEAM_ID", help="the Slack team id, e.g. T012AB3CD")
    set_team.add_argument(
        "--board", metavar="KEY", help="the board whose workspace moves (default: the only one)"
    )
    set_team.set_defaults(run=cmd_workspace_set)

    export = sub.add_parser("export", help="write the database out as board data")
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output, and remember it: load the edited FILE to merge",
    )
    export.add_argument(
        "--workspace", metavar="TEAM_ID", help="only this Slack workspace's boards (serving many)"
    )
    export.set_defaults(run=cmd_export)
    add_export_parser(export)

    backup = sub.add_parser("backup", help="copy the database (and its board data as YAML) to DIR")
    backup.add_argument("--out", metavar="DIR", default="backups", help="where (default: %(default)s)")
    backup.set_defaults(run=cmd_backup)
    restore = sub.add_parser("restore", help="put the database back as a backup file has it")
    restore.add_argument("file", metavar="FILE", help="a .sqlite3 or .pgdump file `boardbot backup` wrote")
    restore.set_defaults(run=cmd_restore)

    console = sub.add_parser(
        "console", help="type slash commands on a terminal, answered by the same Bolt app"
    )
    console.add_argument(
        "--as", dest="person", metavar="PERSON", help="act as this person (their key in the data)"
    )
    console.add_argument(
        "--board",
        metavar="BOARD",
        help="the board you are 'in', as in its Slack channel (its key, or a part of its name)",
    )
    console.add_argument("--slack-ids", metavar="demo|FILE", help=SLACK_IDS_HELP)
    console.add_argument(
        "--log",
        metavar="FILE",
        default="boardbot-console.log",
        help="where log lines go (default: %(default)s)",
    )
    console.add_argument(
        "--workspace", default="local", help="Slack team id of the workspace (default: local)"
    )
    console.add_argument(
        "-c",
        "--command",
        action="append",
        metavar="LINE",
        help="run this line and leave (repeatable), instead of reading the terminal",
    )
    console.set_defaults(run=cmd_console)

    clock = sub.add_parser(
        "clock", help="run the reminder clock: what is due is derived and sent every 5 minutes"
    )
    clock.set_defaults(run=cmd_clock, serves=True)

    reminders = sub.add_parser("reminders", help="see what the reminder clock would send")
    reminders_sub = reminders.add_subparsers(dest="reminders_command", required=True, metavar="ACTION")
    preview = reminders_sub.add_parser(
        "preview", help="print what would be sent on a day, and to whom, sending nothing"
    )
    preview.add_argument(
        "--date", metavar="D", help="the day: 2026-11-23, 23/11/2026 or '23 Nov' (default: now)"
    )
    preview.add_argument("--workspace", default=None, help="only this workspace's boards (Slack team id)")
    preview.add_argument("--slack-ids", metavar="demo|FILE", help=SLACK_IDS_HELP)
    preview.set_defaults(run=cmd_reminders_preview)

    run = sub.add_parser(
        "run", help="the Socket Mode bot and the reminder clock in one process (small deployments)"
    )
    run.set_defaults(run=cmd_run, serves=True)

    serve = sub.add_parser(
        "serve", help="serve Slack: Socket Mode with SLACK_APP_TOKEN, else HTTP via uvicorn"
    )
    serve.set_defaults(run=cmd_serve, serves=True)

    manifest = sub.add_parser("manifest", help="print the Slack app manifest")
    manifest.add_argument("--url", default=None, help="the public https URL of /slack/events")
    manifest.add_argument("--socket-mode", action="store_true", help="a manifest for Socket Mode (no URLs)")
    manifest.set_defaults(run=cmd_manifest, needs_db=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 2
    logs.setup(settings)
    if not getattr(args, "needs_db", True):
        return args.run(args, settings, None)
    engine = (
        serving_engine(settings) if getattr(args, "serves", False) else make_engine(settings.database_url)
    )
    try:
        if args.run not in (cmd_db_upgrade, cmd_restore):  # these two may meet an older schema
            check_schema(engine)
        return args.run(args, settings, engine)
    except SchemaOutOfDate as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 3
    finally:
        engine.dispose()


def serving_engine(settings: Settings):
    """The engine of a long-running process (Socket Mode, the clock): bounded by DATABASE_TIMEOUT as the
    web process's is, so a hung database fails a request or a reminder run in time instead of freezing
    it; one-off commands (migrations, loads) are not bounded."""
    return make_engine(settings.database_url, timeout=settings.database_timeout, pool_pre_ping=True)


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
    if args.if_changed:
        with sessions() as session:
            if loaded_unchanged(session, args.files):
                print(f"Not loaded: {', '.join(args.files)} unchanged since the last load.")
                return 0
    with sessions.begin() as session:
        result = load_files(
            session,
            args.files,
            now=clock.now(settings),
            dry_run=args.dry_run,
            prefer_file=args.prefer_file,
            team_id=args.workspace,
        )
        if not result.ok:
            session.rollback()
    return report(result, ", ".join(args.files), dry_run=args.dry_run, verb="Loaded")


def cmd_workspace_show(args, settings: Settings, engine) -> int:
    from bot.workspaces import describe_places

    with make_sessions(engine)() as session:
        print("\n".join(describe_places(session)))
    return 0


def cmd_workspace_set(args, settings: Settings, engine) -> int:
    from bot.workspaces import WorkspaceError, set_workspace

    try:
        with make_sessions(engine).begin() as session:
            print(set_workspace(session, args.team_id, args.board))
    except WorkspaceError as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_export(args, settings: Settings, engine) -> int:
    """Write the board data out; with -o, remember what was written, so loading the edited file merges."""
    with make_sessions(engine).begin() as session:
        try:
            text = export_yaml(session, args.workspace)
        except LookupError as exc:
            print(f"boardbot: {exc}", file=sys.stderr)
            return 2
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            remember_export(session, args.output, clock.now(settings), args.workspace)
    if args.output:
        print(f"Exported to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_backup(args, settings: Settings, engine) -> int:
    from bot.backup import backup_command

    return backup_command(engine, Path(args.out))


def cmd_restore(args, settings: Settings, engine) -> int:
    from bot.backup import restore_command

    return restore_command(engine, Path(args.file))


def cmd_console(args, settings: Settings, engine) -> int:
    from bot.console import Console, interact
    from bot.workspaces import load_team

    with make_sessions(engine)() as session:
        team_id = load_team(session, args.workspace)  # `local`: the one workspace, once bound
    with logs.to_file(args.log, settings):
        try:
            console = Console(
                settings,
                make_sessions(engine),
                team_id=team_id,
                person=args.person,
                board=args.board,
                color=sys.stdout.isatty(),
                slack_ids=args.slack_ids,
            )
        except ValueError as exc:
            print(f"boardbot: {exc}", file=sys.stderr)
            return 2
        try:
            if args.command:
                for line in args.command:
                    print(console.run_line(line))
            else:
                interact(console)
        finally:
            console.close()
    return 0


def cmd_serve(args, settings: Settings, engine) -> int:
    if not (settings.slack_bot_token or settings.oauth):
        print(
            "boardbot: SLACK_BOT_TOKEN is not set, so there is no Slack to serve. "
            "Set the Slack variables (README: Configuration), or try `boardbot console`.",
            file=sys.stderr,
        )
        return 2
    if settings.slack_app_token and not settings.oauth:  # many workspaces install over HTTP
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        from bot.app import create_app
        from bot.workspaces import start_up

        log.info("Serving Slack over Socket Mode")
        sessions = make_sessions(engine)
        start_up(settings, sessions)
        handler = SocketModeHandler(create_app(settings, sessions), settings.slack_app_token)
        process.started()
        handler.start()
        return 0
    engine.dispose()
    from bot.slack.asgi import serve

    return serve(settings)


def cmd_clock(args, settings: Settings, engine) -> int:
    """The clock reminds the bot token's workspace, so it too gives it the boards loaded for `local`."""
    from slack_sdk.errors import SlackApiError

    from bot.workspaces import start_up
    from reminders.scheduler import run_clock

    try:
        start_up(settings, make_sessions(engine))
    except (SlackApiError, OSError) as exc:
        print(f"boardbot: cannot reach Slack with SLACK_BOT_TOKEN: {exc}", file=sys.stderr)
        return 2
    return run_clock(settings, engine)


def cmd_reminders_preview(args, settings: Settings, engine) -> int:
    from bot.standins import StandInError, stand_ins
    from reminders.preview import preview

    try:
        with stand_ins(make_sessions(engine), args.workspace, args.slack_ids):
            return preview(
                settings, engine, day=args.date, team_id=args.workspace, out=sys.stdout, err=sys.stderr
            )
    except StandInError as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 2


def cmd_run(args, settings: Settings, engine) -> int:
    """Bot and clock in one process: Socket Mode only, since web workers must never run the scheduler."""
    if not (settings.slack_bot_token and settings.slack_app_token):
        print(
            "boardbot: `boardbot run` needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode); "
            "with HTTP, run `boardbot serve` and `boardbot clock` as separate processes.",
            file=sys.stderr,
        )
        return 2
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app
    from bot.workspaces import start_up
    from reminders.scheduler import start_background

    sessions = make_sessions(engine)
    team = start_up(settings, sessions)
    handler = SocketModeHandler(create_app(settings, sessions), settings.slack_app_token)
    clock_thread = start_background(settings, sessions, team_id=team.team_id if team else None)
    process.started()
    try:
        handler.start()
    finally:
        clock_thread.shutdown(wait=False)
    return 0


def cmd_manifest(args, settings: Settings, engine) -> int:
    from bot.manifest import PLACEHOLDER_URL, manifest_yaml

    sys.stdout.write(manifest_yaml(args.url or PLACEHOLDER_URL, socket_mode=args.socket_mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
