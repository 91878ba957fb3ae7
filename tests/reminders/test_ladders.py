"""Reminders day by day under a controlled clock: exactly the expected messages, on the expected days.

Each test drives the run at 09:05 and 10:05 London time on every day of a span (the second run of a
day must send nothing) and compares everything posted to the fake Slack with the expected list.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot import models as m
from tests.reminders.world import at_local, days, run_at, run_daily

D = date.fromisoformat


def for_channel(sent, channel: str) -> dict[date, list[tuple[str, str]]]:
    """What one recipient was sent, day by day."""
    found = {}
    for day, messages in sent.items():
        for to, reminders in messages:
            if to == channel:
                assert day not in found, f"two messages to {channel} on {day}"
                found[day] = reminders
    return found


def test_paper_ladder_skips_easter_and_weekends_and_stops_at_the_meeting(world, slack):
    meeting = world.add_meeting(D("2026-04-16"))
    paper = world.add_item(meeting, "4", "Winter pressures update", author="amy-author")
    world.add_item(meeting, "5", "Carers' strategy", author="olly-offline")  # not on Slack: in the digest
    sent = run_daily(world, slack, D("2026-03-16"), D("2026-04-20"))

    # 10 working days before 16 April, skipping Good Friday (3 Apr) and Easter Monday (6 Apr): 31 Mar
    due = "2026-03-31"
    amy = {
        D("2026-03-24"): [("paper", f"paper:{paper}:due:{due}:before:5")],
        D("2026-03-30"): [("paper", f"paper:{paper}:due:{due}:before:1")],
        D("2026-03-31"): [("paper", f"paper:{paper}:due:{due}:due")],
    }
    for day in ("04-01", "04-02", "04-07", "04-08", "04-09", "04-10", "04-13", "04-14", "04-15"):
        amy[D(f"2026-{day}")] = [("paper", f"paper:{paper}:due:{due}:overdue:2026-{day}")]
    assert for_channel(sent, "U0AMY") == amy

    digest_days = [d for d in days(D("2026-03-24"), D("2026-04-15")) if d in amy or d.isoformat() in (
        "2026-03-25", "2026-03-26", "2026-03-27")]  # fmt: skip
    held = ("meeting_held", f"meeting:{meeting}:2026-04-16:published")  # papers outstanding: not posted
    assert for_channel(sent, "U0SEC") == {
        d: [held] * (d == D("2026-04-08"))
        + [("papers_digest", f"board:{world.board_id}:meeting:{meeting}:2026-04-16:{d}")]
        for d in digest_days
    }
    assert for_channel(sent, "C0HWB") == {
        D("2026-04-15"): [("meeting_tomorrow", f"meeting:{meeting}:2026-04-16:eve")],
    }
    assert for_channel(sent, "U0CHAIR") == {
        D("2026-04-15"): [("chair_brief", f"brief:{meeting}:2026-04-16")],
    }
    assert set(sent) == set(amy) | set(digest_days) | {D("2026-04-15")}
    assert len(slack.posted()) == len(amy) + len(digest_days) + 2  # the eve notice and the chair's brief
    assert len(slack.calls_to("chat.postMessage")) == len(slack.posted())  # nothing failed or repeated


def test_action_due_at_christmas_escalates_to_secretary_then_chair(world, slack):
    action = world.add_action("A-7", D("2026-12-25"), lead="leo-lead")
    sent = run_daily(world, slack, D("2026-12-10"), D("2027-01-31"))
    key = f"action:{action}:due:2026-12-25"
    assert for_channel(sent, "U0LEO") == {
        D("2026-12-18"): [("action", f"{key}:before")],
        D("2026-12-29"): [("action", f"{key}:due")],  # 25, 26 (Sat), 28 (Boxing Day observed)
        D("2027-01-04"): [("action", f"{key}:overdue:2027-01-01")],  # New Year's Day: next working day
        D("2027-01-08"): [("action", f"{key}:overdue:2027-01-08")],
        D("2027-01-15"): [("action", f"{key}:overdue:2027-01-15")],
        D("2027-01-22"): [("action", f"{key}:overdue:2027-01-22")],
        D("2027-01-29"): [("action", f"{key}:overdue:2027-01-29")],
    }
    assert for_channel(sent, "U0SEC") == {
        D("2027-01-08"): [("action_escalation", f"{key}:escalated:secretary")]
    }
    assert for_channel(sent, "U0CHAIR") == {
        D("2027-01-22"): [("action_escalation", f"{key}:escalated:chair")]
    }
    assert len(slack.posted()) == 9


def test_action_due_on_a_saturday_is_reminded_on_the_monday(world, slack):
    action = world.add_action("A-3", D("2026-11-28"), lead="leo-lead")  # a Saturday
    sent = run_daily(world, slack, D("2026-11-16"), D("2026-12-08"))
    key = f"action:{action}:due:2026-11-28"
    assert for_channel(sent, "U0LEO") == {
        D("2026-11-23"): [("action", f"{key}:before")],  # 21 Nov, a Saturday too
        D("2026-11-30"): [("action", f"{key}:due")],
        D("2026-12-07"): [("action", f"{key}:overdue:2026-12-05")],
    }
    text = slack.posted()[1].body["blocks"][0]["text"]["text"]
    assert "*due today*" not in text and "overdue by 2 days" in text and "Sat 28 Nov 2026" in text


def test_a_paper_submitted_after_the_first_reminder_is_not_reminded_again(world, slack):
    meeting = world.add_meeting(D("2026-11-05"))
    paper = world.add_item(meeting, "4", "Youth justice plan", author="amy-author")
    first = run_daily(world, slack, D("2026-10-14"), D("2026-10-16"))
    assert for_channel(first, "U0AMY") == {
        D("2026-10-15"): [("paper", f"paper:{paper}:due:2026-10-22:before:5")]
    }
    world.update(m.AgendaItem, paper, paper_status=m.PaperStatus.SUBMITTED)
    later = run_daily(world, slack, D("2026-10-17"), D("2026-11-06"))
    assert for_channel(later, "U0AMY") == {}
    assert for_channel(later, "U0SEC") == {}  # nothing outstanding: no digest
    assert sorted(for_channel(later, "C0HWB")) == [D("2026-10-28"), D("2026-11-04")]


def test_a_meeting_moved_after_reminders_started_is_reminded_for_its_new_date(world, slack):
    meeting = world.add_meeting(D("2026-11-05"))
    paper = world.add_item(meeting, "4", "Youth justice plan", author="amy-author")
    first = run_daily(world, slack, D("2026-10-12"), D("2026-10-16"))
    assert for_channel(first, "U0AMY") == {
        D("2026-10-15"): [("paper", f"paper:{paper}:due:2026-10-22:before:5")]
    }
    world.update(m.Meeting, meeting, meets_on=D("2026-11-19"))  # two weeks later: due 5 Nov now
    later = run_daily(world, slack, D("2026-10-17"), D("2026-11-10"))
    key = f"paper:{paper}:due:2026-11-05"
    assert for_channel(later, "U0AMY") == {
        D("2026-10-29"): [("paper", f"{key}:before:5")],
        D("2026-11-04"): [("paper", f"{key}:before:1")],
        D("2026-11-05"): [("paper", f"{key}:due")],
        D("2026-11-06"): [("paper", f"{key}:overdue:2026-11-06")],
        D("2026-11-09"): [("paper", f"{key}:overdue:2026-11-09")],
        D("2026-11-10"): [("paper", f"{key}:overdue:2026-11-10")],
    }
    # the old date's notices (28 Oct, 4 Nov) never go; the new date's publication does (11 Nov)
    assert for_channel(later, "C0HWB") == {}
    world.update(m.AgendaItem, paper, paper_status=m.PaperStatus.SUBMITTED)  # none outstanding now
    assert for_channel(run_daily(world, slack, D("2026-11-11"), D("2026-11-11")), "C0HWB") == {
        D("2026-11-11"): [("meeting_published", f"meeting:{meeting}:2026-11-19:published")]
    }


@pytest.mark.parametrize(
    "friday, monday, friday_utc_hour, monday_utc_hour",
    [
        ("2026-10-23", "2026-10-26", 8, 9),  # clocks go back on Sunday 25 October
        ("2026-03-27", "2026-03-30", 9, 8),  # clocks go forward on Sunday 29 March
    ],
    ids=["autumn", "spring"],
)
def test_send_time_stays_9am_local_across_a_dst_change(
    world, slack, friday, monday, friday_utc_hour, monday_utc_hour
):
    world.add_action("A-1", D(friday), lead="leo-lead")
    world.add_action("A-2", D(monday), lead="leo-lead")
    first_post = {}
    for day in (D(friday), D(monday)):
        tick = datetime(day.year, day.month, day.day, 7, 40, tzinfo=UTC)
        while tick.hour < 10:
            before = len(slack.posted())
            run_at(world, slack, tick)
            if len(slack.posted()) > before and day not in first_post:
                first_post[day] = tick
            tick += timedelta(minutes=5)
    assert first_post == {
        D(friday): datetime(D(friday).year, D(friday).month, D(friday).day, friday_utc_hour, 0, tzinfo=UTC),
        D(monday): datetime(D(monday).year, D(monday).month, D(monday).day, monday_utc_hour, 0, tzinfo=UTC),
    }
    assert len(slack.posted()) == 2  # one each day, however many runs


def test_a_board_elsewhere_sends_at_its_own_9am_and_on_its_own_holidays(fresh_db, slack):
    from tests.reminders.world import make_world

    world = make_world(fresh_db, region="scotland", zone="Europe/London")
    world.add_action("A-1", D("2026-01-02"), lead="leo-lead")  # 2 January: a bank holiday in Scotland only
    sent = run_daily(world, slack, D("2026-01-01"), D("2026-01-06"))
    assert sorted(for_channel(sent, "U0LEO")) == [D("2026-01-05")]


def test_settings_change_the_send_time_and_the_ladder(world, slack):
    from datetime import time

    world.settings(send_at=time(14, 30), action_days_before=3, escalate_secretary_after_days=0)
    action = world.add_action("A-1", D("2026-06-10"), lead="leo-lead")
    assert run_at(world, slack, at_local(D("2026-06-07"), 14, 35)).due == 0  # a Sunday
    assert run_at(world, slack, at_local(D("2026-06-08"), 14, 25)).due == 0  # before 14:30
    assert run_at(world, slack, at_local(D("2026-06-08"), 14, 30)).delivered == 1
    leo = world.people["leo-lead"]
    assert world.described(slack.posted()[0]) == [
        ("action", f"person:{leo}", f"action:{action}:due:2026-06-10:before")
    ]
    sent = run_daily(world, slack, D("2026-06-24"), D("2026-06-24"), hour=14, minute=40)
    assert for_channel(sent, "U0SEC") == {}  # no escalation to the secretary on this board
    assert list(for_channel(sent, "U0LEO")) == [D("2026-06-24")]
