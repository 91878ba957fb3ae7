"""Slack failing in every way the fake can: each reminder still arrives exactly once.

Nothing here sleeps for real except the timeout tests' one slow answer: the sender's sleep is a
recorder (tests/reminders/world.Sleeps).
"""

from __future__ import annotations

import socket
from datetime import date, timedelta

from bot import models as m
from reminders.delivery import Policy, Sender
from reminders.limits import POST, Limits
from tests.fake_slack import Scripted
from tests.reminders.world import Sleeps, at_local, run_at, sender_for

D = date.fromisoformat
NOW = at_local(D("2026-11-26"))


def three_leads_due(world) -> None:
    """Reminders for Leo (DM), the secretary (an offline lead's) and Amy (DM)."""
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    world.add_action("A-2", D("2026-11-26"), lead="olly-offline")
    world.add_action("A-3", D("2026-11-26"), lead="amy-author")


def statuses(world) -> list[str]:
    return [row.status for row in world.ledger()]


def test_a_429_is_waited_out_as_slack_asks_and_sent_once(world, slack):
    three_leads_due(world)
    slack.script(
        "chat.postMessage", Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "2"})
    )
    sleeps = Sleeps()
    result = run_at(world, slack, NOW, sender=sender_for(slack, sleep=sleeps))
    assert (result.messages, result.delivered, result.pending) == (3, 3, 0)
    assert len(slack.calls_to("chat.postMessage")) == 4 and len(slack.posted()) == 3
    assert len(sleeps.calls) == 1 and 1.9 < sleeps.calls[0] <= 2.0
    assert slack.calls_to("conversations.history") == []  # a 429 is certain: nothing to look for
    assert statuses(world) == ["sent"] * 3


def test_a_long_retry_after_leaves_the_rest_for_the_next_run(world, slack):
    three_leads_due(world)
    slack.script(
        "chat.postMessage", Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "600"})
    )
    first = run_at(world, slack, NOW)
    assert (first.messages, first.pending) == (0, 3)
    assert len(slack.calls_to("chat.postMessage")) == 1  # stopped at once: no hammering
    assert statuses(world) == ["pending"]  # only the first was claimed; it was released
    second = run_at(world, slack, NOW + timedelta(minutes=10))
    assert (second.messages, second.delivered) == (3, 3)
    assert run_at(world, slack, NOW + timedelta(minutes=15)).due == 0
    assert len(slack.posted()) == 3


