"""Watched searches on the demo boards: a new matching passage is told to its watcher once, with what
it is and where, in the reminder run (at once, or in the daily message); old passages never."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from commands import help as boardbot
from reminders.run import plan_reminders, run_reminders
from tests.helpers import ask, text_of
from tests.reminders.test_demo_preview import preview_of
from tests.reminders.world import sender_for
from tests.slack_limits import assert_fits_slack

MONDAY = datetime(2023, 9, 4, 8, 5, tzinfo=UTC)  # 09:05 in London, a working day


def on_slack(engine) -> None:
    with make_sessions(engine).begin() as session:
        for person in session.scalars(select(m.Person)):
            person.slack_user_id = "U" + person.key.upper().replace("-", "")[:12]


def boardbot_says(engine, text: str, person: str = "josh-rendall") -> str:
    return text_of(ask(engine, boardbot.run, "boardbot", text, person_hint=person))


def add_item(engine, title: str, purpose: str | None = None, *, restricted: bool = False) -> None:
    with make_sessions(engine).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == "hwb-2023-11-23"))
        added = session.scalars(
            select(m.AgendaItem).where(m.AgendaItem.meeting == meeting, m.AgendaItem.number >= "90")
        )
        number = 90 + len(added.all())  # 90, 91 … in the order added
        session.add(
            m.AgendaItem(
                meeting=meeting,
                number=str(number),
                position=number * 10,
                title=title,
                purpose=purpose,
                restricted=restricted,
            )
        )


def watch_notices(engine, now=MONDAY) -> list:
    with make_sessions(engine).begin() as session:
        plan = plan_reminders(session, now)
        return [
            (r.recipient.key, r.summary, r.context["h"])
            for msg in plan.messages
            for r in msg.reminders
            if r.kind == "watch"
        ]


def test_a_new_agenda_item_with_the_watched_words_is_told_once_with_its_summary(demo_db, slack):
    on_slack(demo_db)
    assert "Watching “hospital discharge”" in boardbot_says(demo_db, "watch hospital discharge")
    assert watch_notices(demo_db) == []  # what the boards said before the watch is not news
    add_item(demo_db, "Hospital discharge grant", "To agree the spending plan for the discharge fund")
    add_item(demo_db, "Hospital parking")  # one word of two: not for this watch
    notices = watch_notices(demo_db)
    assert len(notices) == 1
    recipient, summary, shown = notices[0]
    assert summary == "New for your watch “hospital discharge”: Item 90 Hospital discharge grant"
    assert (shown.kind, shown.meeting.key, shown.board.key) == ("Agenda item", "hwb-2023-11-23", "hwb")
    assert shown.excerpt == "To agree the spending plan for the *discharge* fund"
    result = run_reminders(make_sessions(demo_db), sender_for(slack), now=MONDAY)
    assert result.delivered >= 1 and result.failed == 0
    posted = [
        c.body for c in slack.calls_to("chat.postMessage") if "New for your watch" in json.dumps(c.body)
    ]
    assert len(posted) == 1
    assert "Hospital discharge grant" in json.dumps(posted[0]) and "meeting of Thu 23 Nov 2023" in json.dumps(
        posted[0]
    )
    assert watch_notices(demo_db) == []
    run_reminders(make_sessions(demo_db), sender_for(slack), now=MONDAY.replace(day=5))
    again = [c for c in slack.calls_to("chat.postMessage") if "New for your watch" in json.dumps(c.body)]
    assert len(again) == 1


def test_a_synonym_of_the_watched_words_matches_too(demo_db):
    on_slack(demo_db)
    boardbot_says(demo_db, "watch better care fund")
    add_item(demo_db, "BCF quarterly return")
    assert [s for _, s, _ in watch_notices(demo_db)] == [
        "New for your watch “better care fund”: Item 90 BCF quarterly return"
    ]


def test_a_watch_keeps_the_words_as_typed_so_a_phrase_keeps_its_synonym(demo_db):
    """ "looked after children" is LAC only with its "after": the watch keeps the words as typed."""
    on_slack(demo_db)
    said = boardbot_says(demo_db, "watch looked after children")
    assert "Watching “looked after children” (also “LAC” for “looked after children”)" in said
    assert "already watching “looked after children”" in boardbot_says(
        demo_db, "watch Looked After Children!"
    )
    add_item(demo_db, "LAC sufficiency strategy")
    assert [s for _, s, _ in watch_notices(demo_db)] == [
        "New for your watch “looked after children”: Item 90 LAC sufficiency strategy"
    ]
    assert "no longer watch “looked after children”" in boardbot_says(
        demo_db, "unwatch looked after children"
    )


@pytest.mark.parametrize("typed", ["children looked after", "youth justice board"])
def test_a_stop_word_at_the_end_of_a_synonyms_phrase_stays(demo_db, typed):
    """ "children looked after" is LAC and "youth justice board" YJB only with their last word."""
    on_slack(demo_db)
    assert f"Watching “{typed}” (also" in boardbot_says(demo_db, f"watch {typed}")


def test_a_watch_without_the_phrases_words_is_another_watch(demo_db):
    """ "looked children" (set before watches kept stop words) does not stand in for LAC."""
    on_slack(demo_db)
    boardbot_says(demo_db, "watch looked children")
    assert "Watching “looked after children”" in boardbot_says(demo_db, "watch looked after children")
    assert "no longer watch “looked after children”" in boardbot_says(
        demo_db, "unwatch looked after children"
    )
    assert "1. looked children" in boardbot_says(demo_db, "watches")


def test_a_restricted_item_is_told_only_to_members_of_its_board(demo_db):
    on_slack(demo_db)
    boardbot_says(demo_db, "watch hospital discharge", person="josh-rendall")  # on the HWB
    boardbot_says(demo_db, "watch hospital discharge", person="jonathan-glanz")  # on the FPS committee only
    add_item(demo_db, "Hospital discharge contract award", restricted=True)
    assert [r for r, _, _ in watch_notices(demo_db)] == [f"person:{person_id(demo_db, 'josh-rendall')}"]


def person_id(engine, key: str) -> int:
    with make_sessions(engine)() as session:
        return session.scalar(select(m.Person.id).where(m.Person.key == key))


def test_a_person_lists_and_removes_their_watches(demo_db):
    assert "You watch nothing yet" in boardbot_says(demo_db, "watches")
    boardbot_says(demo_db, "watch youth justice")
    assert "already watching “youth justice”" in boardbot_says(demo_db, "watch Youth Justice!")
    boardbot_says(demo_db, "watch what about the BCF?")
    listed = boardbot_says(demo_db, "watches")
    assert "1. youth justice" in listed and "2. BCF ·" in listed  # as typed, less the question around it
    assert "None of your watches is “knitting”" in boardbot_says(demo_db, "unwatch knitting")
    assert "no longer watch “youth justice”" in boardbot_says(demo_db, "unwatch 1")
    assert "no longer watch “BCF”" in boardbot_says(demo_db, "unwatch bcf")
    assert "You have no watches to remove" in boardbot_says(demo_db, "unwatch 1")


def test_watching_needs_words_and_a_person_in_the_records(demo_db):
    assert "has no words to watch for" in boardbot_says(demo_db, "watch the what")
    assert "Say what to watch for" in boardbot_says(demo_db, "watch")
    nobody = text_of(ask(demo_db, boardbot.run, "boardbot", "watch youth justice", user_id="UNOBODY"))
    assert "I can't find you in the board records" in nobody


def test_a_daily_digest_person_is_told_in_their_daily_message(demo_db):
    on_slack(demo_db)
    boardbot_says(demo_db, "settings daily")
    assert "in your daily message" in boardbot_says(demo_db, "watch hospital discharge")
    add_item(demo_db, "Hospital discharge grant")
    assert len(watch_notices(demo_db)) == 1


def test_the_reminders_preview_shows_the_notice_on_the_day_it_is_found(demo_db):
    on_slack(demo_db)
    boardbot_says(demo_db, "watch hospital discharge")
    add_item(demo_db, "Hospital discharge grant")
    text = preview_of(demo_db, "2023-09-01")
    assert "New for your watch “hospital discharge”: Item 90 Hospital discharge grant" in text


def notice_buttons(blocks: list[dict]) -> list[dict]:
    return [b["accessory"] for b in blocks if (b.get("accessory") or {}).get("action_id") == "watch_stop"]


def watch_id(engine, person: str, words: str) -> int:
    with make_sessions(engine)() as session:
        return session.scalar(
            select(m.SearchWatch.id)
            .join(m.Person)
            .where(m.Person.key == person, m.SearchWatch.words == words)
        )


def test_a_posted_notice_carries_a_stop_watching_button_for_its_watch(demo_db, slack):
    on_slack(demo_db)
    boardbot_says(demo_db, "watch hospital discharge")
    add_item(demo_db, "Hospital discharge grant")
    run_reminders(make_sessions(demo_db), sender_for(slack), now=MONDAY)
    [posted] = [
        c.body for c in slack.calls_to("chat.postMessage") if "New for your watch" in json.dumps(c.body)
    ]
    assert_fits_slack(posted)
    [button] = notice_buttons(posted["blocks"])
    assert button["text"]["text"] == "Stop watching"
    assert button["value"] == f"watch:{watch_id(demo_db, 'josh-rendall', 'hospital discharge')}:notice"


def test_a_daily_message_full_of_notices_keeps_one_button_per_notice_within_50_blocks(demo_db, slack):
    on_slack(demo_db)
    boardbot_says(demo_db, "settings daily")
    topics = ["discharge", "carers", "dementia", "housing", "transport", "libraries"]
    for topic in topics:
        boardbot_says(demo_db, f"watch {topic}")
    with make_sessions(demo_db).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == "hwb-2023-11-23"))
        for number, (topic, n) in enumerate(((t, n) for t in topics for n in range(10)), start=100):
            session.add(m.AgendaItem(meeting=meeting, number=str(number), position=number * 10,
                                     title=f"Grant {n} for {topic}"))  # fmt: skip
    run_reminders(make_sessions(demo_db), sender_for(slack), now=MONDAY)
    [digest] = [
        c.body for c in slack.calls_to("chat.postMessage") if "New for your watch" in json.dumps(c.body)
    ]
    assert_fits_slack(digest)  # 60 notices: as many as fit shown, each with its button, the rest a line each
    buttons = notice_buttons(digest["blocks"])
    shown = [
        b for b in digest["blocks"] if ":mag: New for your watch" in (b.get("text") or {}).get("text", "")
    ]
    assert len(digest["blocks"]) <= 50 and len(buttons) == len(shown) >= 40
    assert {b["value"] for b in buttons} <= {
        f"watch:{watch_id(demo_db, 'josh-rendall', topic)}:notice" for topic in topics
    }
