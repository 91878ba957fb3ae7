"""/nextmeeting on the demo boards."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot import models as m
from bot.boarddata.loader import agenda_position
from bot.db import make_sessions
from commands import agenda, nextmeeting
from tests.helpers import ask, text_of


def test_next_meeting_after_1_september_2023_is_5_october(demo_db):
    reply = ask(demo_db, nextmeeting.run, "nextmeeting", "wellbeing")
    text = text_of(reply)
    assert "Health & Wellbeing Board: next meeting" in text
    assert "Thursday 5 October 2023 · time not recorded" in text
    assert "Museum of Brands, Packaging and Advertising" in text
    assert "Councillor Josh Rendall, Councillor Nafsika Butler-Thalassis" in text
    assert "7. YOUTH JUSTICE PLANS\nFor information/comment" in text
    assert (
        "Papers due Thu 21 Sep 2023, by the default rule of 10 working days before the meeting;"
        " the board has not stated its own. 14 working days left." in text
    )
    assert not reply.public


def test_date_token_lets_each_reader_see_their_zone(demo_db):
    reply = ask(demo_db, nextmeeting.run, "nextmeeting", "hwb")
    noon_london = int(datetime(2023, 10, 5, 11, 0, tzinfo=UTC).timestamp())
    assert f"<!date^{noon_london}^{{date_long_pretty}}|Thursday 5 October 2023>" in reply.text


def test_board_names_are_matched_forgivingly(demo_db):
    for text in ["HWB", "health and wellbeing", "Health & Wellbeing Board", "wellbeing", "WELLBEING!"]:
        assert "Health & Wellbeing Board: next meeting" in text_of(
            ask(demo_db, nextmeeting.run, "nextmeeting", text)
        )


def test_leading_stop_words_or_a_lone_symbol_still_get_an_answer(demo_db):
    for text in ["the wellbeing board", "&"]:
        reply = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", text))
        if text != "&":
            assert "Health & Wellbeing Board: next meeting" in reply


def test_in_a_dm_with_several_boards_it_asks_which(demo_db):
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", ""))
    assert text.startswith("Which board do you mean?")
    assert "`/nextmeeting hwb`" in text


def test_the_channel_says_which_board(demo_db):
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Board).where(m.Board.key == "hwb")).slack_channel = "CHWB"
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "", channel_id="CHWB", dm=False))
    assert "Health & Wellbeing Board: next meeting" in text


def test_unknown_board_lists_the_boards(demo_db):
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "allotments"))
    assert "I don't know a board called “allotments”" in text and "Health & Wellbeing Board" in text


def test_no_next_meeting_gives_the_last(demo_db):
    text = text_of(
        ask(demo_db, nextmeeting.run, "nextmeeting", "wellbeing", now=datetime(2024, 6, 1, tzinfo=UTC))
    )
    assert "has no meeting scheduled after Sat 1 Jun 2024" in text
    # 23 November 2023 was only ever provisional: the last meeting known to have been held is 5 October
    assert "The last was on Thursday 5 October 2023 at Museum of Brands" in text


def test_cancelled_meeting_is_shown_cancelled_never_next(demo_db):
    with make_sessions(demo_db).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == "hwb-2023-10-05"))
        meeting.status = m.MeetingStatus.CANCELLED
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "wellbeing"))
    assert "The meeting of Thu 5 Oct 2023 is cancelled" in text
    assert "next meeting\nThursday 23 November 2023" in text


def test_restricted_items_only_for_members_in_a_dm(demo_db):
    with make_sessions(demo_db).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == "hwb-2023-10-05"))
        session.add(
            m.AgendaItem(
                meeting=meeting,
                number="11",
                position=11000000,
                title="Exempt: contract award",
                restricted=True,
            )
        )
        session.scalar(select(m.Person).where(m.Person.key == "josh-rendall")).slack_user_id = "UJOSH"
    member_dm = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb", user_id="UJOSH"))
    assert "Exempt: contract award" in member_dm
    for kwargs in ({"user_id": "UJOSH", "dm": False, "channel_id": "CSOME"}, {"user_id": "USTRANGER"}):
        text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb", **kwargs))
        assert "Exempt: contract award" not in text
        assert "1 restricted (Part 2) item not shown" in text
    shared = ask(demo_db, nextmeeting.run, "nextmeeting", "hwb share", user_id="UJOSH")
    assert shared.public and "Exempt: contract award" not in text_of(shared)


def test_titles_are_slack_escaped(demo_db):
    with make_sessions(demo_db).begin() as session:
        item = session.scalar(
            select(m.AgendaItem)
            .join(m.Meeting)
            .where(m.Meeting.key == "hwb-2023-10-05", m.AgendaItem.number == "5")
        )
        item.title = "Ping <!channel> & see <http://evil.example|this>"
    reply = ask(demo_db, nextmeeting.run, "nextmeeting", "hwb")
    assert "Ping &lt;!channel&gt; &amp; see &lt;http://evil.example|this&gt;" in reply.text
    assert "<!channel>" not in str(reply.blocks)


def test_empty_database_says_there_are_no_boards(fresh_db):
    text = text_of(ask(fresh_db, nextmeeting.run, "nextmeeting", ""))
    assert "There are no boards in this workspace yet" in text


def test_paper_deadline_skips_bank_holidays():
    from bot.workdays import paper_deadline, working_days_between

    # Meeting on Tue 11 April 2023: Easter Monday 10th and Good Friday 7th are not working days.
    assert paper_deadline(date(2023, 4, 11), 1, "england") == date(2023, 3, 30)  # publication rule wins
    assert paper_deadline(date(2023, 4, 11), 10, "england") == date(2023, 3, 24)
    assert working_days_between(date(2023, 4, 6), date(2023, 4, 11)) == 1


def test_a_board_and_words_it_does_not_take_are_explained(demo_db):
    for text in ("hwb foo", "wellbeing budget"):
        reply = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", text))
        assert "`/nextmeeting` takes only a board's name. I read it as Health & Wellbeing Board" in reply
    in_channel = text_of(
        ask(demo_db, nextmeeting.run, "nextmeeting", "budget", channel_id="CHWB", dm=False, board_hint="hwb")
    )
    assert "but not “budget”" in in_channel


def test_papers_deadline_that_passed_over_a_weekend_is_not_due_today():
    from bot.workdays import working_days_between

    assert working_days_between(date(2023, 9, 23), date(2023, 9, 22)) == -1  # Saturday after a Friday
    assert working_days_between(date(2023, 9, 25), date(2023, 9, 22)) == -1


def test_the_host_is_shown_when_recorded_and_said_to_be_missing_when_not(demo_db):
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb"))
    assert "Host\nRoyal Borough of Kensington and Chelsea\nChairs" in text
    with make_sessions(demo_db).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.meets_on == date(2023, 10, 5)))
        meeting.host_id = None
    assert "Host\nnot recorded\nChairs" in text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb"))


def chairs_line(text: str) -> str:
    return re.search(r"\*?Chairs?\*?\n([^\n]*)", text).group(1)


def test_chairs_come_before_co_chairs_each_as_a_reader_orders_names(demo_db):
    """Chairs first, then co-chairs, each alphabetically with case and accents aside (the order a
    PostgreSQL collation or SQLite's bytes would give differs); none recorded is said."""
    assert chairs_line(text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb"))) == (
        "Councillor Josh Rendall, Councillor Nafsika Butler-Thalassis"
    )
    with make_sessions(demo_db).begin() as session:
        board = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        for key, name, role in [("zed", "Zed Chair", "chair"), ("abel", "councillor Ábel", "co-chair")]:
            person = m.Person(workspace_id=board.workspace_id, key=key, name=name)
            session.add(person)
            session.flush()
            session.add(m.Membership(board_id=board.id, person_id=person.id, role=role))
    assert chairs_line(text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb"))) == (
        "Zed Chair, councillor Ábel, Councillor Josh Rendall, Councillor Nafsika Butler-Thalassis"
    )
    with make_sessions(demo_db).begin() as session:
        board = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        for membership in session.scalars(select(m.Membership).where(m.Membership.board_id == board.id)):
            if membership.role in ("chair", "co-chair"):
                session.delete(membership)
    assert chairs_line(text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb"))) == "not recorded"


def test_a_meeting_without_items_still_shows_its_chairs(demo_db):
    with make_sessions(demo_db).begin() as session:
        board = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        session.add(
            m.Meeting(board_id=board.id, key="hwb-extra", meets_on=date(2023, 9, 20), status="provisional")
        )
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "hwb"))
    assert "Wednesday 20 September 2023" in text
    assert chairs_line(text) == "Councillor Josh Rendall, Councillor Nafsika Butler-Thalassis"
    assert "No agenda items are recorded for this meeting yet." in text  # the chairs' row is no item


