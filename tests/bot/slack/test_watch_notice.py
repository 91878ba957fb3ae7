"""Stop watching on a watch notice, end to end: the reminder run posts the notice to the fake Slack, a
Slack-signed press on its button reaches the running app, and the answer goes to the response_url."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from bot.slack.watches import STALE
from reminders.run import run_reminders
from tests.bot.slack.test_events import link_people
from tests.reminders.test_watches import MONDAY, add_item, notice_buttons
from tests.reminders.world import sender_for
from tests.slack_limits import assert_fits_slack

KIRAN = {"id": "UKIRAN", "team_id": "local"}


def notice_button(running, fake_slack, demo_db) -> dict:
    """Kiran watches “hospital discharge”, a matching item is added, the run posts its notice."""
    link_people(demo_db)
    running.command("/boardbot", "watch hospital discharge", user_id="UKIRAN")
    add_item(demo_db, "Hospital discharge grant")
    run_reminders(make_sessions(demo_db), sender_for(fake_slack), now=MONDAY)
    [notice] = [
        c.body for c in fake_slack.calls_to("chat.postMessage") if "New for your watch" in json.dumps(c.body)
    ]
    assert notice["channel"] == "UKIRAN"
    [button] = notice_buttons(notice["blocks"])
    return button


def watched(demo_db) -> list[str]:
    with make_sessions(demo_db)() as session:
        return list(session.scalars(select(m.SearchWatch.words)))


def press(running, fake_slack, button: dict, user: dict = KIRAN, ts: str = "1693814700.000001") -> dict:
    running.button({**button, "action_ts": ts}, user=user, response_url=fake_slack.response_url())
    answer = fake_slack.calls_to("respond")[-1].body
    if answer["blocks"]:  # the stale answer is its text alone, as every stale button's is
        assert_fits_slack(answer)
    return answer


def test_stop_watching_on_a_notice_answers_beneath_it_and_removes_the_watch(running, fake_slack, demo_db):
    button = notice_button(running, fake_slack, demo_db)
    answer = press(running, fake_slack, button)
    assert answer["replace_original"] is False and answer["response_type"] == "ephemeral"
    assert answer["text"] == (
        "Done: I no longer watch “hospital discharge” for you. "
        "To watch it again: `/boardbot watch hospital discharge`. You watch nothing else."
    )
    assert notice_buttons(answer["blocks"]) == []  # a sentence, not a list to press on
    assert watched(demo_db) == []
    again = press(running, fake_slack, button, ts="1693814700.000002")
    assert again["replace_original"] is False
    assert "That watch was already removed, so there was nothing to stop." in again["text"]


def test_someone_elses_press_on_a_notice_is_refused(running, fake_slack, demo_db):
    button = notice_button(running, fake_slack, demo_db)
    answer = press(running, fake_slack, button, user={"id": "UMARIA", "team_id": "local"})
    assert answer["replace_original"] is False and "That watch is someone else's" in answer["text"]
    assert watched(demo_db) == ["hospital discharge"]


def test_a_notice_button_with_a_value_i_cannot_read_says_it_is_stale(running, fake_slack, demo_db):
    button = notice_button(running, fake_slack, demo_db)
    for value in (button["value"] + "x", button["value"].replace(":notice", ":digest"), "watch::notice"):
        answer = press(running, fake_slack, {**button, "value": value})
        assert answer["text"] == STALE and answer["replace_original"] is False
    assert watched(demo_db) == ["hospital discharge"]
