"""Escalations go to the chairs in force on the day of the run, not to every chair ever recorded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot import models as m
from tests.reminders.world import at_local, run_at

D = date.fromisoformat


def test_an_overdue_action_is_escalated_to_the_chair_in_force_that_day(world, slack):
    with world.session() as s:
        seat = s.scalars(
            select(m.Membership).where(m.Membership.person_id == world.people["cat-chair"])
        ).one()
        seat.ends_on = D("2026-10-31")  # stood down before the escalation
        new = m.Person(workspace_id=1, key="nia-new-chair", name="Nia New Chair", slack_user_id="U0NIA")
        s.add(new)
        s.flush()
        s.add(
            m.Membership(board_id=world.board_id, person_id=new.id, role="chair", starts_on=D("2026-11-01"))
        )
    action = world.add_action("A-1", D("2026-11-02"), lead="leo-lead")  # 28 days overdue on 30 Nov
    run_at(world, slack, at_local(D("2026-11-30")))
    channels = {call.body["channel"] for call in slack.posted()}
    assert "U0NIA" in channels and "U0CHAIR" not in channels
    [to_chair] = [c for c in slack.posted() if c.body["channel"] == "U0NIA"]
    assert any(
        f"action:{action}:due:2026-11-02:escalated:chair" in occasion
        for _, _, occasion in world.described(to_chair)
    )


def test_a_paper_reminder_says_when_its_deadline_comes_from_the_default_rule(world, slack):
    """The board states no rule: the same deadline as before, labelled as the default."""
    world.update(m.Board, world.board_id, paper_deadline_working_days=None)
    meeting = world.add_meeting(D("2026-12-17"))
    world.add_item(meeting, "4", "Better Care Fund plan", author="leo-lead")  # due 3 Dec: before:5 on 26 Nov
    run_at(world, slack, at_local(D("2026-11-26")))
    [to_leo] = [c for c in slack.posted() if c.body["channel"] == "U0LEO"]
    body = " ".join(block["text"]["text"] for block in to_leo.body["blocks"] if "text" in block)
    assert (
        "the deadline is Thu 3 Dec 2026 (10 working days before the meeting, by the default rule;"
        " the board has not stated its own)" in body
    )
