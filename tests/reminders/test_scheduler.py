"""The clock process: one keyed job, registered the safe way, that runs at start and every few minutes."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from datetime import date

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import Settings
from bot.db import make_sessions
from reminders import scheduler
from reminders.delivery import make_client
from tests.reminders.world import at_local

D = date.fromisoformat


def settings_for(world, slack, **values) -> Settings:
    return Settings(
        database_url=world.engine.url.render_as_string(hide_password=False),
        slack_bot_token="xoxb-test",
        slack_api_url=slack.api_url,
        now=at_local(D("2026-11-26")),
        **values,
    )


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_job_has_an_explicit_id_and_is_registered_once(world, slack):
    settings = settings_for(world, slack)
    clock = scheduler.build_scheduler(BackgroundScheduler)
    client = make_client(settings)
    clock.start(paused=True)
    try:
        for _ in range(2):  # a second registration replaces the first
            scheduler.add_jobs(clock, settings, make_sessions(world.engine), client, "T0TEST")
        [job] = clock.get_jobs()
    finally:
        clock.shutdown(wait=False)
    assert job.id == scheduler.JOB_ID == "reminders.run"
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (
        True,
        1,
        scheduler.MISFIRE_GRACE_SECONDS,
    )
    assert isinstance(job.trigger, CronTrigger) and str(job.trigger.timezone) == "UTC"
    assert str(job.trigger) == "cron[minute='*/5']"
    assert job.func is scheduler.reminder_job


def test_start_background_runs_at_once_and_sends(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    clock = scheduler.start_background(
        settings_for(world, slack), make_sessions(world.engine), api_url=slack.api_url
    )
    try:
        assert wait_for(lambda: len(slack.posted()) == 1)
    finally:
        clock.shutdown(wait=True)
    assert len(slack.calls_to("auth.test")) == 1  # it asked which workspace the token belongs to
    assert len(slack.posted()) == 1


def test_boardbot_clock_refuses_without_a_token(world, slack):
    err = io.StringIO()
    settings = Settings(database_url="sqlite://")
    assert scheduler.run_clock(settings, world.engine, err=err) == 2
    assert "SLACK_BOT_TOKEN is not set" in err.getvalue() and "reminders preview" in err.getvalue()


def test_boardbot_clock_sends_then_stops_on_sigterm(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    previous = signal.getsignal(signal.SIGTERM)

    def stop_when_sent() -> None:
        if wait_for(lambda: len(slack.posted()) == 1):
            os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_when_sent, daemon=True)
    stopper.start()
    try:
        assert scheduler.run_clock(settings_for(world, slack), world.engine) == 0
    finally:
        signal.signal(signal.SIGTERM, previous)
    stopper.join(5)
    assert len(slack.posted()) == 1
