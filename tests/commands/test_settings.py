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


def test_quiet_days_in_plain_words_and_their_mistakes(demo_db):
    link(demo_db)
    assert "Quiet days: Monday, Friday" in text_of(run(demo_db, "quiet mondays and fridays", user_id="UJOSH"))
    assert "No quiet days." in text_of(run(demo_db, "no quiet days", user_id="UJOSH"))
    said = text_of(run(demo_db, "quiet saturday", user_id="UJOSH"))
    assert "Saturdays and Sundays never have reminders" in said
    said = text_of(run(demo_db, "quiet mon tue wed thu fri", user_id="UJOSH"))
    assert "That would stop your reminders altogether" in said
    assert "I don't know the day “funday”" in text_of(run(demo_db, "quiet funday", user_id="UJOSH"))


def link(engine):
    with make_sessions(engine).begin() as session:
        session.scalar(select(m.Person).where(m.Person.key == "josh-rendall")).slack_user_id = "UJOSH"
        session.scalar(select(m.Person).where(m.Person.key == "kiran-hayer")).slack_user_id = "UKIRAN"


def boardbot(engine, text, **kwargs):
    from commands import help

    return text_of(ask(engine, help.run, "boardbot", text, **kwargs))


def test_away_until_a_day_with_a_delegate_and_back(demo_db):
    link(demo_db)
    said = boardbot(demo_db, "away until 14 Sept delegate Kiran Hayer", user_id="UJOSH")
    assert "Done: until Thu 14 Sep 2023 your reminders go to Kiran Hayer, marked as yours" in said
    assert "no Slack account" not in said
    said = boardbot(demo_db, "away till friday week, covered by <@UKIRAN|kiran>", user_id="UJOSH")
    assert "until Fri 15 Sep 2023 your reminders go to Kiran Hayer" in said
    assert "Away until Fri 15 Sep 2023: Kiran Hayer" in boardbot(demo_db, "settings", user_id="UJOSH")
    assert "Welcome back, Councillor Josh Rendall" in boardbot(demo_db, "back", user_id="UJOSH")
    assert "You weren't set as away" in boardbot(demo_db, "back", user_id="UJOSH")
    with make_sessions(demo_db)() as session:
        [preference] = session.scalars(select(m.ReminderPreference)).all()
        assert (preference.away_until, preference.delegate_id) == (None, None)


def test_away_refuses_past_days_unknown_or_several_delegates_and_oneself(demo_db):
    link(demo_db)
    assert "Thu 31 Aug 2023 has passed" in boardbot(
        demo_db, "away until 31 Aug delegate kiran", user_id="UJOSH"
    )
    assert "Fri 1 Sep 2023 is today" in boardbot(demo_db, "away until today delegate kiran", user_id="UJOSH")
    said = boardbot(demo_db, "away until 14 Sept delegate Nobody Atall", user_id="UJOSH")
    assert "I can't find “Nobody Atall” in the board records" in said
    said = boardbot(demo_db, "away until 14 Sept delegate sarah", user_id="UJOSH")
    assert "“sarah” could be several people" in said and "sarah-newman" in said
    assert "own delegate" in boardbot(demo_db, "away until 14 Sept delegate josh rendall", user_id="UJOSH")
    said = boardbot(demo_db, "away until 14 Sept delegate <@USTRANGER>", user_id="UJOSH")
    assert "The person you mentioned has no Slack account in the board records" in said
    assert "Who gets your reminders" in boardbot(demo_db, "away until 14 Sept", user_id="UJOSH")
    assert "I couldn't read “soonish”" in boardbot(demo_db, "away soonish delegate kiran", user_id="UJOSH")
    with make_sessions(demo_db)() as session:
        assert session.scalars(select(m.ReminderPreference)).all() == []