MEETING_DAY = datetime(2023, 10, 5, 8, 0, tzinfo=UTC)


def test_on_the_meeting_day_an_unrecorded_papers_link_is_not_called_unpublished(demo_db):
    """The pack was published on 27 September; the data just has no URL for it."""
    text = text_of(ask(demo_db, nextmeeting.run, "nextmeeting", "Health & Wellbeing Board", now=MEETING_DAY))
    assert "Link to the papers: not recorded" in text
    assert "not yet published" not in text
    assert "time not recorded" in text


def test_the_paper_deadline_says_it_comes_from_the_default_rule(demo_db):
    text = text_of(
        ask(
            demo_db,
            nextmeeting.run,
            "nextmeeting",
            "the wellbeing board",
            now=datetime(2023, 9, 20, tzinfo=UTC),
        )
    )
    assert "Papers due Thu 21 Sep 2023, by the default rule of 10 working days before the meeting" in text
    assert "the board has not stated its own. 1 working day left." in text


def add_items(engine, meeting_key: str, numbers: range, **fields) -> None:
    with make_sessions(engine).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == meeting_key))
        for n in numbers:
            session.add(
                m.AgendaItem(
                    meeting=meeting,
                    number=str(n),
                    position=agenda_position(str(n)),
                    title=fields.get("title", f"Item {n}"),
                    purpose=fields.get("purpose"),
                    presenter=fields.get("presenter"),
                )
            )


