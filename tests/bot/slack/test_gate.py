"""bot.slack.gate on its own: the signature on raw bytes, the size limit, payloads Bolt could not route."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

from slack_bolt import BoltRequest

from bot.slack import gate

SECRET = b"gate-secret"
NOW = 1_700_000_000.0


def headers_for(body: bytes, *, timestamp: str | None = None, secret: bytes = SECRET) -> dict[str, str]:
    timestamp = str(int(NOW)) if timestamp is None else timestamp
    digest = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": "v0=" + digest,
    }


def test_a_signed_command_is_handed_to_bolt_parsed():
    body = urlencode({"command": "/nextmeeting", "text": "hwb", "team_id": "T1", "user_id": "U1"}).encode()
    request = gate.admit(SECRET, body, headers_for(body), now=NOW)
    assert isinstance(request, BoltRequest)
    assert request.body["command"] == "/nextmeeting" and request.body["text"] == "hwb"


def test_the_signature_is_checked_on_the_bytes_and_the_clock():
    body = "command=/kpi&text=café".encode()
    assert gate.signed(SECRET, body, headers_for(body), NOW)
    assert not gate.signed(SECRET, body + b" ", headers_for(body), NOW)  # tampered
    assert not gate.signed(SECRET, body, headers_for(body, secret=b"other"), NOW)  # forged
    assert gate.signed(SECRET, body, headers_for(body, timestamp=str(int(NOW) - 299)), NOW)
    assert not gate.signed(SECRET, body, headers_for(body, timestamp=str(int(NOW) - 301)), NOW)  # stale
    assert not gate.signed(SECRET, body, headers_for(body, timestamp=str(int(NOW) + 301)), NOW)
    for timestamp in ("soon", "", "1e9", "-1", "9" * 40, "１７００"):  # never an exception
        assert not gate.signed(SECRET, body, headers_for(body, timestamp=timestamp), NOW), timestamp
    assert not gate.signed(SECRET, b"\xff\xfe", headers_for(b"\xff\xfd"), NOW)  # bytes that are not UTF-8


def test_refusals_say_what_was_wrong():
    assert gate.admit(SECRET, b"command=/kpi", {}, now=NOW).status == 401
    for body, content_type, said in (
        (b"{", "application/json", "JSONDecodeError"),
        (b"payload=notjson", "application/x-www-form-urlencoded", "JSONDecodeError"),
        (b"payload=%5B%5D", "application/x-www-form-urlencoded", "not a Slack payload"),
        (b"\xff", "application/x-www-form-urlencoded", "not UTF-8"),
        (json.dumps({"type": "event_callback", "event": None}).encode(), "application/json", "event type"),
        (
            urlencode(
                {"payload": json.dumps({"type": "block_actions", "actions": [{"value": "1"}]})}
            ).encode(),
            "application/x-www-form-urlencoded",
            "action_id",
        ),
        (
            urlencode({"payload": json.dumps({"type": "view_submission", "view": "x"})}).encode(),
            "application/x-www-form-urlencoded",
            "callback_id",
        ),
    ):
        refusal = gate.admit(SECRET, body, {**headers_for(body), "content-type": content_type}, now=NOW)
        assert isinstance(refusal, gate.Refusal) and refusal.status == 400, body
        assert said in refusal.reason, (body, refusal.reason)


def test_the_length_is_judged_before_the_body_is_read():
    assert gate.declared_length(None) is None
    assert gate.declared_length("512") == 512
    assert gate.declared_length(str(gate.MAX_BODY_BYTES + 1)).status == 413
    assert gate.declared_length("lots").status == 400


def test_only_posts_to_the_events_path_are_served():
    assert gate.route("POST", "/slack/events") is None
    assert gate.route("GET", "/slack/events").status == 405
    assert gate.route("POST", "/admin").status == 404


def test_slacks_unsigned_ssl_check_goes_through_as_bolt_would_answer_it():
    assert isinstance(gate.admit(SECRET, b"ssl_check=1&token=x", {}, now=time.time()), BoltRequest)
    assert gate.admit(SECRET, b"ssl_check=1&command=/kpi", {}, now=time.time()).status == 401
