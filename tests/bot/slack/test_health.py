"""The web process's probes (issue 16): /healthz says the process is up; /readyz says whether it can
serve (database reachable, schema current), with a reason and nothing secret. Served by uvicorn on
loopback from the app the Procfile's web process makes, on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.db import make_engine, make_sessions, unready
from bot.slack.asgi import SlackASGI, make_application
from tests.bot.slack.conftest import SECRET, Running


@pytest.fixture
def served(settings) -> Iterator[Running]:
    """The app the web process makes (make_application), served."""
    server = Running(None, make_application(settings))
    yield server
    server.close()


def get(server: Running, path: str, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(server.url + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_process_is_up_and_ready_on_a_current_database(served):
    assert get(served, "/healthz") == (200, "up\n")
    assert get(served, "/readyz") == (200, "ready\n")


def test_a_database_whose_schema_is_behind_is_not_ready(served, demo_db):
    with demo_db.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    status, body = get(served, "/readyz")
    assert status == 503 and body.startswith("not ready: schema at 0001, needs ")
    assert get(served, "/healthz") == (200, "up\n")


def test_an_unreachable_database_is_not_ready_and_its_url_is_not_shown(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    engine = make_engine(f"postgresql+psycopg://boardbot:PASSWORDq7Zk2@127.0.0.1:{port}/boardbot", timeout=1)
    asgi = SlackASGI(create_app(settings, make_sessions(engine)), SECRET, unready=partial(unready, engine))
    server = Running(None, asgi)
    try:
        status, body = get(server, "/readyz")
        assert get(server, "/healthz") == (200, "up\n")
    finally:
        server.close()
    assert status == 503 and body == "not ready: database unreachable (OperationalError)\n"
    assert "PASSWORD" not in body and str(port) not in body


def test_probes_are_read_not_posted(served):
    status, _ = served.post("", path="/readyz")
    assert status == 405
    assert get(served, "/healthz", method="HEAD")[0] == 200
