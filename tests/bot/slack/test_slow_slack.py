"""A slow or failing Slack Web API under the web process (issue 16): acks stay within Slack's 3 seconds,
replies Slack refused are sent again (once), and a reply Slack never takes is logged without its text.

Served by uvicorn on loopback (tests/bot/slack/conftest.Running), with the fake Slack Web API on
loopback scripted to answer late or with errors; SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
import time

import pytest

from bot.slack import after
from bot.slack.listeners import FORM_FAILED
from tests.bot.slack.test_buttons import action_id, press, responses
from tests.bot.slack.test_events import dm, event_body, history, link_people, posted, send
from tests.fake_slack import Scripted, view_of

SECRET_WORDS = "waiting for the ICB figures q7Zk2"  # what a member typed: never in the log
REFUSED = Scripted(500, {"ok": False, "error": "internal_error"})


def timed(ask):
    started = time.monotonic()
    answer = ask()
    return time.monotonic() - started, answer


def delivered(fake_slack, method: str = "chat.postMessage") -> list[dict]:
    """The calls of `method` Slack took (answered ok): what people see."""
    return [c.body for c in fake_slack.calls_to(method) if c.answer.get("ok")]


def test_a_form_opens_after_the_command_is_answered_while_slack_takes_5_s(running, fake_slack, demo_db):
    link_people(demo_db)
    fake_slack.script("views.open", Scripted(delay=5))
    seconds, (status, body) = timed(
        lambda: running.command("/boardbot", "action add", user_id="UMARIA", trigger_id="T.slow")
    )
    assert status == 200 and body is None and seconds < 1.0  # the empty ack: the form comes next
    seconds, (status, reply) = timed(lambda: running.command("/nextmeeting", "Health and Wellbeing Board"))
    assert status == 200 and "Thursday 5 October 2023" in reply["text"] and seconds < 1.0
    [opened] = fake_slack.calls_to("views.open")  # waits for the slow call to end
    assert opened.body["trigger_id"] == "T.slow"
    assert view_of(opened.body)["callback_id"] == "record_action_modal"
    assert fake_slack.calls_to("respond") == []  # nothing said to have failed


def test_a_form_slack_refuses_to_open_is_reported_to_the_member(running, fake_slack, demo_db):
    link_people(demo_db)
    fake_slack.script("views.open", Scripted(200, {"ok": False, "error": "expired_trigger_id"}))
    status, body = running.command(
        "/boardbot", "action add", user_id="UMARIA", response_url=fake_slack.response_url("form")
    )
    assert status == 200 and body is None
    [told] = fake_slack.calls_to("respond")
    assert told.body["text"] == FORM_FAILED and told.body["response_type"] == "ephemeral"


def test_a_button_is_answered_at_once_while_slack_takes_5_s_to_show_the_result(running, fake_slack, demo_db):
    link_people(demo_db)
    fake_slack.script("respond", Scripted(delay=5))
    seconds, (status, _) = timed(
        lambda: press(running, fake_slack, "action_done", action_id(demo_db, "HWB-2"))
    )
    assert status == 200 and seconds < 1.0
    assert [row[1:4] for row in history(demo_db, "HWB-2")] == [("status", "open", "done")]
    [answer] = responses(fake_slack)
    assert "Updated *HWB-2*" in answer


def test_a_lead_s_update_answered_while_slack_is_slow_is_acked_at_once(running, fake_slack, demo_db):
    link_people(demo_db)
    fake_slack.script("chat.postMessage", Scripted(delay=5))
    seconds, (status, _) = timed(lambda: send(running, event_body(dm("HWB-2 done"))))
    assert status == 200 and seconds < 1.0  # Slack sees its answer in time and does not deliver it again
    [reply] = posted(fake_slack)
    assert "Updated *HWB-2*" in reply["text"]


def test_a_reply_refused_twice_with_500_is_sent_once_and_the_update_recorded_once(
    running, fake_slack, demo_db
):
    link_people(demo_db)
    fake_slack.script("chat.postMessage", REFUSED, REFUSED)
    event = dm(f"HWB-2 in progress: {SECRET_WORDS}")
    assert send(running, event_body(event))[0] == 200
    assert len(posted(fake_slack)) == 3  # two refused, the third taken
    [reply] = delivered(fake_slack)
    assert "Updated *HWB-2*" in reply["text"] and reply["thread_ts"] == event["ts"]
    assert [row[1] for row in history(demo_db, "HWB-2")] == ["status", "progress"]


def test_a_reply_rate_limited_is_sent_when_slack_says(running, fake_slack, demo_db):
    link_people(demo_db)
    limited = Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    fake_slack.script("chat.postMessage", limited)
    assert send(running, event_body(dm("HWB-2 done")))[0] == 200
    calls = fake_slack.calls_to("chat.postMessage")
    assert len(calls) == 2 and calls[1].at - calls[0].at >= 1.0  # waited as Slack asked
    assert len(delivered(fake_slack)) == 1


def test_a_reply_slack_never_takes_is_logged_with_the_user_and_not_the_text(
    running, fake_slack, demo_db, caplog
):
    caplog.set_level(logging.INFO)
    link_people(demo_db)
    fake_slack.script("chat.postMessage", *[REFUSED] * (after.RETRIES + 1))
    assert send(running, event_body(dm(f"HWB-2 note: {SECRET_WORDS}")))[0] == 200
    assert delivered(fake_slack) == [] and len(posted(fake_slack)) == after.RETRIES + 1
    assert [row[1] for row in history(demo_db, "HWB-2")] == ["progress"]  # the update itself is kept
    assert "reply to a message for UKIRAN not delivered: HTTP 500 internal_error" in caplog.text
    assert "q7Zk2" not in caplog.text


def test_a_reply_slack_answered_too_late_is_not_posted_again(
    running, fake_slack, demo_db, caplog, monkeypatch
):
    monkeypatch.setattr(after, "REPLY_SECONDS", 1)
    link_people(demo_db)
    fake_slack.script("chat.postMessage", Scripted(delay=1.5))  # Slack has it, but answers late
    assert send(running, event_body(dm(f"HWB-2 note: {SECRET_WORDS}")))[0] == 200
    assert len(posted(fake_slack)) == 1  # it may have been posted: a second try could show twice
    assert "reply to a message for UKIRAN not delivered: no answer in time" in caplog.text
    assert "q7Zk2" not in caplog.text


@pytest.mark.parametrize("how", ["slow", "down"])
def test_an_update_whose_sender_slack_cannot_describe_in_time_is_retried_by_slack(
    running, fake_slack, demo_db, monkeypatch, how
):
    """Who a new Slack user is (users.info) decides what is recorded, so it is asked before the ack:
    without an answer the event gets 5xx, and Slack's retry records it once."""
    monkeypatch.setattr(after, "LOOKUP_SECONDS", 1)
    profile = {"ok": True, "user": {"id": "UNEW", "profile": {"email": "KHayer@westminster.gov.uk"}}}
    fake_slack.script("users.info", Scripted(delay=2) if how == "slow" else REFUSED, Scripted(body=profile))
    body = event_body(dm("HWB-2 done", user="UNEW"))
    seconds, (status, _) = timed(lambda: send(running, body))
    assert status >= 500 and seconds < 3.0
    assert history(demo_db, "HWB-2") == [] and posted(fake_slack) == []
    assert send(running, body, retry=1)[0] == 200
    assert [row[5] for row in history(demo_db, "HWB-2")] == ["kiran-hayer"]
    assert len(posted(fake_slack)) == 1