def test_a_500_is_retried_with_backoff_after_looking_and_sent_once(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    slack.script("chat.postMessage", Scripted(500, {"ok": False, "error": "internal_error"}))
    sleeps = Sleeps()
    result = run_at(world, slack, NOW, sender=sender_for(slack, sleep=sleeps))
    assert result.delivered == 1 and sleeps.calls == [1.0]
    assert len(slack.calls_to("conversations.history")) == 1  # did a 500 post it? no: post again
    assert len(slack.calls_to("chat.postMessage")) == 2 and len(slack.posted()) == 1


def test_persistent_500s_leave_it_pending_and_the_next_run_sends_it_once(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    slack.script("chat.postMessage", *[Scripted(503, {"ok": False, "error": "service_unavailable"})] * 4)
    sleeps = Sleeps()
    first = run_at(world, slack, NOW, sender=sender_for(slack, sleep=sleeps))
    assert (first.delivered, first.pending) == (0, 1)
    assert sleeps.calls == [1.0, 2.0, 4.0, 8.0]  # exponential backoff, capped at 8 s
    [row] = world.ledger()
    assert (row.status, row.uncertain, row.attempts, row.claimed_by) == ("pending", True, 1, None)
    assert "503" in row.last_error
    second = run_at(world, slack, NOW + timedelta(minutes=5))
    assert second.delivered == 1 and len(slack.posted()) == 1
    assert run_at(world, slack, NOW + timedelta(minutes=10)).due == 0


def test_a_timeout_after_slack_took_the_message_is_not_sent_again(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    slack.script("chat.postMessage", Scripted(delay=1.6))  # answered after the client gave up
    policy = Policy(timeout=1)
    first = run_at(world, slack, NOW, sender=sender_for(slack, policy=policy))
    assert (first.delivered, first.pending) == (0, 1)
    # Slack may show it only later (audit F6): no look and no second post within the run
    assert len(slack.calls_to("chat.postMessage")) == 1 and slack.calls_to("conversations.history") == []
    [row] = world.ledger()
    assert (row.status, row.uncertain, row.claimed_by) == ("pending", True, None)
    assert "did not answer in time" in row.last_error
    second = run_at(world, slack, NOW + timedelta(minutes=5))
    assert (second.delivered, second.messages) == (1, 0)  # found in the conversation: not posted again
    assert len(slack.calls_to("chat.postMessage")) == 1 and len(slack.posted()) == 1
    [row] = world.ledger()
    assert row.status == "sent" and row.channel == "DU0LEO"
    assert run_at(world, slack, NOW + timedelta(minutes=10)).due == 0


def test_a_timeout_slack_did_not_keep_is_posted_once_by_the_next_run(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    slack.script("chat.postMessage", Scripted(500, {"ok": False}, delay=1.6))  # late, and not taken
    first = run_at(world, slack, NOW, sender=sender_for(slack, policy=Policy(timeout=1)))
    assert (first.delivered, first.pending) == (0, 1) and len(slack.calls_to("chat.postMessage")) == 1
    second = run_at(world, slack, NOW + timedelta(minutes=5))
    assert (second.delivered, second.messages) == (1, 1)  # looked, found nothing, posted
    assert len(slack.calls_to("conversations.history")) == 1
    assert len(slack.calls_to("chat.postMessage")) == 2 and len(slack.posted()) == 1
    assert run_at(world, slack, NOW + timedelta(minutes=10)).due == 0


def test_slack_unreachable_is_retried_and_left_pending_without_doubt(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once closed
    from bot.config import Settings
    from reminders.delivery import Sender, make_client

    sleeps = Sleeps()
    dead = Sender(make_client(Settings(slack_bot_token="x"), base_url=f"http://127.0.0.1:{port}/api/"),
                  sleep=sleeps, clock=sleeps.clock)  # fmt: skip
    result = run_at(world, slack, NOW, sender=dead)
    assert (result.delivered, result.pending) == (0, 1)
    [row] = world.ledger()
    assert (row.status, row.uncertain) == ("pending", False)  # never connected: nothing to look for
    assert run_at(world, slack, NOW + timedelta(minutes=5)).delivered == 1
    assert slack.calls_to("conversations.history") == [] and len(slack.posted()) == 1


def test_a_refused_channel_fails_for_good_and_is_not_retried(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    slack.script("chat.postMessage", Scripted(200, {"ok": False, "error": "channel_not_found"}))
    assert run_at(world, slack, NOW).failed == 1
    assert statuses(world) == ["failed"] and "channel_not_found" in world.ledger()[0].last_error
    assert run_at(world, slack, NOW + timedelta(minutes=5)).due == 0
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_revoked_token_stops_the_run_and_keeps_everything_pending(world, slack):
    three_leads_due(world)
    slack.script("chat.postMessage", Scripted(200, {"ok": False, "error": "token_revoked"}))
    result = run_at(world, slack, NOW)
    assert (result.delivered, result.pending) == (0, 3)
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert run_at(world, slack, NOW + timedelta(minutes=5)).delivered == 3


def test_without_the_history_scope_a_retry_posts_again(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    slack.script("chat.postMessage", Scripted(500, {"ok": False}))
    slack.script("conversations.open", Scripted(200, {"ok": False, "error": "missing_scope"}))
    assert run_at(world, slack, NOW).delivered == 1
    assert len(slack.posted()) == 1  # the 500 had not posted it: one message, no harm


def test_a_delivery_row_records_where_and_when(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    run_at(world, slack, NOW)
    [row] = world.ledger()
    [call] = slack.posted()
    assert (row.kind, row.recipient, row.day, row.status) == (
        "action",
        f"person:{world.people['leo-lead']}",
        D("2026-11-26"),
        m.DeliveryStatus.SENT,
    )
    assert row.message_ts and row.channel == "DU0LEO" and row.sent_at is not None
    assert call.body["metadata"] == {
        "event_type": "boardbot_reminder",
        "event_payload": {"deliveries": str(row.id)},
    }


def test_a_post_given_its_turn_before_a_retry_after_was_heard_waits_it_out(slack):
    """The dispatcher reserves a turn, then a 429 for the workspace comes back to another worker:
    the post waits out the pause before it goes, instead of calling Slack inside it."""
    sleeps = Sleeps()
    limits = Limits.posting(100, clock=sleeps.clock)
    sender = Sender(sender_for(slack).client, sleep=sleeps, clock=sleeps.clock, limits=limits, team="T1")
    limits.take("T1", POST, "U0LEO")  # the dispatcher's reservation
    limits.retry_after("T1", POST, 3.0)  # heard by another worker meanwhile
    outcome = sender.deliver("U0LEO", "Reminder", [], [1], turn_taken=True)
    assert outcome.status == "sent" and len(sleeps.calls) == 1 and 2.9 < sleeps.calls[0] <= 3.0
