"""Issue 15: ladders reached rather than hit, escalations grouped by lead, papers expected from
their authors, due-by dates derived from timescales, channel notices only when they are true."""

from __future__ import annotations

from datetime import date, timedelta

from bot import models as m
from bot.actions.timescales import due_by_date
from tests.reminders.test_messages import texts
from tests.reminders.test_templates import assert_within_slack_limits
from tests.reminders.world import run_daily

D = date.fromisoformat


def sent_to(sent, channel: str) -> dict[date, list[tuple[str, str]]]:
    return {day: r for day, messages in sent.items() for to, r in messages if to == channel}


def test_an_action_51_days_late_when_loaded_reaches_secretary_and_chair_once(world, slack):
    first_run = D("2026-11-25")  # a Wednesday
    action = world.add_action("A-6", first_run - timedelta(days=51), lead="leo-lead")
    sent = run_daily(world, slack, first_run, D("2027-01-08"))
    key = f"action:{action}:due:2026-10-05"
    assert sent_to(sent, "U0SEC") == {first_run: [("action_escalation", f"{key}:escalated:secretary")]}
    assert sent_to(sent, "U0CHAIR") == {first_run: [("action_escalation", f"{key}:escalated:chair")]}
    escalations = [row for row in world.ledger() if row.kind == "action_escalation"]
    assert len(escalations) == 2 and {row.status for row in escalations} == {"sent"}


def test_a_run_after_the_first_does_not_escalate_again_even_weeks_later(world, slack):
    world.add_action("A-6", D("2026-10-05"), lead="leo-lead")
    run_daily(world, slack, D("2026-11-25"), D("2026-11-25"))
    later = run_daily(world, slack, D("2027-02-01"), D("2027-02-03"))  # far outside the ledger's window
    assert sent_to(later, "U0SEC") == {} and sent_to(later, "U0CHAIR") == {}


def test_many_escalations_come_in_one_message_per_recipient_grouped_by_lead(world, slack):
    leads = ["leo-lead", "amy-author", "olly-offline"]
    for n in range(1, 61):
        world.add_action(
            f"CS-{n}",
            D("2026-10-01") + timedelta(days=n % 7),
            lead=leads[n % 3],
            description=f"Action number {n}: " + "a long description of the work " * 8,
        )
    sent = run_daily(world, slack, D("2026-11-25"), D("2026-11-25"))
    [to_secretary] = [c for c in slack.posted() if c.body["channel"] == "U0SEC"]
    assert_within_slack_limits(to_secretary.body)
    body = texts(to_secretary)
    for name in ("Leo Lead", "Amy Author", "Olly Offline"):
        assert body.count(f"*Lead: {name}*") == 1
    assert "60 actions are overdue two weeks or more" in body
    assert "*And " in body or all(f"*CS-{n}*" in body for n in range(1, 61))  # the rest as "and N more"
    assert [kind for kind, _ in sent_to(sent, "U0SEC")[D("2026-11-25")]].count("action_escalation") == 60
    assert len([c for c in slack.posted() if c.body["channel"] == "U0SEC"]) == 1


def test_escalations_list_the_most_overdue_first_then_by_reference_in_reading_order(world, slack):
    for ref, due in (("CS-10", "2026-10-01"), ("CS-2", "2026-10-01"), ("CS-1", "2026-09-01")):
        world.add_action(ref, D(due), lead="leo-lead")
    run_daily(world, slack, D("2026-11-25"), D("2026-11-25"))
    [to_secretary] = [c for c in slack.posted() if c.body["channel"] == "U0SEC"]
    body = texts(to_secretary)
    assert body.index("*CS-1*") < body.index("*CS-2*") < body.index("*CS-10*")


def test_a_timescale_past_its_period_reminds_the_lead_and_says_the_date_is_derived(world, slack):
    timescale = "To be completed by the end of June 2026"
    world.add_action("A-1", None, lead="leo-lead", timescale=timescale, due_by=due_by_date(timescale))
    world.add_action("A-2", None, lead="leo-lead", timescale="Ongoing")
    sent = run_daily(world, slack, D("2026-07-07"), D("2026-07-07"))
    [(kind, occasion)] = sent_to(sent, "U0LEO")[D("2026-07-07")]
    assert kind == "action" and occasion.endswith(":due:2026-06-30:overdue:2026-07-07")
    body = texts(slack.posted()[0])
    assert "overdue by 7 days" in body and "by end of June 2026 (from the timescale as written)" in body


