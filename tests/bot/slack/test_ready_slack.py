"""/readyz asks Slack too (issue 16): a bot token Slack refuses makes the process unready, with why; a
Slack that is down does not, and is noted; auth.test is asked once, then at most every few minutes.
Served by uvicorn on loopback, with the fake Slack Web API; SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial

import pytest

from bot.db import unready
from bot.slack import ready
from bot.slack.asgi import SlackASGI, make_application
from bot.slack.ready import SlackCheck
from tests.bot.slack.conftest import SECRET, Running
from tests.bot.slack.test_health import get
from tests.fake_slack import Scripted

REVOKED = Scripted(200, {"ok": False, "error": "token_revoked"})
DOWN = Scripted(503, {"ok": False, "error": "service_unavailable"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def served(bolt_app, demo_db, clock) -> Iterator[Running]:
    """The web process's ASGI app with its probes, on a clock the test moves."""
    asgi = SlackASGI(
        bolt_app,
        SECRET,
        unready=partial(unready, demo_db),
        slack=SlackCheck(bolt_app.client, clock=clock),
    )
    server = Running(None, asgi)
    yield server
    server.close()


def auth_tests(fake_slack) -> int:
    return len(fake_slack.calls_to("auth.test"))


def eventually(server: Running, expected: tuple[int, str]) -> tuple[int, str]:
    """/readyz until it says `expected` (a refresh runs in the background), for at most 5 s."""
    deadline = time.monotonic() + 5
    answer = get(server, "/readyz")
    while answer != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        answer = get(server, "/readyz")
    return answer


def test_auth_test_is_asked_once_then_at_most_every_few_minutes(served, fake_slack, clock):
    before = auth_tests(fake_slack)
    assert [get(served, "/readyz") for _ in range(3)] == [(200, "ready\n")] * 3
    assert auth_tests(fake_slack) == before + 1
    clock.now += ready.REFRESH_SECONDS - 1
    assert get(served, "/readyz") == (200, "ready\n") and auth_tests(fake_slack) == before + 1
    fake_slack.script("auth.test", REVOKED)
    clock.now += 2
    assert eventually(served, (503, "not ready: Slack refuses the bot token (token_revoked)\n")) == (
        503,
        "not ready: Slack refuses the bot token (token_revoked)\n",
    )
    assert auth_tests(fake_slack) == before + 2
    assert get(served, "/healthz") == (200, "up\n")  # the process is up: only not to be sent work


def test_a_bot_token_slack_refuses_makes_the_web_process_unready(settings, fake_slack):
    server = Running(None, make_application(settings))
    try:
        fake_slack.script("auth.test", Scripted(200, {"ok": False, "error": "invalid_auth"}))
        status, body = get(server, "/readyz")
    finally:
        server.close()
    assert (status, body) == (503, "not ready: Slack refuses the bot token (invalid_auth)\n")
    assert "xoxb" not in body


def test_a_slack_outage_is_noted_but_leaves_the_process_ready_and_is_asked_again_sooner(
    served, fake_slack, clock
):
    fake_slack.script("auth.test", DOWN)
    status, body = get(served, "/readyz")
    assert status == 200
    assert body == "ready (Slack's auth.test failed just now (HTTP 503 service_unavailable))\n"
    before = auth_tests(fake_slack)
    clock.now += ready.RECHECK_SECONDS
    assert eventually(served, (200, "ready\n")) == (200, "ready\n")  # Slack is back
    assert auth_tests(fake_slack) == before + 1


def test_a_slack_that_does_not_answer_leaves_the_process_ready(served, fake_slack):
    fake_slack.script("auth.test", Scripted(delay=3))
    started = time.monotonic()
    status, body = get(served, "/readyz")
    assert time.monotonic() - started < 3.0
    assert status == 200 and body.startswith("ready (Slack's auth.test ")
