"""One log line per request the web process serves (issue 16): what it was, for which workspace, the
status and the time taken, in `key=value` text or, with LOG_FORMAT=json, one JSON object a line; never a
token, a secret, the response_url or what the member typed. The Procfile's web process on loopback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.bot.slack.conftest import SECRET
from tests.bot.slack.test_served import Served, command_body, procfile_command, start, stop

# A member's words, Slack's verification token and the response_url: none may reach the log.
TYPED, TOKEN, RESPONSE_URL = "WORDSj4Xq", "TOKENj4Xq", "https://hooks.slack.com/commands/T1/RESPj4Xq"
NEVER = (TYPED, TOKEN, "RESPj4Xq", SECRET, "xoxb-test")


def web_process(demo_db, fake_slack, tmp_path, **env: str) -> Served:
    return start(["bash", "-c", procfile_command("web")], demo_db, fake_slack, tmp_path / "web.log", **env)


@pytest.fixture
def web_json(demo_db, fake_slack, tmp_path) -> Iterator[Served]:
    served = web_process(demo_db, fake_slack, tmp_path, LOG_FORMAT="json")
    yield served
    stop(served)


@pytest.fixture
def web_text(demo_db, fake_slack, tmp_path) -> Iterator[Served]:
    served = web_process(demo_db, fake_slack, tmp_path)
    yield served
    stop(served)


def request_lines(served: Served, after: int = 0, expect: int = 0) -> list[str]:
    """The log's request lines past the first `after`, waiting briefly for `expect` of them."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in served.log.read_text().splitlines() if "request" in line]
        lines = [line for line in lines if '"message": "request"' in line or ": request " in line]
        if len(lines) - after >= expect or time.monotonic() > deadline:
            return lines[after:]
        time.sleep(0.05)


def member_asks(text: str) -> bytes:
    return command_body(text, token=TOKEN, response_url=RESPONSE_URL)


def test_a_members_question_is_one_json_line_with_its_kind_team_status_and_time(web_json):
    before = len(request_lines(web_json, expect=1))  # the start-up probe's own line
    status, body = web_json.signed(member_asks(f"health and wellbeing {TYPED}"))
    reply = json.loads(body)["text"]
    assert status == 200 and "Wellbeing Board" in reply and TYPED in reply  # the reply has it, the log not
    [line] = request_lines(web_json, before, expect=1)
    time.sleep(0.3)  # nothing more follows for that request
    assert len(request_lines(web_json, before)) == 1
    assert TYPED not in web_json.log.read_text()
    entry = json.loads(line)
    assert {k: entry[k] for k in ("level", "message", "method", "path", "kind", "team", "status")} == {
        "level": "INFO",
        "message": "request",
        "method": "POST",
        "path": "/slack/events",
        "kind": "command:/nextmeeting",
        "team": "T0TEST",
        "status": 200,
    }
    assert isinstance(entry["ms"], float) and 0 < entry["ms"] < 3000


def test_in_json_mode_every_log_line_parses_and_nothing_secret_is_in_it(web_json):
    web_json.signed(member_asks(TYPED))  # a board nobody has: a helpful reply
    button = {"type": "block_actions", "team": {"id": "T0TEST"}, "user": {"id": "U1", "team_id": "T0TEST"},
              "token": TOKEN, "response_url": RESPONSE_URL, "trigger_id": "1.2",
              "actions": [{"action_id": "no_such_button", "value": TYPED}]}  # fmt: skip
    web_json.signed(urlencode({"payload": json.dumps(button)}).encode())
    refused = member_asks(TYPED)
    assert web_json.post(refused, {})[0] == 401  # unsigned
    lines = request_lines(web_json, expect=4)
    kinds = [(json.loads(line)["kind"], json.loads(line)["status"]) for line in lines]
    assert kinds[-3:] == [("command:/nextmeeting", 200), ("block_actions:no_such_button", 404), ("-", 401)]
    log = web_json.log.read_text()
    for line in log.splitlines():
        json.loads(line)  # uvicorn's and Bolt's lines too
    assert not [secret for secret in NEVER if secret in log], log[-3000:]


def test_by_default_the_line_is_plain_key_value_text(web_text):
    before = len(request_lines(web_text, expect=1))  # the start-up probe's own line
    web_text.signed(member_asks("fps"))
    [line] = request_lines(web_text, before, expect=1)
    fields = dict(pair.split("=", 1) for pair in line.split(": request ", 1)[1].split())
    assert {k: fields[k] for k in ("method", "path", "kind", "team", "status")} == {
        "method": "POST",
        "path": "/slack/events",
        "kind": "command:/nextmeeting",
        "team": "T0TEST",
        "status": "200",
    }
    assert float(fields["ms"]) > 0
    assert "uvicorn.access" not in web_text.log.read_text()  # one line a request, ours
