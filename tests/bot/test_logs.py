"""bot.logs: the two formats, and LOG_FORMAT read once with the choices named when wrong."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from bot import logs
from bot.config import ConfigError, Settings


@pytest.fixture(autouse=True)
def root_logger_restored():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_log_format_that_is_not_text_or_json_is_refused_naming_both():
    assert Settings.from_env({"LOG_FORMAT": "JSON"}).log_format == "json"
    assert Settings.from_env({}).log_format == "text"
    with pytest.raises(ConfigError, match=r"LOG_FORMAT='xml' is not a format; use one of text, json"):
        Settings.from_env({"LOG_FORMAT": "xml"})


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_fields_are_quoted_or_encoded_so_one_record_stays_one_line(log_format):
    stream = io.StringIO()
    logs.setup(Settings(log_format=log_format), stream)
    logs.setup(Settings(log_format=log_format), stream)  # again: still one handler
    fields = {"kind": "view:odd name\nsecond", "team": None, "status": 200, "ms": 1.5}
    logging.getLogger("bot.test").info("request", extra={"fields": fields})
    [line] = stream.getvalue().splitlines()
    if log_format == "json":
        entry = json.loads(line)
        assert (entry["kind"], entry["team"], entry["status"], entry["ms"]) == (
            "view:odd name\nsecond",
            None,
            200,
            1.5,
        )
    else:
        assert line.endswith(' bot.test: request kind="view:odd name\\nsecond" team=- status=200 ms=1.5')


def test_what_a_request_line_says_of_each_kind_of_payload():
    assert logs.slack_request({"command": "/kpi", "team_id": "T1", "text": "secret"}) == {
        "kind": "command:/kpi",
        "team": "T1",
    }
    action = {"type": "block_actions", "user": {"team_id": "T2"}, "actions": [{"action_id": "more"}]}
    assert logs.slack_request(action) == {"kind": "block_actions:more", "team": "T2"}
    event = {"type": "event_callback", "team_id": "T3", "event": {"type": "message", "text": "x"}}
    assert logs.slack_request(event) == {"kind": "event:message", "team": "T3"}
    view = {"type": "view_submission", "team": {"id": "T4"}, "view": {"callback_id": "update"}}
    assert logs.slack_request(view) == {"kind": "view_submission:update", "team": "T4"}


def test_the_web_process_names_the_choices_instead_of_a_traceback(tmp_path):
    env = {"PATH": os.environ["PATH"], "LOG_FORMAT": "xml", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.slack.asgi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (
        2,
        "boardbot: LOG_FORMAT='xml' is not a format; use one of text, json\n",
    )
