"""The clock: APScheduler runs one reminder run every few minutes, in a process of its own.

One job, `reminders.run`, on a cron trigger in UTC (every EVERY_MINUTES minutes, so DST cannot move
it; each board's send time is applied in its own zone by the run). Registered with an explicit id,
`replace_existing`, `coalesce` (runs missed while the clock was busy or down collapse into one),
a misfire grace time and `max_instances=1`, and run once at start so a restarted clock catches up at
once. The ledger makes every run safe to repeat, in one clock or several.

Web workers never run this: `boardbot clock` (the Procfile's `clock:`) does, or `boardbot run` for a
single small deployment (start_background beside the Socket Mode bot). Serving many workspaces
(SLACK_CLIENT_ID set), each run reminds every installed workspace with its own bot token.
"""

from __future__ import annotations

import logging
import signal
import sys
from dataclasses import replace
from datetime import UTC, datetime
from typing import TextIO

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, exists, select
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot import models as m
from bot.config import Settings
from bot.db import make_sessions, reading
from bot.slack.oauth import Installations
from bot.workspaces import LOCAL
from reminders.delivery import Sender, make_client
from reminders.run import RunResult, run_reminders

log = logging.getLogger(__name__)

JOB_ID = "reminders.run"
EVERY_MINUTES = 5
MISFIRE_GRACE_SECONDS = 4 * 60  # later than this, a missed run is dropped: the next one catches up


def reminder_job(
    settings: Settings, sessions: sessionmaker[Session], client: WebClient, team_id: str | None
) -> RunResult:
    """The clock's job: one reminder run at the clock's now."""
    return run_reminders(sessions, Sender(client), now=clock.now(settings), team_id=team_id)


def each_workspace_job(
    settings: Settings, sessions: sessionmaker[Session], installations: Installations
) -> list[RunResult]:
    """Many workspaces: a run for each workspace with boards, posted with that workspace's bot token.

    The token is looked up at every run, so a workspace installed since is reminded and one
    uninstalled since is not (its boards are kept)."""
    with reading(sessions) as session:
        teams = list(
            session.scalars(
                select(m.Workspace.team_id)
                .where(exists().where(m.Board.workspace_id == m.Workspace.id))
                .order_by(m.Workspace.team_id)
            )
        )
    installations.forget_abandoned(datetime.now(UTC))  # real time, as the states were issued
    results = []
    for team_id in teams:
        token = installations.bot_token(team_id)
        if token is None:
            why = (
                "its boards are bound to no Slack workspace (`boardbot workspace set`)"
                if team_id == LOCAL
                else "BoardBot is not installed there (never, or uninstalled)"
            )
            log.info("Reminders for workspace %s skipped: %s", team_id, why)
            continue
        client = make_client(replace(settings, slack_bot_token=token))
        results.append(reminder_job(settings, sessions, client, team_id))
    return results


def build_scheduler(kind: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    return kind(
        timezone=UTC,
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
    )


def add_jobs(
    scheduler: BaseScheduler,
    settings: Settings,
    sessions: sessionmaker[Session],
    client: WebClient | None,
    team_id: str | None,
    *,
    installations: Installations | None = None,
    run_at_start: bool = True,
) -> None:
    """Register the reminder job under its id (replacing an older registration of it): for the one
    workspace of `client`'s token, or with `installations` for every workspace installed."""
    options = {"next_run_time": datetime.now(UTC)} if run_at_start else {}
    job, kwargs = (
        (each_workspace_job, {"installations": installations})
        if installations is not None
        else (reminder_job, {"client": client, "team_id": team_id})
    )
    scheduler.add_job(
        job,
        trigger=CronTrigger(minute=f"*/{EVERY_MINUTES}", timezone=UTC),
        id=JOB_ID,
        name="reminders: derive what is due and send it",
        kwargs={"settings": settings, "sessions": sessions, **kwargs},
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        max_instances=1,
        **options,
    )


def workspace_of(client: WebClient) -> str:
    """The team id the bot token belongs to: a clock reminds that workspace's boards only."""
    return client.auth_test()["team_id"]


def run_clock(settings: Settings, engine: Engine, *, err: TextIO = sys.stderr) -> int:
    """`boardbot clock`: run the scheduler in the foreground until SIGTERM or Ctrl-C."""
    if settings.oauth:
        scheduler = build_scheduler(BlockingScheduler)
        add_jobs(
            scheduler,
            settings,
            make_sessions(engine),
            None,
            None,
            installations=Installations.on(settings, engine),
        )
        log.info(
            "Reminder clock started for every installed workspace: a run every %d minutes", EVERY_MINUTES
        )
        return run_foreground(scheduler)
    if not settings.slack_bot_token:
        print(
            "boardbot: SLACK_BOT_TOKEN is not set, so reminders have nowhere to go. Set the Slack "
            "variables (README: Configuration), or see what would be sent with "
            "`boardbot reminders preview`.",
            file=err,
        )
        return 2
    client = make_client(settings)
    try:
        team_id = workspace_of(client)
    except (SlackApiError, OSError) as exc:
        print(f"boardbot: cannot reach Slack with SLACK_BOT_TOKEN: {exc}", file=err)
        return 2
    scheduler = build_scheduler(BlockingScheduler)
    add_jobs(scheduler, settings, make_sessions(engine), client, team_id)
    log.info("Reminder clock started for workspace %s: a run every %d minutes", team_id, EVERY_MINUTES)
    return run_foreground(scheduler)


def run_foreground(scheduler: BaseScheduler) -> int:
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
    log.info("Reminder clock stopped")
    return 0


def start_background(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    api_url: str | None = None,
    team_id: str | None = None,
) -> BackgroundScheduler:
    """The clock in a background thread, for `boardbot run` and the console (api_url: its stand-in).

    Without team_id, asks Slack (auth.test) which workspace the token belongs to.
    """
    client = make_client(settings, base_url=api_url)
    scheduler = build_scheduler(BackgroundScheduler)
    add_jobs(scheduler, settings, sessions, client, team_id or workspace_of(client))
    scheduler.start()
    return scheduler