def test_an_item_with_an_author_and_no_status_expects_a_paper_from_both_authors(world, slack):
    meeting = world.add_meeting(D("2026-12-10"))  # papers due Thu 26 Nov
    item = world.add_item(
        meeting,
        "7",
        "Youth justice plans",
        author="amy-author",
        report_co_author_id=world.people["leo-lead"],
        report_author="Amy Author and Leo Lead",
        paper_status=None,
    )
    world.add_item(meeting, "8", "Any other business", paper_status=None)  # no author: no paper
    sent = run_daily(world, slack, D("2026-11-25"), D("2026-11-26"))
    due = f"paper:{item}:due:2026-11-26"
    for lead in ("U0AMY", "U0LEO"):
        assert sent_to(sent, lead) == {
            D("2026-11-25"): [("paper", f"{due}:before:1")],
            D("2026-11-26"): [("paper", f"{due}:due")],
        }
    digest = texts([c for c in slack.posted() if c.body["channel"] == "U0SEC"][0])
    assert "1 paper outstanding" in digest and "Amy Author and Leo Lead" in digest


def test_a_paper_marked_submitted_is_no_longer_expected(world, slack):
    meeting = world.add_meeting(D("2026-12-10"))
    world.add_item(meeting, "7", "Plans", author="amy-author", paper_status=m.PaperStatus.SUBMITTED)
    sent = run_daily(world, slack, D("2026-11-19"), D("2026-11-30"))
    assert sent_to(sent, "U0AMY") == {}


def test_a_provisional_meeting_the_day_before_alerts_the_secretary_not_the_channel(world, slack):
    meeting = world.add_meeting(D("2026-12-10"), status=m.MeetingStatus.PROVISIONAL)
    world.add_item(meeting, "1", "Minutes", paper_status=None)
    sent = run_daily(world, slack, D("2026-12-02"), D("2026-12-09"))
    assert sent_to(sent, "C0HWB") == {}
    assert sent_to(sent, "U0SEC") == {
        D("2026-12-02"): [("meeting_held", f"meeting:{meeting}:2026-12-10:published")],
        D("2026-12-09"): [("meeting_held", f"meeting:{meeting}:2026-12-10:eve")],
    }
    eve = texts([c for c in slack.posted() if c.body["channel"] == "U0SEC"][-1])  # the chair gets a brief too
    assert "the date is still provisional" in eve and "Nothing was posted in the board channel" in eve


def test_a_meeting_with_no_agenda_is_not_announced(world, slack):
    world.add_meeting(D("2026-12-10"))
    sent = run_daily(world, slack, D("2026-12-02"), D("2026-12-09"))
    assert sent_to(sent, "C0HWB") == {}
    assert "no agenda is recorded" in texts([c for c in slack.posted() if c.body["channel"] == "U0SEC"][-1])


def test_papers_outstanding_on_publication_day_go_to_the_secretary(world, slack):
    meeting = world.add_meeting(D("2026-12-10"))
    world.add_item(meeting, "4", "Plans", author="olly-offline")  # awaited
    world.add_item(meeting, "5", "Report", paper_status=m.PaperStatus.SUBMITTED)
    sent = run_daily(world, slack, D("2026-12-02"), D("2026-12-02"))
    assert sent_to(sent, "C0HWB") == {}
    kinds = [kind for kind, _ in sent_to(sent, "U0SEC")[D("2026-12-02")]]
    assert kinds == ["meeting_held", "papers_digest"]
    body = texts([c for c in slack.posted() if c.body["channel"] == "U0SEC"][0])
    assert "1 paper is still outstanding" in body and "*4.* Plans" in body


def test_the_monthly_digest_lists_the_most_overdue_first_then_references_in_number_order(world, slack):
    for ref in ("CS-10", "CS-2", "CS-1"):
        world.add_action(ref, None, lead_text="Partners")
    world.add_action("CS-11", None, timescale="June 2026", due_by=D("2026-06-30"))
    world.add_action("CS-12", None, timescale="May 2026", due_by=D("2026-05-31"))
    run_daily(world, slack, D("2026-07-01"), D("2026-07-01"))
    body = texts([c for c in slack.posted() if c.body["channel"] == "U0SEC"][0])
    order = [body.index(f"*{ref}*") for ref in ("CS-12", "CS-11", "CS-1", "CS-2", "CS-10")]
    assert order == sorted(order)
    assert "5 open actions have no due date set. 2 are due by a date derived" in body
