"""Faults at the Slack edge: control characters in what members type, a database that is down or hung
(issue 16). Served by the web process's ASGI app on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.app import create_app
from bot.config import ConfigError, Settings
from bot.db import make_engine, make_sessions
from bot.slack.listeners import UNAVAILABLE
from tests.bot.slack.conftest import DEMO_NOW, SECRET, Running
from tests.bot.slack.test_events import dm, event_body, history, link_people, posted, send


def test_an_update_with_a_nul_byte_is_recorded_without_it(running, fake_slack, demo_db):
    link_people(demo_db)
    assert send(running, event_body(dm("HWB-2 note: a\x00b")))[0] == 200
    [reply] = posted(fake_slack)
    assert "Updated *HWB-2*" in reply["text"]
    [row] = history(demo_db, "HWB-2")
    assert row[1] == "progress" and row[3] == "ab"


def test_a_command_with_control_characters_is_answered(running):
    status, reply = running.command("/nextmeeting", "Health\x00 & Wellbeing\x07 Board")
    assert status == 200
    assert "Thursday 5 October 2023" in reply["text"]


def unavailable_app(settings: Settings, url: str) -> Running:
    engine = make_engine(url, timeout=settings.database_timeout, pool_pre_ping=True)
    return Running(create_app(settings, make_sessions(engine)))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connecting is refused


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that takes connections and never answers: a PostgreSQL that hangs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        yield s.getsockname()[1]


def test_a_command_on_an_unreachable_database_is_told_so_in_time(fake_slack):
    settings = Settings(slack_signing_secret=SECRET, slack_api_url=fake_slack.api_url, now=DEMO_NOW)
    server = unavailable_app(settings, f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/boardbot")
    try:
        started = time.monotonic()
        status, reply = server.command("/nextmeeting", "Health and Wellbeing Board")
        assert time.monotonic() - started < 3
    finally:
        server.close()
    assert status == 200 and reply == {"response_type": "ephemeral", "text": UNAVAILABLE}


def test_a_command_on_a_hung_database_is_told_so_in_time(fake_slack):
    settings = Settings(slack_signing_secret=SECRET, slack_api_url=fake_slack.api_url, now=DEMO_NOW)
    with silent_server() as port:
        server = unavailable_app(settings, f"postgresql+psycopg://postgres@127.0.0.1:{port}/boardbot")
        try:
            started = time.monotonic()
            status, reply = server.command("/kpi", "hwb")
            assert time.monotonic() - started < 3
        finally:
            server.close()
    assert status == 200 and reply["text"] == UNAVAILABLE, reply


def test_database_timeout_is_read_from_the_environment():
    assert Settings.from_env({}).database_timeout == 2.0
    assert Settings.from_env({"DATABASE_TIMEOUT": "1.5"}).database_timeout == 1.5
    for wrong in ("soon", "0", "-1", "nan", "600"):
        with pytest.raises(ConfigError, match="DATABASE_TIMEOUT"):
            Settings.from_env({"DATABASE_TIMEOUT": wrong})
