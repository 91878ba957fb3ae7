"""The clock: APScheduler runs one reminder run every few minutes, in a process of its own.

The reminder job, `reminders.run`, on a cron trigger in UTC (every EVERY_MINUTES minutes, so DST cannot move
it; each board's send time is applied in its own zone by the run). Registered with an explicit id,
`replace_existing`, `coalesce` (runs missed while the clock was busy or down collapse into one),
a misfire grace time and `max_instances=1`, and run once at start so a restarted clock catches up at
once. The ledger makes every run safe to repeat, in one clock or several. A second job,
`moderngov.sync`, runs hourly in an executor of its own (a slow council site never holds up a
reminder run) and re-imports each ModernGov board whose sync interval has passed (bot/importers/mgsync.py).

Web workers never run this: `boardbot clock` (the Procfile's `clock:`) does, or `boardbot run` for a
single small deployment (start_background beside the Socket Mode bot). Serving many workspaces
(SLACK_CLIENT_ID set), each run reminds every installed workspace with its own bot token, the
workspaces side by side (reminders/pool.py), each within its own Slack limits.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TextIO

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
from bot.importers.mgsync import SyncOutcome, sync_due
from bot.slack.oauth import Installations
from bot.workspaces import LOCAL
from reminders.delivery import Outcome, Sender, make_client
from reminders.limits import Limits
from reminders.run import EVERY_MINUTES, RunResult, run_options, run_reminders

log = logging.getLogger(__name__)

JOB_ID = "reminders.run"
MISFIRE_GRACE_SECONDS = 4 * 60  # later than this, a missed run is dropped: the next one catches up
SYNC_JOB_ID = "moderngov.sync"
SYNC_MINUTE = 20  # past each hour; each board syncs once its own interval (daily by default) has passed


def reminder_job(
    settings: Settings, sessions: sessionmaker[Session], client: WebClient, team_id: str | None
) -> RunResult:
    """The clock's job: one reminder run at the clock's now."""
    sender = Sender(client, limits=Limits.posting(settings.reminder_posts_per_second), team=team_id or "")
    return run_reminders(sessions, sender, now=clock.now(settings), team_id=team_id, **run_options(settings))


def all_workspaces_job(
    settings: Settings, sessions: sessionmaker[Session], installations: Installations
) -> RunResult:
    """Many workspaces: one reminder run for all, each workspace posted to with its own bot token,
    side by side within its own limits (a workspace without a token is skipped and logged)."""
    installations.forget_abandoned(datetime.now(UTC))  # real time, as the states were issued
    limits = Limits.posting(settings.reminder_posts_per_second)

    def sender(team_id: str) -> Sender | None:
        token = installations.bot_token(team_id)
        if token is None:
            why = (
                "its boards are bound to no Slack workspace (`boardbot workspace set`)"
                if team_id == LOCAL
                else "BoardBot is not installed there (never, or uninstalled)"
            )
            log.info("Reminders for workspace %s skipped: %s", team_id, why)
            return None
        return Sender(make_client(replace(settings, slack_bot_token=token)), limits=limits, team=team_id)

    return run_reminders(sessions, sender, now=clock.now(settings), **run_options(settings))


def each_workspace_job(
    settings: Settings,
    sessions: sessionmaker[Session],
    installations: Installations,
    job: Callable[[Settings, sessionmaker[Session], WebClient, str | None], Any] = reminder_job,
    what: str = "Reminders",
) -> list:
    """Many workspaces: `job` (a reminder run, or a ModernGov sync) for each workspace with boards,
    posting with that workspace's bot token.

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
            log.info("%s for workspace %s skipped: %s", what, team_id, why)
            continue
        client = make_client(replace(settings, slack_bot_token=token))
        results.append(job(settings, sessions, client, team_id))
    return results


def moderngov_job(
    settings: Settings, sessions: sessionmaker[Session], client: WebClient, team_id: str | None
) -> list[SyncOutcome]:
    """The clock's sync: re-import the ModernGov boards that are due; tell each secretary."""
    sender = Sender(client)
    return sync_due(
        sessions,
        clock.now(settings),
        lambda user, text, blocks: log_undelivered(user, sender.deliver(user, text, blocks, [])),
        team_id=team_id,
    )


def log_undelivered(user: str, outcome: Outcome) -> None:
    if outcome.status != "sent":
        log.warning("ModernGov sync report to %s not delivered: %s", user, outcome.error)


def build_scheduler(kind: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    return kind(
        timezone=UTC,
        executors={
            "default": ThreadPoolExecutor(max_workers=1),
            "imports": ThreadPoolExecutor(max_workers=1),
        },
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
        (all_workspaces_job, {"installations": installations})
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


def add_sync_job(
    scheduler: BaseScheduler,
    settings: Settings,
    sessions: sessionmaker[Session],
    client: WebClient | None,
    team_id: str | None,
    *,
    installations: Installations | None = None,
) -> None:
    """Register the hourly ModernGov sync, in the `imports` executor, beside the reminder job: for
    the one workspace of `client`'s token, or with `installations` for every workspace installed."""
    job, kwargs = (
        (each_workspace_job, {"installations": installations, "job": moderngov_job, "what": "ModernGov sync"})
        if installations is not None
        else (moderngov_job, {"client": client, "team_id": team_id})
    )
    scheduler.add_job(
        job,
        trigger=CronTrigger(minute=SYNC_MINUTE, timezone=UTC),
        id=SYNC_JOB_ID,
        name="moderngov: re-import the boards whose sync is due",
        executor="imports",
        kwargs={"settings": settings, "sessions": sessions, **kwargs},
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=30 * 60,
        max_instances=1,
    )


def workspace_of(client: WebClient) -> str:
    """The team id the bot token belongs to: a clock reminds that workspace's boards only."""
    return client.auth_test()["team_id"]


def run_clock(settings: Settings, engine: Engine, *, err: TextIO = sys.stderr) -> int:
    """`boardbot clock`: run the scheduler in the foreground until SIGTERM or Ctrl-C."""
    if settings.oauth:
        scheduler = build_scheduler(BlockingScheduler)
        installations = Installations.on(settings, engine)
        add_jobs(scheduler, settings, make_sessions(engine), None, None, installations=installations)
        add_sync_job(scheduler, settings, make_sessions(engine), None, None, installations=installations)
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
    add_sync_job(scheduler, settings, make_sessions(engine), client, team_id)
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
    team = team_id or workspace_of(client)
    add_jobs(scheduler, settings, sessions, client, team)
    add_sync_job(scheduler, settings, sessions, client, team)
    scheduler.start()
    return scheduler