def test_a_long_agenda_lists_ten_items_and_the_command_for_the_rest(demo_db):
    add_items(demo_db, "hwb-2023-10-05", range(11, 50))  # 49 items in all
    reply = ask(demo_db, nextmeeting.run, "nextmeeting", "hwb")
    text = text_of(reply)
    assert len(reply.blocks) <= 50
    assert "10. DATE OF NEXT MEETING" in text and "Item 11" not in text
    suggested = re.search(r"… and 39 more items: `/(agenda) (.+)`", text)
    assert suggested, text
    rest = text_of(ask(demo_db, agenda.run, suggested.group(1), suggested.group(2)))
    assert "Health & Wellbeing Board: agenda\nThursday 5 October 2023" in rest
    assert "Item 11" in rest and "Page 1 of 4 (49 in all)" in rest


def test_huge_venues_chairs_and_titles_stay_inside_slacks_limits(demo_db):
    hostile = "&<>" * 5000
    with make_sessions(demo_db).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == "hwb-2023-10-05"))
        meeting.venue = "Hall " + hostile
        board = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        for n in range(12):
            person = m.Person(
                workspace_id=board.workspace_id, key=f"chair-{n}", name=f"Chair {n} {hostile[:285]}"
            )
            session.add(person)
            session.flush()
            session.add(m.Membership(board_id=board.id, person_id=person.id, role="co-chair"))
    add_items(demo_db, "hwb-2023-10-05", range(11, 13), title=hostile, purpose=hostile, presenter=hostile)
    for run, command, text in ((nextmeeting.run, "nextmeeting", "hwb"), (agenda.run, "agenda", "hwb next")):
        reply = ask(demo_db, run, command, text)
        for block in reply.blocks:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= 3000
            for field in block.get("fields", []):
                assert len(field["text"]) <= 2000
        assert "and 8 more" in text_of(reply)  # 14 chairs: the first six are named


def test_a_board_whose_meetings_are_all_ahead(demo_db):
    """`/agenda … last` says no meeting was held yet and points to the next, which exists."""
    with make_sessions(demo_db).begin() as session:
        hwb = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        board = m.Board(workspace_id=hwb.workspace_id, key="carers", name="Carers Partnership Board")
        session.add(board)
        session.flush()
        for key, day, status in (
            ("c1", date(2023, 10, 12), "provisional"),
            ("c2", date(2024, 1, 11), "confirmed"),
        ):
            session.add(m.Meeting(board_id=board.id, key=key, meets_on=day, status=status))
    text = text_of(ask(demo_db, agenda.run, "agenda", "carers last"))
    assert "Carers Partnership Board has no meeting recorded as held before Fri 1 Sep 2023." in text
    assert "The next is on Thursday 12 October 2023 (provisional). Its agenda: `/agenda carers next`" in text
    assert "recorded yet" not in text
    assert "Thursday 12 October 2023" in text_of(ask(demo_db, agenda.run, "agenda", "carers next"))
    late = text_of(
        ask(demo_db, nextmeeting.run, "nextmeeting", "carers", now=datetime(2024, 6, 1, tzinfo=UTC))
    )
    assert "has no meeting scheduled after Sat 1 Jun 2024.\nThe last was on Thursday 11 January 2024" in late
    early = text_of(ask(demo_db, agenda.run, "agenda", "carers", now=datetime(2024, 6, 1, tzinfo=UTC)))
    assert "No meeting is scheduled, so this is the last one." in early
