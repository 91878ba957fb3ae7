"""An action raised at a restricted (Part 2) item is restricted like it (issue 15): its description,
progress and history only for the board's members, only in a DM."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from commands import actions
from commands.update import run as update
from tests.commands.test_update import link_people, message
from tests.helpers import ask, text_of

DESCRIPTION = "Requested a report on why people become homeless"


@pytest.fixture
def part_2(demo_db):
    """FPS-2 raised at a restricted item of its meeting; the committee's chair and a stranger on Slack."""
    with make_sessions(demo_db).begin() as session:
        action = session.scalar(select(m.Action).where(m.Action.ref == "FPS-2"))
        item = m.AgendaItem(
            meeting_id=action.meeting_id, number="99", position=990000000, title="SECRET", restricted=True
        )
        session.add(item)
        session.flush()
        action.agenda_item_id = item.id
        session.scalar(select(m.Board).where(m.Board.key == "fps")).slack_channel = "CFPS"
    link_people(demo_db, {"jonathan-glanz": "UCHAIR", "maria-burton": "UMARIA"})
    return demo_db


def test_a_member_sees_it_in_a_dm(part_2):
    said = text_of(ask(part_2, actions.run, "actions", "FPS-2", user_id="UCHAIR"))
    assert DESCRIPTION in said and "Raised at" in said and "SECRET" in said


@pytest.mark.parametrize(
    "user, dm",
    [
        ("UCHAIR", False),
        ("UNOBODY", True),
        ("UMARIA", True),
    ],  # in the channel; a stranger; another board's secretary
)
def test_anyone_else_or_anywhere_else_is_told_it_is_restricted(part_2, user, dm):
    said = text_of(
        ask(
            part_2,
            actions.run,
            "actions",
            "fps FPS-2",
            user_id=user,
            dm=dm,
            channel_id="CFPS" if not dm else "D1",
        )
    )
    assert DESCRIPTION not in said and "SECRET" not in said and "In progress" not in said
    assert "raised at a restricted (Part 2) item" in said and "direct message with BoardBot" in said


def test_lists_hide_its_description_from_non_members(part_2):
    said = text_of(ask(part_2, actions.run, "actions", "fps open", user_id="UNOBODY"))
    assert "FPS-2" in said and DESCRIPTION not in said and "not shown here (Part 2)" in said
    said = text_of(ask(part_2, actions.run, "actions", "fps open", user_id="UCHAIR"))
    assert DESCRIPTION in said


def test_an_update_reply_in_the_channel_leaves_out_its_progress(part_2):
    def say(request):
        with make_sessions(part_2).begin() as session:
            return text_of(update(request, session))

    in_channel = message(
        "FPS-2 blocked: awaiting the SECRET legal advice",
        user="UCHAIR",
        channel="CFPS",
        dm=False,
        mentioned=True,
    )
    said = say(in_channel)
    assert "status: In progress → Blocked" in said and "progress: not shown here (Part 2) → changed" in said
    assert "SECRET" not in said
    said = say(message("FPS-2 note: legal advice received", user="UCHAIR", channel="DCHAIR"))
    assert "awaiting the SECRET legal advice → legal advice received" in said
