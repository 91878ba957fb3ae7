"""Faults at the Slack edge: control characters in what members type, a database that is down or hung
(issue 16). Served by the web process's ASGI app on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

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
