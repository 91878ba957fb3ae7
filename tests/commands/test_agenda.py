"""/agenda on the demo boards: next, last and dates written the British way."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot import models as m
from bot.boarddata.loader import agenda_position
from bot.db import make_sessions
from commands import agenda
from commands.agenda import DateNotUnderstood, parse_day
from tests.helpers import SEPT_2023, ask, text_of


def test_agenda_of_25_november_2019(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "scrutiny 25/11/2019"))
    assert "Family and People Services Policy and Scrutiny Committee: agenda (past meeting)" in text
    assert "Monday 25 November 2019 at 19:00 (GMT)" in text
    assert "Rooms 18.01 & 18.03, 18th Floor, 64 Victoria Street" in text
    assert "4. Cabinet Member Update" in text
    assert "Pages: 11 - 22" in text and "Report author: Amy Just" in text and "Paper published" in text
    # procedural business expects no report: nothing is said to be missing under it
    assert "1. Membership\nTo note any changes to the membership.\n2. Declarations of Interest" in text


@pytest.mark.parametrize("written", ["25 Nov", "25 November 2019", "25/11/2019", "2019-11-25", "25.11.19"])
def test_dates_are_read_day_first(demo_db, written):
    text = text_of(ask(demo_db, agenda.run, "agenda", f"fps {written}"))
    assert "Monday 25 November 2019" in text


def test_next_and_last(demo_db):
    assert "Thursday 5 October 2023" in text_of(ask(demo_db, agenda.run, "agenda", "hwb next"))
    last = text_of(ask(demo_db, agenda.run, "agenda", "hwb last"))
    assert "Thursday 8 June 2023 · time not recorded" in last
    assert "RESOLVED: That the minutes of the meeting dating 30 March 2023 be agreed" in last


def test_a_date_with_no_meeting_suggests_the_nearest(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "hwb 6 Oct"))
    assert "has no meeting on Fri 6 Oct 2023" in text
    assert "Thu 5 Oct 2023: `/agenda hwb 2023-10-05`" in text
    assert "If you meant" not in text


def test_a_us_style_date_suggests_the_other_reading(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "hwb 6/8/2023"))
    assert "has no meeting on Sun 6 Aug 2023. If you meant Thu 8 Jun 2023" in text


def test_words_that_are_not_a_date_get_examples(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "hwb tomorrowish"))
    assert "I couldn't read “tomorrowish” as a date" in text and "`2023-10-05`" in text


def test_long_agendas_are_paginated(demo_db):
    with make_sessions(demo_db).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == "hwb-2023-10-05"))
        for n in range(11, 31):
            session.add(
                m.AgendaItem(
                    meeting=meeting, number=str(n), position=agenda_position(str(n)), title=f"Item {n}"
                )
            )
    first = ask(demo_db, agenda.run, "agenda", "hwb next")
    assert "Page 1 of 2 (30 in all)" in text_of(first) and "Item 16" not in text_of(first)
    second = ask(demo_db, agenda.run, "agenda", "hwb next", page=2)
    assert "Item 16" in text_of(second) and "Item 30" in text_of(second)
    assert [e["action_id"] for e in second.blocks[-1]["elements"]] == ["page_previous"]


def test_junk_and_empty_database(demo_db, fresh_db):
    assert "couldn't read" in text_of(ask(demo_db, agenda.run, "agenda", "hwb " + "x9" * 1500))
    assert "no boards in this workspace yet" in text_of(ask(fresh_db, agenda.run, "agenda", ""))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5 Oct 2023", ("2023-10-05", None)),
        ("05/10/2023", ("2023-10-05", None)),
        ("2023-10-05", ("2023-10-05", None)),
        ("5 Oct", (None, (10, 5))),
        ("29 Feb", (None, (2, 29))),
        ("1/2/24", ("2024-02-01", None)),
    ],
)
def test_parse_day(text, expected):
    day, yearless = parse_day(text, SEPT_2023.date())
    assert ((day.isoformat() if day else None), yearless) == expected


@pytest.mark.parametrize("text", ["soon", "31/02/2024", "", "5", "October 2023", "Oct"])
def test_parse_day_refuses(text):
    with pytest.raises(DateNotUnderstood):
        parse_day(text, SEPT_2023.date())


def test_procedural_items_carry_no_not_recorded_line_but_reports_do(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "Health & Wellbeing Board next"))
    assert (
        "1. INTRODUCTION AND WELCOME TO THE MEETING\nThe Chair to welcome everyone to the meeting.\n2."
        in text
    )
    assert "10. DATE OF NEXT MEETING\nThe next meeting will be held on 23 November 2023" in text
    assert "4. MINUTES AND ACTIONS ARISING\nTo agree the Minutes" in text and "Pages: 5 - 10\n5." in text
    assert (
        "5. REPORT ON VIBRANT AND HEALTHY COMMUNITIES\nNot recorded: pages, presenter, report author" in text
    )
    assert text.count("Not recorded:") == 5  # items 5 to 9


@pytest.mark.parametrize(
    "title, procedural",
    [
        ("INTRODUCTION AND WELCOME TO THE MEETING", True),
        ("Apologies for absence", True),
        ("Declarations of Interest", True),
        ("Minutes", True),
        ("Any Other Business", True),
        ("DATE OF NEXT MEETING", True),
        ("Cabinet Member Update", False),
        ("Reports of Any Urgent Safeguarding Issues", False),
        ("Better Care Fund – minutes of the sub-group", False),
    ],
)
def test_which_items_are_procedural(title, procedural):
    assert agenda.is_procedural(m.AgendaItem(title=title)) is procedural


def test_a_past_meeting_without_items_is_not_said_to_be_awaiting_them(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "wellbeing 30 March 2023"))
    assert "No agenda items are recorded for this meeting." in text and "yet" not in text


def test_a_past_provisional_date_is_not_called_not_yet_confirmed(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "Family and People Services 27 Jan 2020"))
    assert "agenda (past meeting)" in text
    assert "Status\nProvisional date: not recorded as confirmed or held" in text
    assert "not yet confirmed" not in text


def test_a_future_provisional_date_is_still_not_yet_confirmed(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "hwb 23 Nov"))
    assert "Status\nProvisional (not yet confirmed)" in text
    assert "No agenda items are recorded for this meeting yet." in text


@pytest.mark.parametrize(
    "asked, heading, shown",
    [
        ("hwb item 7", "agenda, item 7\nThursday 5 October 2023", "7. YOUTH JUSTICE PLANS"),
        ("Health & Wellbeing Board next item 6", "agenda, item 6", "6. SELF-EVALUATION FRAMEWORKS"),
        (
            "wellbeing last item 8",
            "agenda (past meeting), item 8\nThursday 8 June 2023",
            "8. NWL ICS STRATEGY",
        ),
        ("fps 25/11/2019 item 3", "agenda (past meeting), item 3", "3. Minutes"),
        ("scrutiny 27 Jan 2020 item wp2", "item WP2", "WP2. Support for young carers"),
    ],
)
def test_one_item_of_an_agenda(demo_db, asked, heading, shown):
    text = text_of(ask(demo_db, agenda.run, "agenda", asked))
    assert heading in text and shown in text
    assert len(re.findall(r"^\w+\. ", text, re.MULTILINE)) == 1  # one item, not the agenda
    assert re.search(r"The whole agenda: `/agenda \w+ \d{4}-\d\d-\d\d`", text)


def test_an_item_that_is_not_on_the_agenda_gets_the_whole_agenda(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "hwb item 12"))
    assert text.startswith("Health & Wellbeing Board: agenda\n")
    assert "Item 12 is not on this agenda: here is all of it." in text
    assert "1. INTRODUCTION AND WELCOME" in text and "10. DATE OF NEXT MEETING" in text
