"""The long-running processes besides the web one, `boardbot serve` over Socket Mode and `boardbot clock`,
wait on a hung database no longer than DATABASE_TIMEOUT, as the web process does (issue 16)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

import bot.cli
import reminders.scheduler
from bot.cli import main
from tests.bot.slack.test_faults import database_locked

TIMEOUT = 0.5


@pytest.fixture
def engines(monkeypatch, demo_db, fake_slack) -> list[Engine]:
    """The engines the command under test opens its sessions on; its Slack is the fake."""
    monkeypatch.setenv("DATABASE_URL", demo_db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("DATABASE_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    seen: list[Engine] = []
    make_sessions = bot.cli.make_sessions

    def recording(engine: Engine):
        seen.append(engine)
        return make_sessions(engine)

    monkeypatch.setattr(bot.cli, "make_sessions", recording)
    return seen


def assert_bounded(engine: Engine, demo_db: Engine) -> None:
    with database_locked(demo_db):
        started = time.monotonic()
        with pytest.raises(OperationalError), engine.begin() as connection:
            connection.execute(text("UPDATE boards SET name = name"))
        assert time.monotonic() - started < TIMEOUT + 1.5


def test_socket_mode_waits_on_a_locked_database_no_longer_than_its_timeout(engines, demo_db, monkeypatch):
    import slack_bolt.adapter.socket_mode

    class Handler:
        def __init__(self, app, app_token: str):
            self.app = app

        def start(self) -> None:
            pass  # no Slack to connect to: the engine it would serve on is what is tested

    monkeypatch.setattr(slack_bolt.adapter.socket_mode, "SocketModeHandler", Handler)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    assert main(["serve"]) == 0
    [engine] = engines
    assert_bounded(engine, demo_db)


def test_the_clock_waits_on_a_locked_database_no_longer_than_its_timeout(engines, demo_db, monkeypatch):
    ran: list[Engine] = []
    monkeypatch.setattr(reminders.scheduler, "run_clock", lambda settings, engine: ran.append(engine) or 0)
    assert main(["clock"]) == 0
    assert ran == engines
    assert_bounded(ran[0], demo_db)
