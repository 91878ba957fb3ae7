"""The bench's rate-limited fake Slack counts a call inside a Retry-After as BoardBot's fault only
once the 429 was written back: calls already sent before then were in flight."""

from __future__ import annotations

import threading
import time

import pytest
from slack_sdk.errors import SlackApiError

from bench.limited_slack import LimitedSlack, Shape
from bot.config import Settings
from reminders.delivery import make_client


@pytest.fixture
def fake():
    slack = LimitedSlack(Shape(rtt=0.3, post_rate=1.0, post_burst=1.0, p_429=0, p_5xx=0, p_timeout=0))
    yield slack
    slack.close()


def post(fake: LimitedSlack, channel: str) -> int:
    client = make_client(Settings(slack_bot_token="xoxb-T1"), base_url=fake.api_url)
    try:
        client.chat_postMessage(channel=channel, text="Reminder")
    except SlackApiError as exc:
        return exc.response.status_code
    return 200


def test_a_call_sent_before_the_429_was_written_is_in_flight_one_after_is_a_violation(fake):
    assert post(fake, "U1") == 200
    told = []
    slow = threading.Thread(target=lambda: told.append(post(fake, "U2")))  # over the limit: a 429
    slow.start()
    time.sleep(0.1)  # the 429 is not written yet (0.3 s round trip)
    assert post(fake, "U3") == 429
    slow.join()
    assert told == [429]
    assert (
        fake.counts.in_flight["chat.postMessage"],
        fake.counts.during_retry_after["chat.postMessage"],
    ) == (1, 0)
    assert post(fake, "U4") == 429  # sent after the client heard: BoardBot's fault
    assert fake.counts.during_retry_after["chat.postMessage"] == 1
