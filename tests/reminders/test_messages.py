"""Who gets what: one message per person per run, daily digests, snoozes, people outside Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot import models as m
from reminders import ledger
from tests.reminders.world import at_local, run_at, run_daily

D = date.fromisoformat


def texts(call) -> str:
    return "\n".join(
        block["text"]["text"]
        if "text" in block
        else " ".join(e.get("text", "") for e in block.get("elements", []))
        for block in call.body["blocks"]
        if block["type"] in ("section", "context")
    )


def test_several_reminders_due_together_arrive_in_one_message(world, slack):
    meeting = world.add_meeting(D("2026-12-17"))
    world.add_item(meeting, "4", "Better Care Fund plan", author="leo-lead")  # due 3 Dec: before:5 on 26 Nov
    world.add_action("A-1", D("2026-12-03"), lead="leo-lead")  # 7 days before: 26 Nov
    world.add_action("A-2", D("2026-11-26"), lead="leo-lead")  # due 26 Nov
    world.add_action("A-3", D("2026-11-19"), lead="leo-lead")  # a week overdue on 26 Nov
    result = run_at(world, slack, at_local(D("2026-11-26")))
    to_leo = [c for c in slack.posted() if c.body["channel"] == "U0LEO"]
    assert len(to_leo) == 1
    assert [kind for kind, _, _ in world.described(to_leo[0])] == ["paper", "action", "action", "action"]
    body = texts(to_leo[0])
    assert body.startswith(":bell: *4 reminders from BoardBot*")
    assert "overdue by 7 days" in body and "due today" in body and "due in 7 days" in body
    assert to_leo[0].body["text"].startswith("4 reminders: Paper “Better Care Fund plan”")
    buttons = [b for b in to_leo[0].body["blocks"] if b["type"] == "actions"]
    block_ids = [b["block_id"] for b in to_leo[0].body["blocks"] if "block_id" in b]
    assert len(buttons) == 4 and len(set(block_ids)) == len(block_ids) == 8
    assert result.messages == len(slack.posted())


def test_people_outside_slack_are_listed_for_the_secretary(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="olly-offline")
    world.add_action("A-2", D("2026-11-26"), lead_text="YJS and Partners")
    run_at(world, slack, at_local(D("2026-11-26")))
    [message] = slack.posted()
    assert message.body["channel"] == "U0SEC"
    body = texts(message)
    assert "For Olly Offline (not on Slack): action *A-1*" in body
    assert "For YJS and Partners (not on Slack): action *A-2*" in body


def test_nobody_on_slack_means_nothing_sent_and_the_run_says_so(world, slack):
    world.update(m.Board, world.board_id, slack_channel=None)
    world.update(m.Person, world.people["sam-sec"], slack_user_id=None)
    world.update(m.Person, world.people["cat-chair"], slack_user_id=None)  # the chair's brief: nobody too
    world.add_action("A-1", D("2026-11-26"), lead="olly-offline")
    meeting = world.add_meeting(D("2026-11-27"))
    world.add_item(meeting, "1", "Minutes", paper_status=None)
    result = run_at(world, slack, at_local(D("2026-11-26")))
    assert (result.due, result.unreachable, len(slack.posted())) == (0, 3, 0)
    assert world.ledger() == []  # nothing claimed for nobody


def test_a_daily_digest_person_gets_at_most_one_message_a_day(world, slack):
    with world.session() as s:
        ledger.set_delivery(s, world.people["leo-lead"], m.DeliveryPreference.DAILY, datetime.now(UTC))
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    assert run_at(world, slack, at_local(D("2026-11-26"), 9, 5)).delivered == 1
    world.add_action("A-2", D("2026-11-26"), lead="leo-lead")  # recorded later that morning
    later = run_at(world, slack, at_local(D("2026-11-26"), 11, 5))
    assert (later.delivered, later.held) == (0, 1)
    next_day = run_at(world, slack, at_local(D("2026-11-27"), 9, 5))
    assert next_day.delivered == 1  # yesterday's reminder, caught up in today's digest
    assert [len(world.described(c)) for c in slack.posted()] == [1, 1]


def test_an_immediate_person_gets_a_reminder_recorded_later_the_same_day(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    run_at(world, slack, at_local(D("2026-11-26"), 9, 5))
    world.add_action("A-2", D("2026-11-26"), lead="leo-lead")
    assert run_at(world, slack, at_local(D("2026-11-26"), 11, 5)).delivered == 1
    assert run_at(world, slack, at_local(D("2026-11-27"), 9, 5)).delivered == 0
    assert len(slack.posted()) == 2


def test_snooze_delays_the_reminder_and_keeps_the_due_date(world, slack):
    action = world.add_action("A-1", D("2026-12-07"), lead="leo-lead")
    run_at(world, slack, at_local(D("2026-12-07")))  # due today
    with world.session() as s:  # Snooze 1 day, as the button will
        ledger.snooze(s, world.people["leo-lead"], "action", action, D("2026-12-08"), datetime.now(UTC))
    sent = run_daily(world, slack, D("2026-12-08"), D("2026-12-14"))
    key = f"action:{action}:due:2026-12-07"
    assert {d: [r for _, r in msgs] for d, msgs in sent.items()} == {
        D("2026-12-08"): [[("action", f"{key}:snoozed:2026-12-08")]],
        D("2026-12-14"): [[("action", f"{key}:overdue:2026-12-14")]],
    }
    assert "You snoozed this reminder" in texts(slack.posted()[1])
    with (
        world.session() as s
    ):  # Snooze 1 week from the 14th: quiet until the 21st, when the ladder is due too
        ledger.snooze(s, world.people["leo-lead"], "action", action, D("2026-12-21"), datetime.now(UTC))
    sent = run_daily(world, slack, D("2026-12-15"), D("2026-12-22"))
    assert {d: sorted(msgs) for d, msgs in sent.items()} == {
        D("2026-12-21"): [
            ("U0LEO", [("action", f"{key}:overdue:2026-12-21")]),
            ("U0SEC", [("action_escalation", f"{key}:escalated:secretary")]),  # Leo's snooze is Leo's
        ],
    }
    with world.session() as s:
        assert s.get(m.Action, action).due_on == D("2026-12-07")


def test_snoozing_a_paper_holds_back_its_daily_overdue_reminders(world, slack):
    meeting = world.add_meeting(D("2026-11-05"))
    paper = world.add_item(meeting, "4", "Youth justice plan", author="amy-author")  # due 22 Oct
    with world.session() as s:
        ledger.snooze(s, world.people["amy-author"], "paper", paper, D("2026-10-27"), datetime.now(UTC))
    sent = run_daily(world, slack, D("2026-10-21"), D("2026-10-28"))
    amy = sorted(d for d, msgs in sent.items() for to, _ in msgs if to == "U0AMY")
    assert amy == [D("2026-10-27"), D("2026-10-28")]


def test_the_secretary_gets_undated_actions_monthly(world, slack):
    world.add_action("A-1", None, lead="leo-lead", timescale="Autumn 2027")
    world.add_action("A-2", None, lead_text="All partners")
    world.add_action("A-3", None, status=m.ActionStatus.DONE, timescale="Ongoing")
    sent = run_daily(world, slack, D("2026-11-30"), D("2027-01-05"))
    months = {d: r for d, msgs in sent.items() for to, r in msgs if to == "U0SEC"}
    board = world.board_id
    assert months == {
        D("2026-12-01"): [("vague_actions", f"board:{board}:month:2026-12")],
        D("2027-01-04"): [("vague_actions", f"board:{board}:month:2027-01")],  # 1 January is a holiday
    }
    body = texts(slack.posted()[0])
    assert "2 open actions have no due date set" in body and "Autumn 2027" in body and "A-3" not in body


def test_channel_notices_never_list_restricted_items(world, slack):
    meeting = world.add_meeting(D("2026-12-10"), papers_url="https://example.org/papers")
    world.add_item(meeting, "4", "Public item", paper_status=m.PaperStatus.SUBMITTED)
    world.add_item(
        meeting, "5", "Exempt: a named child", restricted=True, paper_status=m.PaperStatus.SUBMITTED
    )
    run_daily(world, slack, D("2026-12-09"), D("2026-12-09"))
    [notice] = [c for c in slack.posted() if c.body["channel"] == "C0HWB"]
    body = texts(notice)
    assert "meets tomorrow" in body and "Public item" in body
    assert "named child" not in body and "1 restricted (Part 2) item not listed" in body
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in body
    assert "outlook.office.com" in body


def test_snooze_buttons_wake_on_the_next_working_day(world):
    with world.session() as s:
        friday = ledger.snooze_for(s, world.people["leo-lead"], "action", 1, days=1, today=D("2026-12-18"),
                                   region="england", now=datetime.now(UTC))  # fmt: skip
        assert friday.until == D("2026-12-21")
        week = ledger.snooze_for(s, world.people["leo-lead"], "action", 1, days=7, today=D("2026-12-18"),
                                 region="england", now=datetime.now(UTC))  # fmt: skip
        assert week.id == friday.id and week.until == D("2026-12-29")  # 25, 26, 28 Dec are holidays


def test_chairs_outside_slack_are_each_escalated_through_the_secretary(world, slack):
    world.update(m.Person, world.people["cat-chair"], slack_user_id=None)
    with world.session() as s:
        co = m.Person(workspace_id=1, key="cole-cochair", name="Cole Co-chair")
        s.add(co)
        s.flush()
        s.add(m.Membership(board_id=world.board_id, person_id=co.id, role=m.MembershipRole.CO_CHAIR))
    action = world.add_action("A-1", D("2026-11-02"), lead="leo-lead")  # 28 days overdue on 30 Nov
    run_at(world, slack, at_local(D("2026-11-30")))
    [to_secretary] = [c for c in slack.posted() if c.body["channel"] == "U0SEC"]
    occasions = sorted(occasion for _, _, occasion in world.described(to_secretary))
    # issue 15: the secretary's rung (14 days), passed before the first run, is reached too
    assert occasions[-1] == f"action:{action}:due:2026-11-02:escalated:secretary"
    assert len(occasions) == 3 and all(
        o.startswith(f"action:{action}:due:2026-11-02:escalated:chair:for:") for o in occasions[:2]
    )
    body = texts(to_secretary)
    assert "For Councillor Cat Chair (not on Slack), as chair" in body and "For Cole Co-chair" in body
