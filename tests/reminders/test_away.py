"""Away with a delegate, and quiet weekdays: who gets a reminder, when, and that it is sent once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot import models as m
from commands import settings
from tests.reminders.test_messages import texts
from tests.reminders.world import at_local, run_at, run_daily

D = date.fromisoformat
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def away(world, who: str, until: str, delegate: str) -> None:
    with world.session() as s:
        person, standin = s.get(m.Person, world.people[who]), s.get(m.Person, world.people[delegate])
        settings.set_away(s, person, D(until), standin, NOW)


def quiet(world, who: str, days: list[int]) -> None:
    with world.session() as s:
        settings.set_quiet(s, s.get(m.Person, world.people[who]), days, NOW)


def recipients(sent) -> dict[date, list[str]]:
    return {day: sorted(to for to, _ in messages) for day, messages in sent.items()}


def test_an_away_leads_reminders_go_to_their_delegate_marked_and_come_back_after(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")  # due Thu 26 Nov, a week overdue 3 Dec
    away(world, "leo-lead", "2026-11-30", "amy-author")
    sent = run_daily(world, slack, D("2026-11-26"), D("2026-12-03"))
    assert recipients(sent) == {D("2026-11-26"): ["U0AMY"], D("2026-12-03"): ["U0LEO"]}
    to_amy = slack.posted()[0]
    assert to_amy.body["text"].startswith("For Leo Lead, who is away until Mon 30 Nov 2026: ")
    assert texts(to_amy).startswith(":arrow_right_hook: *For Leo Lead, who is away until Mon 30 Nov 2026.*")
    assert "For Leo Lead" not in slack.posted()[1].body["text"]
    rows = world.ledger()  # recorded once each, under Leo: the delegate's copy is Leo's reminder
    assert [row.recipient for row in rows] == [f"person:{world.people['leo-lead']}"] * 2
    assert len({row.occasion for row in rows}) == 2


def test_a_delegates_own_reminders_stay_apart_from_those_they_hold_for_someone(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    world.add_action("A-2", D("2026-11-26"), lead="amy-author")
    away(world, "leo-lead", "2026-12-10", "amy-author")
    run_at(world, slack, at_local(D("2026-11-26")))
    messages = sorted(slack.posted(), key=lambda c: c.body["text"])
    assert [c.body["channel"] for c in messages] == ["U0AMY", "U0AMY"]
    assert messages[0].body["text"].startswith("Action A-2")
    assert messages[1].body["text"].startswith("For Leo Lead, who is away until Thu 10 Dec 2026: Action A-1")


def test_back_early_or_a_delegate_not_on_slack_keeps_reminders_with_the_person(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    world.add_action("A-2", D("2026-11-26"), lead="amy-author")
    away(world, "leo-lead", "2026-12-10", "olly-offline")  # no Slack account in the records
    away(world, "amy-author", "2026-12-10", "leo-lead")
    with world.session() as s:
        settings.clear_away(s, s.get(m.Person, world.people["amy-author"]), NOW)  # /boardbot back
    run_at(world, slack, at_local(D("2026-11-26")))
    assert sorted(c.body["channel"] for c in slack.posted()) == ["U0AMY", "U0LEO"]
    assert not any(c.body["text"].startswith("For ") for c in slack.posted())


def test_quiet_days_hold_reminders_for_the_next_day_that_is_not_quiet(world, slack):
    quiet(world, "leo-lead", [3, 4])  # Thursdays and Fridays
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")  # due Thu 26 Nov
    world.add_action("A-2", D("2026-11-25"), lead="amy-author")  # due Wed 25 Nov: Amy is not quiet
    sent = run_daily(world, slack, D("2026-11-25"), D("2026-12-01"))
    # Monday's window alone (Fri-Mon) would miss Thursday's reminder: the quiet reach finds it, once
    assert recipients(sent) == {D("2026-11-25"): ["U0AMY"], D("2026-11-30"): ["U0LEO"]}
    [(_, [(kind, occasion)])] = sent[D("2026-11-30")]
    assert kind == "action" and "2026-11-26" in occasion


def test_a_quiet_day_of_the_delegate_holds_what_they_receive(world, slack):
    away(world, "leo-lead", "2026-12-10", "amy-author")
    quiet(world, "amy-author", [3])  # Thursdays
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    sent = run_daily(world, slack, D("2026-11-26"), D("2026-11-27"))
    assert recipients(sent) == {D("2026-11-27"): ["U0AMY"]}
