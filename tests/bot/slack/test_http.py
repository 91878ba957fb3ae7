"""Whole signed HTTP requests to the running app: replies ride on the ack, buttons respond later."""

from __future__ import annotations

import json
import logging
import time

from slack_bolt import BoltRequest

from bot.app import COMMANDS
from tests.bot.slack.conftest import DEMO_NOW


def test_slash_command_is_answered_in_the_ack_without_calling_slack(running, fake_slack):
    assert [c.method for c in fake_slack.calls] == ["auth.test"]  # once, when the app starts
    fake_slack.calls.clear()
    status, reply = running.command("/nextmeeting", "wellbeing")
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert "next meeting" in reply["blocks"][0]["text"]["text"]
    assert "Thursday 5 October 2023" in reply["text"]
    assert fake_slack.calls == []  # one round trip: nothing else was sent to Slack


def test_every_registered_command_answers_over_http(running):
    for command in COMMANDS:
        status, reply = running.command(f"/{command.name}", "")
        assert status == 200, command.name
        assert reply["blocks"] and reply["text"], command.name


def test_share_posts_in_channel(running):
    status, reply = running.command("/agenda", "scrutiny 25 Nov share")
    assert status == 200 and reply["response_type"] == "in_channel"


def test_unsigned_or_stale_requests_are_refused(running):
    body = "command=%2Fnextmeeting&text=&team_id=local&user_id=U1"
    assert running.post(body, secret="wrong-secret")[0] == 401
    assert running.post(body, timestamp=int(time.time()) - 3600)[0] == 401


def test_other_paths_and_methods_are_not_served(running):
    assert running.get("/slack/events")[0] == 405
    assert running.get("/admin")[0] == 404


def test_page_button_replaces_the_message_through_response_url(running, fake_slack):
    value = json.dumps({"c": "agenda", "t": "hwb 2023-10-05", "p": 1, "b": None, "s": False})
    status, _ = running.button(
        {"action_id": "page_next", "block_id": "pager", "value": value, "type": "button"},
        response_url=fake_slack.response_url(),
    )
    assert status == 200
    [call] = fake_slack.calls_to("respond")
    assert call.body["replace_original"] is True
    assert "YOUTH JUSTICE PLANS" in call.body["text"]


def test_a_forged_button_value_gets_a_polite_answer(running, fake_slack):
    status, _ = running.button(
        {"action_id": "page_next", "value": "{not json", "type": "button"},
        response_url=fake_slack.response_url(),
    )
    assert status == 200
    [call] = fake_slack.calls_to("respond")
    assert "older message" in call.body["text"]


def test_junk_gets_a_helpful_reply_never_a_trace(running, caplog):
    junk = ("<!channel> ' \" ; DROP TABLE boards; -- ] } , ]" * 80)[:3000]
    with caplog.at_level(logging.ERROR):
        for command in COMMANDS:
            for text in (junk, "hwb " + junk, "health &amp; wellbeing " + junk[:50]):
                status, reply = running.command(f"/{command.name}", text)
                assert status == 200, command.name
                assert reply["text"] and "something went wrong" not in reply["text"], (
                    command.name,
                    reply["text"],
                )
                assert "<!channel>" not in json.dumps(reply), command.name
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_failing_command_is_logged_with_its_traceback_and_the_user_told(
    bolt_app, running, monkeypatch, caplog
):
    import commands.common

    def broken(*args):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(commands.common, "upcoming", broken)  # /nextmeeting finds the meeting there
    with caplog.at_level(logging.ERROR):
        status, reply = running.command("/nextmeeting", "hwb")
    assert status == 200 and reply["response_type"] == "ephemeral"
    assert "something went wrong on our side" in reply["text"]
    assert any(r.exc_info and "database on fire" in str(r.exc_info[1]) for r in caplog.records)


def test_socket_mode_payloads_dispatch_through_the_same_app(bolt_app):
    payload = {
        "command": "/kpi",
        "text": "hwb reoffending",
        "team_id": "local",
        "user_id": "UNOBODY",
        "channel_id": "DDIRECT",
        "channel_name": "directmessage",
        "response_url": "http://127.0.0.1:9/x",
    }
    response = bolt_app.dispatch(BoltRequest(body=payload, mode="socket_mode"))
    assert response.status == 200
    assert "Westminster" in json.loads(response.body)["text"]


def test_the_clock_is_pinned_by_settings(running):
    assert DEMO_NOW.year == 2023
    status, reply = running.command("/nextmeeting", "hwb")
    assert "14 working days left" in reply["text"]
