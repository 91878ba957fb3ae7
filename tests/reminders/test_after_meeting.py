"""After a meeting: one channel notice of its decisions, new actions to their leads, the minutes reminders.

Each on both databases through a real run and the fake Slack; the ledger keeps each to once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from bot import models as m
from bot.render import plain
from reminders.after_meeting import brief_lines, working_days_after
from tests.reminders.world import World, run_daily
from tests.slack_limits import assert_fits_slack

MET = date(2026, 10, 1)  # a Thursday
RECORDED = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)  # Monday afternoon


def _decision(world: World, meeting_id: int, item_id: int, text: str, seq: int = 1, at=RECORDED) -> None:
    with world.session() as s:
        s.add(m.Decision(meeting_id=meeting_id, agenda_item_id=item_id, seq=seq, text=text, recorded_at=at))


def _recorded_action(world: World, ref: str, meeting_id: int, lead: str, at=RECORDED) -> int:
    action_id = world.add_action(ref, date(2026, 11, 30), lead, meeting_id=meeting_id)
    with world.session() as s:  # its first history row, as the Record an action form leaves it
        s.add(m.ActionUpdate(action_id=action_id, seq=1, at=at, field="status", new="open", via="form"))
    return action_id


def _met(world: World) -> tuple[int, int, int]:
    meeting = world.add_meeting(MET)
    public = world.add_item(meeting, "5", "Better Care Fund 2026/27", paper_status=None)
    secret = world.add_item(meeting, "9", "Contract award (Part 2)", paper_status=None, restricted=True)
    return meeting, public, secret


def _texts(fake) -> dict[str, str]:
    return {
        call.body["channel"]: plain(call.body["text"] + str(call.body["blocks"])) for call in fake.posted()
    }


def test_the_channel_is_told_a_meetings_decisions_once_without_restricted_items(world, slack):
    meeting, public, secret = _met(world)
    _decision(world, meeting, public, "That the Better Care Fund plan be agreed.")
    _decision(world, meeting, secret, "That the contract be awarded to Acme Ltd.")
    sent = run_daily(world, slack, date(2026, 10, 5), date(2026, 10, 20))
    notices = [(day, kinds) for day, posts in sent.items() for to, kinds in posts if to == "C0HWB"]
    assert notices == [(date(2026, 10, 6), [("after_meeting", f"after_meeting:{meeting}")])]
    channel = next(c for c in slack.posted() if c.body["channel"] == "C0HWB")
    shown = plain(str(channel.body["blocks"]))
    assert "That the Better Care Fund plan be agreed." in shown
    assert "Acme" not in shown and "contract" not in shown.lower()
    assert "1 decision on restricted (Part 2) items not shown here" in shown


def test_a_decision_recorded_later_sends_no_second_notice(world, slack):
    meeting, public, _ = _met(world)
    _decision(world, meeting, public, "That the plan be agreed.")
    run_daily(world, slack, date(2026, 10, 6), date(2026, 10, 6))
    _decision(
        world,
        meeting,
        public,
        "That the chairs sign it off.",
        seq=2,
        at=datetime(2026, 10, 8, 10, tzinfo=UTC),
    )
    later = run_daily(world, slack, date(2026, 10, 7), date(2026, 10, 20))
    assert not any(to == "C0HWB" for posts in later.values() for to, _ in posts)


def test_each_new_actions_lead_gets_one_dm_with_the_update_buttons(world, slack):
    meeting, public, _ = _met(world)
    _decision(world, meeting, public, "That the plan be agreed.")
    first = _recorded_action(world, "HWB-1", meeting, "leo-lead")
    sent = run_daily(world, slack, date(2026, 10, 5), date(2026, 10, 9))
    to_leo = [(day, kinds) for day, posts in sent.items() for to, kinds in posts if to == "U0LEO"]
    assert to_leo == [(date(2026, 10, 6), [("new_action", f"new_action:{first}")])]
    dm = next(c for c in slack.posted() if c.body["channel"] == "U0LEO")
    buttons = [b for b in dm.body["blocks"] if b["type"] == "actions"][0]["elements"]
    assert {e["action_id"] for e in buttons} >= {"action_done", "action_new_date", "action_snooze_week"}
    # a second action recorded two days later: its lead is told once, the first is not sent again
    second = _recorded_action(world, "HWB-2", meeting, "leo-lead", at=datetime(2026, 10, 8, 11, tzinfo=UTC))
    again = run_daily(world, slack, date(2026, 10, 9), date(2026, 10, 20))
    to_leo = [kinds for posts in again.values() for to, kinds in posts if to == "U0LEO"]
    assert to_leo == [[("new_action", f"new_action:{second}")]]


def test_old_meetings_loaded_now_notify_nobody(world, slack):
    meeting = world.add_meeting(date(2026, 6, 8))
    item = world.add_item(meeting, "4", "Minutes", paper_status=None)
    _decision(world, meeting, item, "That the minutes be agreed.")
    _recorded_action(world, "HWB-9", meeting, "leo-lead")
    sent = run_daily(world, slack, date(2026, 10, 5), date(2026, 10, 9))
    kinds = {kind for posts in sent.values() for _, ks in posts for kind, _ in ks}
    assert not kinds & {"after_meeting", "new_action"}


def test_the_secretary_is_reminded_to_circulate_draft_minutes_on_the_boards_working_day(world, slack):
    meeting = world.add_meeting(MET)
    due = working_days_after(MET, 10, "england")
    assert due == date(2026, 10, 15)
    sent = run_daily(world, slack, date(2026, 10, 2), date(2026, 10, 30))
    to_sam = [
        (day, kind) for day, posts in sent.items() for to, ks in posts if to == "U0SEC" for kind, _ in ks
    ]
    assert [(d, k) for d, k in to_sam if k.startswith("minutes")] == [(due, "minutes_due")]
    assert "10 working days after the meeting (the default" in _texts(slack)["U0SEC"]
    with world.session() as s:  # a board's own rule, and minutes already circulated: nothing more
        s.get(m.Board, world.board_id).minutes_due_working_days = 3
        s.add(m.Minutes(meeting_id=meeting, status="circulated"))
    assert not run_daily(world, slack, date(2026, 10, 6), date(2026, 10, 30))


def test_the_secretary_is_told_to_put_the_minutes_on_the_next_agenda_unless_there(world, slack):
    world.add_meeting(MET)
    coming = world.add_meeting(date(2026, 11, 26))
    with world.session() as s:
        s.get(m.Board, world.board_id).minutes_due_working_days = 60  # out of this test's way
    sent = run_daily(world, slack, date(2026, 11, 2), date(2026, 11, 25))
    agenda = [
        (day, k) for day, posts in sent.items() for _, ks in posts for k, _ in ks if k == "minutes_agenda"
    ]
    assert agenda == [(date(2026, 11, 12), "minutes_agenda")]  # the papers' deadline, 10 working days before
    world.add_item(coming, "3", "Minutes of the previous meeting", paper_status=None)
    with world.session() as s:
        s.execute(delete(m.ReminderDelivery))
    again = run_daily(world, slack, date(2026, 11, 12), date(2026, 11, 12))
    assert not any(k == "minutes_agenda" for posts in again.values() for _, ks in posts for k, _ in ks)


def test_brief_lines_list_the_minutes_to_approve_and_their_decisions(world):
    meeting, public, secret = _met(world)
    coming = world.add_meeting(date(2026, 11, 26))
    _decision(world, meeting, public, "That the <plan> & budget be agreed.")
    _decision(world, meeting, secret, "That the contract be awarded.")
    with world.session() as s:
        s.add(m.Minutes(meeting_id=meeting, status="circulated", approval_meeting_id=coming))
    with world.session() as s:
        lines = brief_lines(s, s.get(m.Meeting, coming))
    assert lines[0] == "*Minutes of Thu 1 Oct 2026* (circulated) to approve: 2 provisional decisions"
    assert lines[1] == "• 5. That the &lt;plan&gt; &amp; budget be agreed."
    assert lines[2] == "• 9. That the contract be awarded. _(restricted)_"
    with world.session() as s:
        s.scalar(select(m.Minutes).where(m.Minutes.meeting_id == meeting)).status = "approved"
    with world.session() as s:
        assert brief_lines(s, s.get(m.Meeting, coming)) == []


def test_the_notice_and_the_dms_fit_slack(world, slack):
    meeting, public, secret = _met(world)
    for seq in range(1, 16):
        _decision(world, meeting, public, "That the <report> & its annex be noted. " * 40, seq=seq)
    _recorded_action(world, "HWB-1", meeting, "leo-lead")
    run_daily(world, slack, date(2026, 10, 6), date(2026, 10, 6))
    assert len(slack.posted()) == 2
    for call in slack.posted():
        assert_fits_slack(call.body, call.body["channel"])
