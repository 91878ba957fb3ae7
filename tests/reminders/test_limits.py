"""Slack's rate limits as the sender keeps to them, on an injected clock: nothing here sleeps."""

from __future__ import annotations

import pytest

from reminders.limits import CONVERSATION, METHODS, POST, Limits, Rate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_burst_goes_at_once_then_one_call_per_interval(clock):
    limits = Limits({POST: Rate(5.0, 3)}, clock=clock)
    waits = [limits.take("T1", POST) for _ in range(5)]
    assert waits == pytest.approx([0, 0, 0, 0.2, 0.4])
    clock.now += 10  # a quiet spell refills the burst
    assert [limits.take("T1", POST) for _ in range(3)] == pytest.approx([0, 0, 0])


def test_one_message_a_second_to_a_conversation_within_the_workspace_burst(clock):
    limits = Limits({POST: Rate(5.0, 10)}, Rate(1.0, 1), clock=clock)
    assert limits.take("T1", POST, "U0LEO") == 0
    assert limits.take("T1", POST, "U0LEO") == pytest.approx(1.0)
    assert limits.take("T1", POST, "U0AMY") == 0  # another person: the workspace still has room
    assert limits.take("T2", POST, "U0LEO") == 0  # the same id in another workspace is another person


def test_wait_tells_without_taking_the_turn(clock):
    limits = Limits({POST: Rate(1.0, 1)}, clock=clock)
    assert limits.wait("T1", POST) == 0 and limits.wait("T1", POST) == 0
    limits.take("T1", POST)
    assert limits.wait("T1", POST) == pytest.approx(1.0)
    clock.now += 0.25
    assert limits.wait("T1", POST) == pytest.approx(0.75)


def test_retry_after_pauses_that_workspace_and_method_only(clock):
    limits = Limits(clock=clock)
    limits.retry_after("T1", POST, 30)
    assert limits.wait("T1", POST, "U0LEO") == pytest.approx(30)
    assert limits.wait("T2", POST, "U0LEO") == 0  # another workspace posts on
    assert limits.wait("T1", "conversations.history") == 0  # another method in the same workspace
    limits.retry_after("T1", POST, 5)  # a shorter one does not cut the pause short
    clock.now += 29
    assert limits.take("T1", POST) == pytest.approx(1)
    clock.now += 1
    assert limits.wait("T1", POST) == 0


def test_tier_3_methods_allow_about_fifty_a_minute(clock):
    limits = Limits(clock=clock)
    waits = [limits.take("T1", "conversations.open") for _ in range(50)]
    assert waits[-1] == pytest.approx(60 * 48 / 50)  # a burst of 2, then 50 a minute
    assert METHODS["conversations.history"] == METHODS["conversations.open"]
    assert CONVERSATION == Rate(1.0, 1)


def test_posting_sets_the_workspace_ceiling_and_keeps_the_tiers(clock):
    limits = Limits.posting(20, clock=clock)
    assert sum(1 for _ in range(40) if limits.take("T1", POST) == 0) == 40
    assert limits.take("T1", POST) == pytest.approx(0.05)
    assert limits.methods["conversations.open"] == METHODS["conversations.open"]


def test_paused_for_tells_what_is_left_of_a_retry_after(clock):
    limits = Limits(clock=clock)
    assert limits.paused_for("T1", POST) == 0
    limits.retry_after("T1", POST, 2.0)
    clock.now += 0.5
    assert limits.paused_for("T1", POST) == pytest.approx(1.5)
    assert limits.paused_for("T2", POST) == 0  # another workspace is not paused
    clock.now += 2
    assert limits.paused_for("T1", POST) == 0
