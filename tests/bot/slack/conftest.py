"""A running BoardBot on loopback, a fake Slack Web API beside it, and Slack-signed requests."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import uvicorn
from slack_sdk.signature import SignatureVerifier

from bot.app import create_app
from bot.config import Settings
from bot.db import make_sessions
from bot.slack.asgi import SlackASGI

SECRET = "test-signing-secret"
DEMO_NOW = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def settings(demo_db, fake_slack) -> Settings:
    return Settings(
        database_url=demo_db.url.render_as_string(hide_password=False),
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url,
        now=DEMO_NOW,
    )


@pytest.fixture
def bolt_app(settings, demo_db):
    return create_app(settings, make_sessions(demo_db))


class Running:
    """The web process's ASGI app served by uvicorn on a loopback port, with Slack-signed requests to it."""

    def __init__(self, app, asgi: SlackASGI | None = None):
        """Serve `app` through SlackASGI, or `asgi` as it is made."""
        config = uvicorn.Config(
            asgi or SlackASGI(app, SECRET),
            host="127.0.0.1",
            port=0,
            ws="none",
            lifespan="on",
            log_config=None,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def post(
        self,
        body: str,
        *,
        path: str = "/slack/events",
        secret: str = SECRET,
        timestamp: int | None = None,
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict | None = None,
    ):
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
        request = urllib.request.Request(
            self.url + path,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(timestamp),
                "X-Slack-Signature": signature,
                **(headers or {}),
            },
        )
        return self._send(request)

    def get(self, path: str):
        return self._send(urllib.request.Request(self.url + path))

    def _send(self, request):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def command(self, command: str, text: str = "", **fields):
        payload = {
            "token": "x",
            "team_id": "local",
            "user_id": "UNOBODY",
            "channel_id": "DDIRECT",
            "channel_name": "directmessage",
            "command": command,
            "text": text,
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1.2.3",
            **fields,
        }
        status, body = self.post(urlencode(payload))
        return status, (json.loads(body) if body else None)

    def button(self, action: dict, **fields):
        payload = {
            "type": "block_actions",
            "team": {"id": "local"},
            "user": {"id": "UNOBODY", "team_id": "local"},
            "channel": {"id": "DDIRECT", "name": "directmessage"},
            "trigger_id": "1.2.3",
            "actions": [action],
            **fields,
        }
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def running(bolt_app) -> Iterator[Running]:
    server = Running(bolt_app)
    yield server
    server.close()
