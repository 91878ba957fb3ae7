"""A reminder's Snooze buttons delay that reminder for the person who pressed, never the due date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from slack_bolt import BoltRequest
from sqlalchemy import select

from bot import models as m
from bot.app import create_app
from bot.config import Settings
from bot.db import make_sessions
from commands.snooze import press_snooze
from tests.helpers import text_of

FRIDAY = datetime(2023, 9, 1, 9, 0, tzinfo=UTC)


def _setup(engine):
    with make_sessions(engine).begin() as session:
        action = session.scalar(select(m.Action).where(m.Action.ref == "HWB-1"))
        action.due_on = date(2023, 9, 8)
        person = session.scalar(select(m.Person).where(m.Person.key == "josh-rendall"))
        person.slack_user_id = "UJOSH"
        return action.id, person.id


def test_snooze_a_day_lands_on_the_next_working_day_and_keeps_the_due_date(demo_db):
    action_id, person_id = _setup(demo_db)
    with make_sessions(demo_db).begin() as session:
        reply = press_snooze("local", "UJOSH", ("action", action_id), 1, FRIDAY, session)
    assert "again on Mon 4 Sep 2023. Its due date is unchanged (Fri 8 Sep 2023)" in text_of(reply)
    with make_sessions(demo_db)() as session:
        snoozes = session.scalars(select(m.ReminderSnooze)).all()
        assert [(s.person_id, s.subject_kind, s.subject_id, s.until) for s in snoozes] == [
            (person_id, "action", action_id, date(2023, 9, 4))
        ]
        assert session.get(m.Action, action_id).due_on == date(2023, 9, 8)


def test_people_not_in_the_records_and_stale_buttons_are_told(demo_db):
    action_id, _ = _setup(demo_db)
    with make_sessions(demo_db).begin() as session:
        stranger = text_of(press_snooze("local", "USTRANGER", ("action", action_id), 7, FRIDAY, session))
        stale = text_of(press_snooze("local", "UJOSH", ("action", 10_000_000), 7, FRIDAY, session))
        other_workspace = text_of(press_snooze("T0OTHER", "UJOSH", ("action", action_id), 7, FRIDAY, session))
    assert "I don't know you yet" in stranger
    assert "no longer here" in stale and "no longer here" in other_workspace
    with make_sessions(demo_db)() as session:
        assert session.scalars(select(m.ReminderSnooze)).all() == []


def press(engine, fake_slack, action_id: str, value: str):
    """Josh presses a reminder button in his DM; what BoardBot sent back through response_url."""
    app = create_app(Settings(slack_api_url=fake_slack.api_url, now=FRIDAY), make_sessions(engine))
    body = {
        "type": "block_actions",
        "team": {"id": "local"},
        "user": {"id": "UJOSH", "team_id": "local"},
        "channel": {"id": "DJOSH", "name": "directmessage"},
        "response_url": fake_slack.response_url(),
        "actions": [{"action_id": action_id, "value": value, "type": "button"}],
    }
    assert app.dispatch(BoltRequest(body=body, mode="socket_mode")).status == 200
    [call] = fake_slack.calls_to("respond")
    return call


def test_the_week_button_is_wired(demo_db, fake_slack):
    action_id, _ = _setup(demo_db)
    call = press(demo_db, fake_slack, "action_snooze_week", f"action:{action_id}")
    assert "again on Fri 8 Sep 2023" in json.dumps(call.body)


def test_a_paper_reminder_can_be_snoozed_too(demo_db, fake_slack):
    _setup(demo_db)
    with make_sessions(demo_db)() as session:
        item = session.scalar(
            select(m.AgendaItem)
            .join(m.Meeting)
            .where(m.Meeting.key == "hwb-2023-10-05", m.AgendaItem.number == "7")
        )
    call = press(demo_db, fake_slack, "action_snooze_day", f"paper:{item.id}")
    assert "*the paper for item 7, YOUTH JUSTICE PLANS* again on Mon 4 Sep 2023" in call.body["text"]
    with make_sessions(demo_db)() as session:
        [snoozed] = session.scalars(select(m.ReminderSnooze)).all()
        assert (snoozed.subject_kind, snoozed.subject_id) == ("paper", item.id)
