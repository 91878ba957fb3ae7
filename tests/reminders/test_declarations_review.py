"""Standing declarations: the member is asked to review them once a year, by DM, on a working day."""

from __future__ import annotations

from datetime import date

from bot import models as m
from tests.reminders.test_messages import texts
from tests.reminders.world import run_daily

D = date.fromisoformat


def test_the_yearly_review_goes_once_on_the_first_working_day_after_a_year(world, slack):
    with world.session() as s:
        s.add(m.StandingDeclaration(board_id=world.board_id, person_id=world.people["cat-chair"],
                                    interest="Trustee of Age UK", reviewed_on=D("2025-12-26")))  # fmt: skip
    sent = run_daily(world, slack, D("2026-12-21"), D("2027-01-08"))
    reviews = [(day, to) for day, messages in sent.items() for to, found in messages
               for kind, _ in found if kind == "declarations_review"]  # fmt: skip
    assert reviews == [(D("2026-12-29"), "U0CHAIR")]  # a year on is Sat 26 Dec; Mon 28 is a bank holiday
    [message] = [c for c in slack.posted() if "standing declarations" in texts(c)]
    assert "• Trustee of Age UK" in texts(message) and "/boardbot declarations hwb reviewed" in texts(message)
