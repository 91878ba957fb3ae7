"""A Slack event retried (`X-Slack-Retry-Num`) is answered once, whatever the answer was (issue 15).

The message's claim in update_requests (its key: team, channel and ts) is made in the same transaction
as the answer for every message BoardBot answers, including those that change nothing; small talk
it leaves unanswered is never answered on a retry either.
"""

from __future__ import annotations

import pytest

from tests.bot.slack.test_events import dm, event_body, link_people, posted, send, updates_count


@pytest.mark.parametrize(
    "text, user, said",
    [
        ("HWB-2 done", "USTRANGER", "I can't tell who you are"),  # a stranger's update
        ("HWB-2 frobnicate the wotsit", "UKIRAN", "I didn't understand"),  # unreadable
        ("HWB-999 done", "UKIRAN", "I can't find an action"),
        ("HWB-12 done", "UKIRAN", "Sorry: only the lead"),  # refused
        ("HWB-2 due 12/15", "UKIRAN", "reads as month first"),
        ("hello", "UKIRAN", "I didn't find an action"),
        ("undo", "UKIRAN", "You have no change to undo"),
    ],
)
def test_a_retried_message_that_changed_nothing_is_answered_once(
    running, fake_slack, demo_db, text, user, said
):
    link_people(demo_db)
    body = event_body(dm(text, user=user))
    assert send(running, body)[0] == 200
    assert send(running, body, retry=1)[0] == 200
    assert send(running, body, retry=2)[0] == 200
    [reply] = posted(fake_slack)
    assert said in reply["text"]
    assert updates_count(demo_db) == 0


def test_small_talk_under_a_reminder_is_never_answered_even_retried(running, fake_slack, demo_db):
    link_people(demo_db)
    body = event_body(dm("thanks!", thread_ts="1693555000.000100", parent_user_id="UBOT"))
    for retry in (None, 1, 2):
        assert send(running, body, retry=retry)[0] == 200
    assert posted(fake_slack) == []
