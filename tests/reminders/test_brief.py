"""The chair's brief: one DM to each chair on the working day before a meeting, built from PARTS."""

from __future__ import annotations

from datetime import date

from bot import models as m
from reminders import brief
from tests.reminders.test_messages import texts
from tests.reminders.world import at_local, run_at, run_daily
from tests.slack_limits import assert_fits_slack

D = date.fromisoformat


def add_kpi(world, name: str, values: list[tuple[str, str, str | None]]) -> None:
    """A KPI with (period, period_end, rag) values in one area."""
    with world.session() as s:
        kpi = m.Kpi(board_id=world.board_id, key=name.lower().replace(" ", "-"), name=name, scope="borough")
        s.add(kpi)
        s.flush()
        for period, end, rag in values:
            s.add(
                m.KpiValue(
                    kpi_id=kpi.id, area="Westminster", period=period, period_end=D(end), value=1.0, rag=rag
                )
            )


def test_each_chair_gets_one_brief_on_the_working_day_before(world, slack):
    with world.session() as s:
        s.add(
            m.Membership(
                board_id=world.board_id, person_id=world.people["leo-lead"], role=m.MembershipRole.CO_CHAIR
            )
        )
    world.add_meeting(D("2026-12-17"))
    sent = run_daily(world, slack, D("2026-12-10"), D("2026-12-17"))
    briefs = [
        (day, to)
        for day, messages in sent.items()
        for to, found in messages
        for kind, _ in found
        if kind == "chair_brief"
    ]
    assert sorted(briefs) == [(D("2026-12-16"), "U0CHAIR"), (D("2026-12-16"), "U0LEO")]


def test_weekends_and_bank_holidays_are_skipped(world, slack):
    world.add_meeting(D("2027-01-04"))  # a Monday after New Year's Day (Friday)
    world.add_meeting(D("2026-12-29"))  # a Tuesday after Christmas, Boxing Day and its Monday substitute
    sent = run_daily(world, slack, D("2026-12-20"), D("2027-01-04"))
    days = sorted(
        day
        for day, messages in sent.items()
        for _, found in messages
        for kind, _ in found
        if kind == "chair_brief"
    )
    assert days == [D("2026-12-24"), D("2026-12-31")]


def test_the_vice_chair_is_briefed_only_when_no_chair_is_recorded(world, slack):
    with world.session() as s:
        s.add(
            m.Membership(
                board_id=world.board_id, person_id=world.people["leo-lead"], role=m.MembershipRole.VICE_CHAIR
            )
        )
    world.add_meeting(D("2026-12-17"))
    run_at(world, slack, at_local(D("2026-12-16")))
    assert [c.body["channel"] for c in slack.posted() if "Your brief" in texts(c)] == ["U0CHAIR"]


def test_the_brief_says_what_the_chair_needs_to_know(world, slack):
    world.add_meeting(D("2026-10-01"))  # the last meeting
    meeting = world.add_meeting(D("2026-12-17"))
    world.add_item(meeting, "3", "Declarations of interest", paper_status=None)
    item = world.add_item(meeting, "6", "Better Care Fund plan", author="amy-author")
    secret = world.add_item(meeting, "9", "Contract award", author="amy-author", restricted=True)
    with world.session() as s:
        s.add(
            m.Declaration(
                meeting_id=meeting,
                agenda_item_id=item,
                person_id=world.people["cat-chair"],
                interest="My husband works for the ICB",
                kind="pecuniary",
            )
        )
        s.add(
            m.Declaration(
                meeting_id=meeting,
                agenda_item_id=secret,
                person_id=world.people["leo-lead"],
                interest="Bidder's trustee",
            )
        )
    world.add_action("A-1", D("2026-11-30"), lead="leo-lead")
    world.add_action("A-2", D("2026-12-01"), lead_text="YJS and Partners")
    world.add_action("A-3", D("2027-01-30"), lead="leo-lead")  # not yet due
    add_kpi(
        world,
        "Smoking at delivery",
        [("2025/26 Q1", "2026-06-30", "amber"), ("2026/27 Q2", "2026-11-30", "red")],
    )
    add_kpi(
        world, "Immunisation", [("2025/26 Q1", "2026-06-30", None), ("2026/27 Q2", "2026-11-30", "green")]
    )
    run_at(world, slack, at_local(D("2026-12-16")))
    [message] = [c for c in slack.posted() if c.body["channel"] == "U0CHAIR"]
    body = texts(message).replace("&amp;", "&")
    assert ":clipboard: *Your brief for the Health & Wellbeing Board meeting*" in body
    assert (
        "• item 6, Better Care Fund plan: from Amy Author, due Thu 3 Dec 2026 by the board's rule, late"
        in body
    )
    assert "• item 9, Contract award _(restricted, Part 2)_: from Amy Author" in body
    assert "• item 6: *Councillor Cat Chair* (pecuniary): My husband works for the ICB" in body
    assert "Bidder's trustee _(restricted item)_" in body
    assert (
        "*Actions overdue by the meeting (2), by lead:*\n• Leo Lead: A-1 (due Mon 30 Nov 2026)\n• YJS and Partners: A-2"
        in body
    )
    assert "A-3" not in body
    assert "• Smoking at delivery (Westminster): amber → *red* (2025/26 Q1 → 2026/27 Q2)" in body
    assert "RAG not recorded for 1 of them: whether they worsened is not known." in body
    assert "it names restricted (Part 2) items" in body
    assert not [c for c in slack.posted() if c.body["channel"] == "C0HWB" and "Contract award" in texts(c)]
    assert_fits_slack(message.body["blocks"])


def test_a_part_added_to_parts_is_in_the_brief(world, slack, monkeypatch):
    world.add_meeting(D("2026-12-17"))
    monkeypatch.setattr(
        brief, "PARTS", [*brief.PARTS, lambda session, meeting: ["*Attendance:* 9 of 12 coming"]]
    )
    run_at(world, slack, at_local(D("2026-12-16")))
    [message] = [c for c in slack.posted() if c.body["channel"] == "U0CHAIR"]
    assert "*Attendance:* 9 of 12 coming" in texts(message)


def test_a_long_part_is_clipped_with_and_n_more():
    text = brief.fit([f"• action {n}: " + "x" * 100 for n in range(60)])
    assert len(text) <= 3000 and text.endswith("more_") and "_and 35 more_" in text
