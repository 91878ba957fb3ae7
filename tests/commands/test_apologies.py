"""Apologies and attending, as members and the secretary say them, on the demo boards; who is coming;
the minutes' record of attendance in the demo data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from commands import agenda, apologies, help, nextmeeting
from tests.helpers import SEPT_2023, ask, text_of
from tests.slack_limits import assert_fits_slack
from tests.test_demo_data import source_lines

MEETING_DAY = datetime(2023, 10, 5, 9, 0, tzinfo=UTC)  # the HWB meeting of 5 Oct 2023 has no start time


def say(engine, text: str, person: str = "sarah-newman", **kwargs):
    reply = ask(engine, help.run, "boardbot", text, person_hint=person, **kwargs)
    assert_fits_slack(reply, text)
    return text_of(reply)


def replies(engine, meeting_key: str = "hwb-2023-10-05") -> dict[str, m.Attendance]:
    with make_sessions(engine)() as session:
        rows = session.scalars(
            select(m.Attendance)
            .join(m.Meeting)
            .where(m.Meeting.key == meeting_key, m.Attendance.minuted.is_(False))
        )
        return {row.person.key: row for row in rows}


def names(engine, row: m.Attendance) -> tuple[str, str | None, str | None]:
    with make_sessions(engine)() as session:
        found = session.get(m.Attendance, row.id)
        return (
            found.status,
            found.substitute.key if found.substitute else None,
            found.recorded_by.key if found.recorded_by else None,
        )


@pytest.mark.parametrize(
    "text",
    [
        "apologies for the hwb on 5 Oct, Annabel Saunders attending for me",
        "apologies Health & Wellbeing Board 5 October substitute Annabel Saunders",
        "apologies 5 Oct hwb, Annabel Saunders will attend in my place",
        "apologies substitute @annabel-saunders",  # no board: her only board; no date: the next meeting
        "apologies for the wellbeing board, represented by annabel saunders",
        "apologies hbw 5/10/2023 sub Annabel Saunders",  # a typo in the board's key
    ],
)
def test_a_member_sends_apologies_with_a_substitute_in_her_own_words(demo_db, text):
    answer = say(demo_db, text)
    assert (
        answer.startswith(
            "✅ Apologies recorded from Sarah Newman for the Health & Wellbeing Board meeting on Thursday 5 October 2023, "
            "with Annabel Saunders attending as substitute."
        )
        or "Apologies recorded from Sarah Newman" in answer
    ), answer
    row = replies(demo_db)["sarah-newman"]
    assert names(demo_db, row) == ("apologies", "annabel-saunders", "sarah-newman")


def test_a_substitute_not_in_the_data_is_kept_as_written_and_said_so(demo_db):
    answer = say(demo_db, "apologies hwb 5 Oct substitute Jo Bloggs-Smith")
    assert "with Jo Bloggs-Smith attending as substitute" in answer
    assert (
        "“Jo Bloggs-Smith” is not a person in the board's data, so the substitute is kept as the name you wrote."
        in answer
    )
    row = replies(demo_db)["sarah-newman"]
    assert (row.substitute_id, row.substitute_name) == (None, "Jo Bloggs-Smith")


def test_a_member_changes_her_mind_and_withdraws_until_the_meeting(demo_db):
    say(demo_db, "apologies hwb")
    answer = say(demo_db, "attending hwb online")
    assert (
        "Sarah Newman is recorded as attending the Health & Wellbeing Board meeting on Thursday 5 October 2023, online. (Before: apologies.)"
        in answer
    )
    row = replies(demo_db)["sarah-newman"]
    assert (row.status, row.mode) == ("attending", "online")
    assert "in person" in say(demo_db, "attending in person")
    answer = say(demo_db, "apologies hwb withdraw")
    assert (
        "reply for the Health & Wellbeing Board meeting on Thursday 5 October 2023 is withdrawn: nothing is recorded now. (Before: attending.)"
        in answer
    )
    assert replies(demo_db)["sarah-newman"].status == "withdrawn"
    assert (
        "no reply for the Health & Wellbeing Board meeting on Thu 5 Oct 2023, so there is nothing to withdraw"
        in say(demo_db, "apologies withdraw")
    )
    late = say(demo_db, "attending hwb 5 Oct", now=MEETING_DAY)
    assert "has started: replies can no longer be changed" in late and "Nothing was recorded" in late
    assert replies(demo_db)["sarah-newman"].status == "withdrawn"


def test_bad_input_gets_a_reply_that_says_what_was_wrong(demo_db):
    assert (
        "has no meeting on Sat 7 Oct 2023. Nothing was recorded. Its next meeting is on Thu 5 Oct 2023"
        in say(demo_db, "apologies hwb 7 Oct")
    )
    assert "has taken place: replies can no longer be changed" in say(demo_db, "apologies hwb 8 June")
    assert "I couldn't read “5 Octember” as a meeting date" in say(demo_db, "apologies hwb 5 Octember")
    stranger = say(demo_db, "apologies hwb", person=None, user_id="USTRANGER")
    assert "I can't tell who you are in the data of Health & Wellbeing Board" in stranger
    assert "Maria Burton" in stranger
    # Councillor Glanz chairs the FPS committee only: not a member of the HWB
    assert "You are not a member of Health & Wellbeing Board on Thu 5 Oct 2023" in say(
        demo_db, "apologies hwb", person="jonathan-glanz"
    )
    assert "can't be their own substitute" in say(demo_db, "apologies hwb substitute Sarah Newman")
    assert replies(demo_db) == {}


def test_a_member_on_two_boards_is_asked_which(demo_db):
    answer = say(demo_db, "apologies", person="nafsika-butler-thalassis")
    assert (
        "Which board's meeting is it? Nothing was recorded." in answer
        and "`fps`" in answer
        and "`hwb`" in answer
    )


def test_only_the_member_or_the_secretary_sends_a_members_apologies(demo_db):
    refused = say(demo_db, "apologies for @sarah-newman hwb", person="lorraine-dean")
    assert "Sorry: only Sarah Newman or the board secretary (Maria Burton) may send or change" in refused
    chair = say(demo_db, "apologies for @sarah-newman hwb", person="josh-rendall")
    assert "Sorry: only Sarah Newman" in chair  # a chair is not the secretary
    assert replies(demo_db) == {}
    done = say(
        demo_db, "apologies for @sarah-newman hwb 5 Oct substitute Annabel Saunders", person="maria-burton"
    )
    assert "Apologies recorded from Sarah Newman" in done and "Recorded by you as board secretary." in done
    assert names(demo_db, replies(demo_db)["sarah-newman"]) == (
        "apologies",
        "annabel-saunders",
        "maria-burton",
    )
    assert "I don't know who @nobody-at-all is" in say(
        demo_db, "apologies for @nobody-at-all hwb", person="maria-burton"
    )


def test_the_buttons_record_the_pressers_own_reply(demo_db):
    with make_sessions(demo_db)() as session:
        meeting_id = session.scalar(select(m.Meeting.id).where(m.Meeting.key == "hwb-2023-10-05"))
    with make_sessions(demo_db).begin() as session:
        answer = apologies.press(
            "local", "U1", meeting_id, m.AttendanceStatus.APOLOGIES, SEPT_2023, session, None, "anna-raleigh"
        )
    assert "Apologies recorded from Anna Raleigh" in text_of(answer) and "no substitute named" in text_of(
        answer
    )
    with make_sessions(demo_db).begin() as session:
        late = apologies.press(
            "local",
            "U1",
            meeting_id,
            m.AttendanceStatus.ATTENDING,
            MEETING_DAY,
            session,
            None,
            "anna-raleigh",
        )
        stranger = apologies.press(
            "local", "U2", meeting_id, m.AttendanceStatus.ATTENDING, SEPT_2023, session
        )
        stale = apologies.press(
            "other-team", "U1", meeting_id, m.AttendanceStatus.ATTENDING, SEPT_2023, session
        )
    assert "has started" in text_of(late) and "I can't tell who you are" in text_of(stranger)
    assert "older message" in text_of(stale)
    assert replies(demo_db)["anna-raleigh"].status == "apologies"


def test_nextmeeting_attendance_shows_who_is_coming_apologies_and_who_has_not_said(demo_db):
    say(demo_db, "apologies hwb, Annabel Saunders attending for me")
    say(demo_db, "attending online", person="anna-raleigh")
    say(demo_db, "apologies hwb", person="lorraine-dean")
    typo = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "attendance hbw"))
    assert "Did you mean Health & Wellbeing Board? `/nextmeeting hwb`" in typo
    for question in (
        "hwb attendance",
        "who is coming to the wellbeing board?",
        "apologies for Health & Wellbeing",
    ):
        reply = ask(demo_db, nextmeeting.run, "nextmeeting", question, person_hint="maria-burton")
        assert_fits_slack(reply, question)
        text = text_of(reply)
        assert "Health & Wellbeing Board: attendance, Thursday 5 October 2023" in text, question
        assert "Attending (1): Anna Raleigh (online)" in text
        assert (
            "Apologies (2): Councillor Lorraine Dean (no substitute), Sarah Newman (substitute: Annabel Saunders)"
            in text
        )
        assert "Not yet said (13): Ali Wright, Andrew Steeden" in text
        assert "Quorum: not recorded for this board (no quorum rule in its data)." in text
        buttons = [b for b in reply.blocks if b["type"] == "actions"]
        assert [e["action_id"] for e in buttons[0]["elements"]] == [
            "attendance_attending",
            "attendance_apologies",
        ]


def test_nextmeeting_carries_the_buttons_and_the_agenda_lists_apologies_under_membership(demo_db):
    reply = ask(demo_db, nextmeeting.run, "nextmeeting", "hwb")
    assert any(b.get("block_id", "").startswith("attendance:") for b in reply.blocks)
    say(demo_db, "apologies hwb substitute Annabel Saunders")
    text = text_of(ask(demo_db, agenda.run, "agenda", "hwb next"))
    assert (
        "2. MEMBERSHIP\nTo report any changes to the Membership of the meeting and any apologies for absence.\n"
        "Apologies so far: Sarah Newman (substitute: Annabel Saunders)\nAttending so far: 0 · not yet said: 15"
        in text
    )


def test_the_minuted_attendance_of_8_june_2023_is_under_its_membership_item(demo_db):
    text = text_of(ask(demo_db, agenda.run, "agenda", "hwb 8 June 2023"))
    assert (
        "Apologies (minuted): Councillor Lorraine Dean, Judith Davey, Steve Inett, Sarah Newman "
        "(substitute: Annabel Saunders), Danni O'Connell (minutes, lines 98, 106)"
    ) in text
    assert "Present (minuted): Councillor Sarah Addenbrooke, Councillor Nafsika Butler-Thalassis" in text
    fps = text_of(ask(demo_db, agenda.run, "agenda", "fps 17 Oct 2019"))
    assert "Also present (minuted): Councillor Heather Acton (minutes, line 108)" in fps
    assert "Apologies (minuted)" not in fps  # the committee's minutes record none


def test_every_minuted_attendance_record_names_someone_on_its_cited_line(demo_db):
    with make_sessions(demo_db)() as session:
        rows = list(session.scalars(select(m.Attendance).where(m.Attendance.minuted.is_(True))))
        assert len(rows) == 24
        for row in rows:
            doc = session.get(m.Document, row.source_document_id)
            line = source_lines(doc.key)[row.source_line - 1]
            surname = row.who.split()[-1]
            assert surname in line, (row.who, row.source_line)
            if row.substitute is not None:
                assert row.substitute.name in line
