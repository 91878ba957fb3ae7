"""/boardbot settings: each person chooses immediate reminders or a daily digest."""

from __future__ import annotations

from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from commands import settings
from tests.helpers import ask, text_of


def run(engine, text, **kwargs):
    return ask(
        engine,
        lambda request, session: settings.run(request, session, request.words),
        "boardbot",
        text,
        **kwargs,
    )


def test_a_person_sees_and_changes_their_reminder_setting(demo_db):
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Person).where(m.Person.key == "josh-rendall")).slack_user_id = "UJOSH"
    assert "your reminders come as soon as each is due" in text_of(run(demo_db, "", user_id="UJOSH"))
    assert "Done: Councillor Josh Rendall, your reminders come once a day" in text_of(
        run(demo_db, "daily", user_id="UJOSH")
    )
    with make_sessions(demo_db)() as session:
        [preference] = session.scalars(select(m.ReminderPreference)).all()
        assert preference.delivery == "daily"
    assert "as soon as each is due" in text_of(run(demo_db, "immediate", user_id="UJOSH"))


def test_unknown_settings_and_unknown_people_change_nothing(demo_db):
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Person).where(m.Person.key == "josh-rendall")).slack_user_id = "UJOSH"
    text = text_of(run(demo_db, "weekly please", user_id="UJOSH"))
    assert "I don't know the setting “weekly please”" in text
    assert "can't find you in the board records" in text_of(run(demo_db, "daily", user_id="USTRANGER"))
    with make_sessions(demo_db)() as session:
        assert session.scalars(select(m.ReminderPreference)).all() == []


def test_boardbot_settings_is_routed(demo_db):
    from commands import help

    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Person).where(m.Person.key == "josh-rendall")).slack_user_id = "UJOSH"
    assert "once a day" in text_of(ask(demo_db, help.run, "boardbot", "settings daily", user_id="UJOSH"))
    assert "/boardbot settings" in text_of(ask(demo_db, help.run, "boardbot", "help"))
