"""The past as it was: a meeting shows the seats in force on its day, and a paper deadline says
whether the board stated its rule."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot import models as m
from bot.boards import boards_of, is_member
from bot.db import make_sessions
from bot.meetings import chairs, paper_deadline, papers_deadline
from bot.updates.who import Actor, board_permission, editors
from commands import agenda, nextmeeting
from tests.helpers import ask, text_of

HWB_CHAIRS = "Councillor Josh Rendall, Councillor Nafsika Butler-Thalassis"


def chairs_line(text: str) -> str:
    found = re.search(r"Chairs?\n([^\n]*)", text)
    assert found is not None, text
    return found.group(1)


def board(session, key: str) -> m.Board:
    return session.scalars(select(m.Board).where(m.Board.key == key)).one()


def person(session, key: str) -> m.Person:
    return session.scalars(select(m.Person).where(m.Person.key == key)).one()


@pytest.mark.parametrize(
    "asked",
    [
        "health and wellbeing board last",
        "Health & Wellbeing Board last",
        "hwb last",
        "wellbeing 8 June 2023",
        "hwb 08/06/2023",
    ],
)
def test_the_meeting_of_8_june_2023_shows_no_chair_it_did_not_have(demo_db, asked):
    """Cllr Josh Rendall was not on the board on 8 June 2023 (Cllr Sarah Addenbrooke held the RBKC
    seat, minutes line 96), and the minutes name no chair: none is recorded for that day."""
    text = text_of(ask(demo_db, agenda.run, "agenda", asked))
    assert "Thursday 8 June 2023" in text
    assert "Rendall" not in text
    assert chairs_line(text) == "not recorded for Thu 8 Jun 2023"


@pytest.mark.parametrize("asked", ["health and wellbeing board", "hwb", "wellbeing", ""])
def test_the_next_meeting_shows_the_chairs_as_now_recorded(demo_db, asked):
    reply = ask(demo_db, nextmeeting.run, "nextmeeting", asked, person_hint="josh-rendall")
    text = text_of(reply)
    assert "Thursday 5 October 2023" in text
    assert chairs_line(text) == HWB_CHAIRS


def test_the_agenda_of_the_next_meeting_shows_its_chairs(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "health and wellbeing board next"))
    assert "Thursday 5 October 2023" in text
    assert chairs_line(text) == HWB_CHAIRS


@pytest.mark.parametrize(
    ("asked", "day", "chair"),
    [
        ("family and people services 25 November 2019", "Monday 25 November 2019",
         "Councillor Jonathan Glanz"),
        ("scrutiny 17/10/2019", "Thursday 17 October 2019", "Councillor Jonathan Glanz"),
        ("fps 17 June 2019", "Monday 17 June 2019", "not recorded for Mon 17 Jun 2019"),
        ("fps 15/10/2018", "Monday 15 October 2018", "not recorded for Mon 15 Oct 2018"),
    ],
)  # fmt: skip
def test_the_committee_chair_shows_from_the_first_day_the_pack_shows_him(demo_db, asked, day, chair):
    """The minutes of 17 October 2019 show Cllr Glanz as Chairman (line 106); the pack shows no chair
    for the meetings before, which the action tracker names only by their dates."""
    text = text_of(ask(demo_db, agenda.run, "agenda", asked))
    assert day in text
    assert chairs_line(text) == chair


def test_seats_without_a_start_are_not_shown_once_the_meeting_is_past(demo_db):
    """Asked in December 2026, the meeting of 5 October 2023 is past: the co-chairs listed on its
    agenda have no recorded start, so the reply does not claim they held the chair that day."""
    later = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    text = text_of(ask(demo_db, agenda.run, "agenda", "health and wellbeing board 5 October 2023", now=later))
    assert "agenda (past meeting)" in text
    assert chairs_line(text) == "not recorded for Thu 5 Oct 2023"


def test_a_person_may_hold_a_seat_twice(demo_db):
    """Two spells in the chair, with a gap: each meeting shows the chair in force on its day."""
    with make_sessions(demo_db).begin() as session:
        fps = board(session, "fps")
        twice = m.Person(workspace_id=fps.workspace_id, key="cllr-twice", name="Councillor Twice")
        session.add(twice)
        session.flush()
        for starts_on, ends_on in [
            (date(2018, 10, 1), date(2018, 12, 31)),
            (date(2019, 6, 1), date(2019, 6, 30)),
        ]:
            session.add(
                m.Membership(
                    board_id=fps.id, person_id=twice.id, role="chair", starts_on=starts_on, ends_on=ends_on
                )
            )
    assert (
        chairs_line(text_of(ask(demo_db, agenda.run, "agenda", "scrutiny 3 December 2018")))
        == "Councillor Twice"
    )
    assert chairs_line(text_of(ask(demo_db, agenda.run, "agenda", "scrutiny 4 February 2019"))) == (
        "not recorded for Mon 4 Feb 2019"
    )
    assert (
        chairs_line(text_of(ask(demo_db, agenda.run, "agenda", "scrutiny 17 June 2019")))
        == "Councillor Twice"
    )


def test_a_person_has_at_most_one_seat_without_a_start_on_a_board(demo_db):
    sessions = make_sessions(demo_db)
    with pytest.raises(IntegrityError), sessions.begin() as session:
        hwb = board(session, "hwb")
        session.add(
            m.Membership(board_id=hwb.id, person_id=person(session, "josh-rendall").id, role="member")
        )
    with pytest.raises(IntegrityError), sessions.begin() as session:  # and ends on or after it starts
        hwb = board(session, "hwb")
        session.add(
            m.Membership(
                board_id=hwb.id,
                person_id=person(session, "josh-rendall").id,
                role="member",
                starts_on=date(2023, 6, 8),
                ends_on=date(2023, 6, 7),
            )
        )


def test_membership_is_asked_of_a_day(demo_db):
    """Annabel Saunders sat as a substitute on 8 June 2023 only (minute 2.1); Cllr Addenbrooke was a
    member present that day; neither is a member on 1 September 2023."""
    today = date(2023, 9, 1)
    with make_sessions(demo_db)() as session:
        hwb = board(session, "hwb")
        for key in ("annabel-saunders", "sarah-addenbrooke"):
            who = person(session, key)
            assert is_member(session, who, hwb, date(2023, 6, 8), today=today)
            assert not is_member(session, who, hwb, today=today)
            assert boards_of(session, who, datetime(2023, 9, 1, 9, tzinfo=UTC)) == []
        rendall = person(session, "josh-rendall")
        assert is_member(session, rendall, hwb, today=today)
        assert not is_member(session, rendall, hwb, date(2023, 6, 8), today=today)
        nafsika = person(session, "nafsika-butler-thalassis")
        assert [b.key for b in boards_of(session, nafsika, datetime(2023, 9, 1, 9, tzinfo=UTC))] == [
            "fps",
            "hwb",
        ]
        assert [c.name for c in chairs(session, hwb, date(2023, 6, 8), today=today)] == []


def test_a_substitute_of_one_day_sees_no_restricted_items_later(demo_db):
    """Part 2 items are for members in force today: a past substitute is not one."""
    with make_sessions(demo_db).begin() as session:
        meeting = session.scalars(select(m.Meeting).where(m.Meeting.key == "hwb-2023-10-05")).one()
        session.add(m.AgendaItem(meeting_id=meeting.id, number="11", position=11_000, title="Named child",
                                 restricted=True))  # fmt: skip
    as_substitute = text_of(ask(demo_db, agenda.run, "agenda", "hwb next", person_hint="annabel-saunders"))
    assert "Named child" not in as_substitute and "1 restricted (Part 2) item not shown" in as_substitute
    as_member = text_of(ask(demo_db, agenda.run, "agenda", "hwb next", person_hint="bernie-flaherty"))
    assert "Named child" in as_member


def test_a_deadline_by_the_default_rule_says_so(demo_db):
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "health and wellbeing board"))
    assert (
        "Papers due Thu 21 Sep 2023, by the default rule of 10 working days before the meeting;"
        " the board has not stated its own." in text
    )


def _set_rule(engine, days: int | None) -> None:
    with make_sessions(engine).begin() as session:
        board(session, "hwb").paper_deadline_working_days = days


def test_a_deadline_by_the_boards_stated_rule_says_so(demo_db):
    _set_rule(demo_db, 12)
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "health and wellbeing board"))
    assert "Papers due Tue 19 Sep 2023, by the board's rule of 12 working days before the meeting." in text
    _set_rule(demo_db, 10)  # a stated 10 is the board's own, not the default
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb"))
    assert "Papers due Thu 21 Sep 2023, by the board's rule of 10 working days before the meeting." in text


def test_a_rule_shorter_than_publication_gives_the_publication_day(demo_db):
    _set_rule(demo_db, 2)
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb"))
    assert (
        "Papers due Wed 27 Sep 2023, the day the agenda must be published, 5 clear working days before the"
        " meeting." in text
    )


def test_paper_deadline_tells_the_date_whether_stated_and_the_rule(demo_db):
    with make_sessions(demo_db)() as session:
        meeting = session.scalars(select(m.Meeting).where(m.Meeting.key == "hwb-2023-10-05")).one()
        found = paper_deadline(meeting)
        assert (found.due_on, found.stated, found.working_days) == (date(2023, 9, 21), False, 10)
        meeting.board.paper_deadline_working_days = 12
        found = paper_deadline(meeting)
        assert (found.due_on, found.stated, found.working_days) == (date(2023, 9, 19), True, 12)
        seen = papers_deadline(meeting.board, meeting, date(2023, 9, 1))
        assert (seen.due_on, seen.working_days_left, seen.stated, seen.working_days) == (
            date(2023, 9, 19),
            12,
            True,
            12,
        )
        assert seen.rule == "by the board's rule of 12 working days before the meeting"


def test_a_chair_whose_seat_has_ended_no_longer_edits_the_boards_actions(demo_db):
    with make_sessions(demo_db).begin() as session:
        josh, hwb = person(session, "josh-rendall"), board(session, "hwb")
        assert board_permission(session, Actor("UJOSH", josh), hwb) == "co-chair"
        seat = session.scalars(
            select(m.Membership).where(m.Membership.person_id == josh.id, m.Membership.board_id == hwb.id)
        ).one()
        seat.starts_on, seat.ends_on = date(2022, 5, 26), date(2024, 5, 22)  # a term that has ended
    with make_sessions(demo_db).begin() as session:
        josh, hwb = person(session, "josh-rendall"), board(session, "hwb")
        assert board_permission(session, Actor("UJOSH", josh), hwb) is None
        assert josh not in editors(session, hwb)
