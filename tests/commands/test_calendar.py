"""/boardbot calendar as members ask it: their addresses, privately; a clear answer when feeds are off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import models as m
from bot.calendar import links
from bot.config import ConfigError, Settings
from bot.db import make_sessions
from commands import help, nextmeeting
from tests.helpers import ask, text_of
from tests.slack_limits import assert_fits_slack

MARCH_2024 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def site() -> Iterator[links.Site]:
    links.configure(Settings(public_url="https://boardbot.example.org", slack_signing_secret="s"))
    site = links.current()
    assert site is not None
    yield site
    links.configure(Settings())


def test_a_member_gets_their_feed_and_each_boards_feed_only_to_them(demo_db, site):
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Person).where(m.Person.key == "josh-rendall")).slack_user_id = "UJOSH"
    reply = ask(demo_db, help.run, "boardbot", "calendar share", user_id="UJOSH", channel_id="CHWB", dm=False)
    assert_fits_slack(reply)
    assert reply.public is False  # never in the channel: anyone with the address sees the meetings
    text = text_of(reply)
    assert "Your calendar, Councillor Josh Rendall: the meetings of Health & Wellbeing Board" in text
    assert "https://boardbot.example.org/calendar/" in text and "/hwb.ics" in text
    assert "I show them only to you, not in the channel." in text
    assert "shown as 2 hours long" in text and "the past year to two years ahead" in text


def test_a_member_of_two_boards_gets_both(demo_db, site):
    text = text_of(ask(demo_db, help.run, "boardbot", "calendar", person_hint="nafsika-butler-thalassis"))
    assert "Family and People Services Policy and Scrutiny Committee and Health & Wellbeing Board" in text
    assert text.count("/fps.ics") == 1 and text.count("/hwb.ics") == 1


@pytest.mark.parametrize("words", ["calendar new", "calendar give me a new link please", "Calendar NEW"])
def test_asking_for_a_new_address_revokes_the_old(demo_db, site, words):
    who = {"person_hint": "josh-rendall"}
    first = text_of(ask(demo_db, help.run, "boardbot", "calendar", **who))
    assert text_of(ask(demo_db, help.run, "boardbot", "calendar my link", **who)) == first
    renewed = text_of(ask(demo_db, help.run, "boardbot", words, **who))
    assert renewed.startswith("Done: your old calendar addresses no longer work.")
    assert renewed.split("\n")[1] != first.split("\n")[1]


def test_without_a_web_address_the_member_is_told_who_can_set_it_up(demo_db):
    links.configure(Settings())
    text = text_of(ask(demo_db, help.run, "boardbot", "calendar", person_hint="josh-rendall"))
    assert "Calendar feeds are not set up" in text and "BOARDBOT_PUBLIC_URL" in text
    assert "calendar/" not in text
    reply = ask(demo_db, nextmeeting.run, "nextmeeting", "hwb")
    assert ".ics" not in str(reply.blocks)


def test_someone_not_in_the_records_is_told_so(demo_db, site):
    text = text_of(ask(demo_db, help.run, "boardbot", "calendar", user_id="USTRANGER"))
    assert "can't find you in the board records" in text
    with make_sessions(demo_db)() as session:
        assert session.scalars(select(m.CalendarFeed)).all() == []


def test_a_member_of_no_board_today_gets_an_empty_feed_said_so(demo_db, site):
    text = text_of(
        ask(demo_db, help.run, "boardbot", "calendar", person_hint="andrew-steedman", now=MARCH_2024)
    )
    assert "none today, so it is empty for now" in text


def test_help_lists_the_calendar(demo_db):
    assert "*/boardbot calendar* `[new]`" in str(ask(demo_db, help.run, "boardbot", "help").blocks)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://bb.example.org/", "https://bb.example.org"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ],
)
def test_the_public_url_setting(value, expected):
    assert Settings.from_env({"BOARDBOT_PUBLIC_URL": value}).public_url == expected
    assert Settings.from_env({}).public_url is None


@pytest.mark.parametrize("value", ["boardbot.example.org", "https://bb.example.org/x?y=1", "ftp://x"])
def test_a_public_url_that_is_not_a_web_address_is_refused(value):
    with pytest.raises(ConfigError, match="BOARDBOT_PUBLIC_URL"):
        Settings.from_env({"BOARDBOT_PUBLIC_URL": value})
