"""Faults at the Slack edge: control characters in what members type, a database that is down or hung
(issue 16). Served by the web process's ASGI app on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine

from bot.app import create_app
from bot.config import ConfigError, Settings
from bot.db import make_engine, make_sessions
from bot.slack import asgi
from bot.slack.listeners import LATE, NOT_RECORDED, UNAVAILABLE
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


@contextmanager
def database_locked(engine: Engine) -> Iterator[None]:
    """Another connection holds the lock every update needs, as a stuck writer or a hung server would."""
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(str(engine.url.database), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("LOCK TABLE boards, update_requests IN ACCESS EXCLUSIVE MODE")
        yield
        connection.rollback()


@pytest.fixture
def impatient(settings, demo_db) -> Iterator[Running]:
    """The served app on the demo database with 0.3 s database timeouts."""
    engine = make_engine(demo_db.url.render_as_string(hide_password=False), timeout=0.3)
    server = Running(create_app(settings, make_sessions(engine)))
    yield server
    server.close()
    engine.dispose()


def test_an_update_the_database_could_not_take_is_retried_by_slack_and_recorded_once(
    impatient, fake_slack, demo_db
):
    link_people(demo_db)
    body = event_body(dm("HWB-2 in progress: waiting for ICB data"))
    with database_locked(demo_db):
        status, _ = send(impatient, body)
    assert status >= 500  # Slack delivers it again
    assert history(demo_db, "HWB-2") == [] and posted(fake_slack) == []
    assert send(impatient, body, retry=1)[0] == 200
    assert send(impatient, body, retry=2)[0] == 200
    assert [row[1] for row in history(demo_db, "HWB-2")] == ["status", "progress"]
    [reply] = posted(fake_slack)
    assert "Updated *HWB-2*" in reply["text"]


def test_a_command_on_a_locked_database_is_told_so_in_time(impatient, demo_db):
    with database_locked(demo_db):
        started = time.monotonic()
        status, reply = impatient.command("/actions", "hwb mine")
        assert time.monotonic() - started < 3
    assert status == 200 and reply["text"] == UNAVAILABLE


@pytest.fixture
def hasty(monkeypatch, bolt_app) -> Iterator[Running]:
    """The served app cutting Bolt off after 0.5 s, on an engine that waits for locks unbounded."""
    monkeypatch.setattr(asgi, "ANSWER_SECONDS", 0.5)
    server = Running(bolt_app)
    yield server
    server.close()


def test_a_command_stuck_on_the_database_is_answered_in_time(hasty, demo_db):
    with database_locked(demo_db):
        started = time.monotonic()
        status, reply = hasty.command("/nextmeeting", "hwb")
        assert time.monotonic() - started < 3
    assert status == 200 and reply["text"] == LATE


def test_an_update_stuck_on_the_database_is_retried_by_slack_and_recorded_once(hasty, fake_slack, demo_db):
    link_people(demo_db)
    body = event_body(dm("HWB-2 done"))
    with database_locked(demo_db):
        assert send(hasty, body)[0] == 503
    deadline = time.monotonic() + 10
    while not posted(fake_slack) and time.monotonic() < deadline:  # the stuck delivery goes on when unlocked
        time.sleep(0.05)
    assert send(hasty, body, retry=1)[0] == 200
    assert [row[1] for row in history(demo_db, "HWB-2")] == ["status"]
    assert len(posted(fake_slack)) == 1


def test_an_update_still_failing_on_slacks_last_retry_is_answered_not_recorded(
    impatient, fake_slack, demo_db
):
    link_people(demo_db)
    body = event_body(dm("HWB-2 done"))
    with database_locked(demo_db):
        assert [send(impatient, body, retry=retry)[0] for retry in (None, 1, 2)] == [500, 500, 500]
        assert posted(fake_slack) == []
        assert send(impatient, body, retry=3)[0] == 200
    [reply] = posted(fake_slack)
    assert reply["text"] == f"{NOT_RECORDED} {UNAVAILABLE}"
    assert reply["channel"] == "DKIRAN" and reply["thread_ts"] == json.loads(body)["event"]["ts"]
    assert history(demo_db, "HWB-2") == []
