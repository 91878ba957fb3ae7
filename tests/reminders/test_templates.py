"""Reminder messages as Slack gets them: within its limits, buttons wired by id, user text escaped."""

from __future__ import annotations

import json
from datetime import date

from bot import models as m
from bot.config import Settings
from bot.console import Console
from bot.db import make_sessions
from reminders.run import run_now
from tests.reminders.world import TEAM, at_local, run_at, run_daily

D = date.fromisoformat
BUTTONS = {
    "action": ["action_done", "action_snooze_day", "action_snooze_week", "action_new_date"],
    "paper": ["paper_submitted", "action_snooze_day", "action_snooze_week"],
}


def assert_within_slack_limits(body: dict) -> None:
    blocks = body["blocks"]
    assert 0 < len(blocks) <= 50 and len(body["text"]) <= 4000
    for block in blocks:
        if "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for element in block.get("elements", []):
            assert len(element.get("text", "") if isinstance(element.get("text"), str) else "") <= 3000
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids))
    json.dumps(body)


def test_every_kind_of_reminder_renders_within_slack_limits(world, slack):
    meeting = world.add_meeting(D("2026-04-16"), papers_url="https://example.org/p?x=1&y=2")
    for n in range(4, 30):
        world.add_item(meeting, str(n), f"Item {n} " + "long title " * 20, author="amy-author")
    ready = world.add_meeting(D("2026-04-14"))  # all its papers in: announced in the channel
    world.add_item(ready, "1", "Minutes", paper_status=m.PaperStatus.PUBLISHED)
    world.add_action("A-1", D("2026-03-19"), lead="leo-lead")
    world.add_action("A-2", None, timescale="Autumn 2027", description="x" * 2000)
    run_daily(world, slack, D("2026-03-24"), D("2026-04-15"))
    kinds = set()
    for call in slack.posted():
        assert_within_slack_limits(call.body)
        for kind, _, _ in world.described(call):
            kinds.add(kind)
    assert kinds == {"paper", "papers_digest", "action", "action_escalation", "vague_actions",
                     "meeting_published", "meeting_tomorrow", "meeting_held", "chair_brief"}  # fmt: skip


def test_reminders_carry_the_action_update_buttons(world, slack):
    action = world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    meeting = world.add_meeting(D("2026-12-10"))
    item = world.add_item(meeting, "4", "Youth justice plan", author="leo-lead")  # due 26 Nov
    run_at(world, slack, at_local(D("2026-11-26")))
    [message] = [c for c in slack.posted() if c.body["channel"] == "U0LEO"]
    rows = [b for b in message.body["blocks"] if b["type"] == "actions"]
    found = {
        tuple(e["action_id"] for e in row["elements"]): {e["value"] for e in row["elements"]} for row in rows
    }
    assert found == {
        tuple(BUTTONS["paper"]): {f"paper:{item}"},
        tuple(BUTTONS["action"]): {f"action:{action}"},
    }


def test_user_text_is_shown_as_text_not_mrkdwn(world, slack):
    world.add_action(
        "A-1", D("2026-11-26"), lead="leo-lead", description="<!channel> read <https://x.test|this> & *now*"
    )
    run_at(world, slack, at_local(D("2026-11-26")))
    text = slack.posted()[0].body["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt; read &lt;https://x.test|this&gt; &amp; *now*" in text
    assert "<!channel>" not in slack.posted()[0].body["text"]


def test_a_long_list_stays_one_message_under_fifty_blocks(world, slack):
    for n in range(60):
        world.add_action(f"A-{n}", D("2026-11-26"), lead="leo-lead")
    result = run_at(world, slack, at_local(D("2026-11-26")))
    [message] = slack.posted()
    assert_within_slack_limits(message.body)
    assert result.delivered == 60 and len(world.described(message)) == 60
    shown = sum(1 for b in message.body["blocks"] if b["type"] == "actions")
    more = [
        b["text"]["text"]
        for b in message.body["blocks"]
        if b.get("text", {}).get("text", "").startswith("*And")
    ]
    assert shown == 15 and more[0].startswith(f"*And {60 - shown} more:*\n• Action A-")


def test_the_console_shows_reminders_as_they_fire(world):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead", description="Circulate the JSNA")
    settings = Settings(now=at_local(D("2026-11-26")))
    console = Console(settings, make_sessions(world.engine), team_id=TEAM)
    try:
        api_url = console.response_url.rsplit("/respond", 1)[0] + "/api/"
        result = run_now(settings, make_sessions(world.engine), api_url=api_url, team_id=TEAM)
        shown = console.drain()
    finally:
        console.close()
    assert result.delivered == 1
    assert (
        "Your action A-1 (Health & Wellbeing Board) is due today" in shown and "Circulate the JSNA" in shown
    )
    assert "[!1 Done]  [!2 Snooze 1 day]  [!3 Snooze 1 week]  [!4 New date]" in shown
    assert world.ledger()[0].status == "sent"
