"""`boardbot serve` in HTTP mode runs the real WSGI server (gunicorn), signed requests and all."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

from tests.bot.slack.conftest import SECRET, Running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_gunicorn_and_answers_a_signed_command(demo_db, fake_slack):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": demo_db.url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "PORT": str(port),
        "BOARDBOT_NOW": "2023-09-01T09:00:00+01:00",
        "WEB_CONCURRENCY": "1",
    }
    env.pop("SLACK_APP_TOKEN", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.1)
        client = Running.__new__(Running)  # only its request helpers: the server is gunicorn's
        client.url = f"http://127.0.0.1:{port}"
        payload = {
            "command": "/nextmeeting",
            "text": "wellbeing",
            "team_id": "local",
            "user_id": "U1",
            "channel_id": "D1",
            "channel_name": "directmessage",
        }
        status, body = client.post(urlencode(payload))
        assert status == 200, body
        assert "Thursday 5 October 2023" in json.loads(body)["text"]
        assert client.post(urlencode(payload), secret="forged")[0] == 401
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert "gunicorn" in output.lower() or "Booting worker" in output
