"""/boardbot: help, `paper submitted` (the paper permission matrix) and `action add` routing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from bot.request import CommandRequest
from bot.updates import SlackProfile
from commands import help, paper
from tests.commands.test_update import FakeLookups
from tests.helpers import SEPT_2023, ask, blocks_text, text_of


def item_status(engine, meeting_key: str, number: str) -> str | None:
    with make_sessions(engine).begin() as session:
        return session.scalar(
            select(m.AgendaItem.paper_status)
            .join(m.Meeting)
            .where(m.Meeting.key == meeting_key, m.AgendaItem.number == number)
        )


def boardbot(engine, text: str, **kw):
    return text_of(ask(engine, help.run, "boardbot", text, **kw))


@pytest.mark.parametrize("text", ["", "help", "HELP"])
def test_boardbot_and_boardbot_help_show_help_with_the_new_subcommands(demo_db, text):
    shown = blocks_text(ask(demo_db, help.run, "boardbot", text))  # the whole help, not the clipped fallback
    assert "BoardBot answers questions" in shown and "I don't know" not in shown
    assert "/boardbot paper submitted `[board] item`" in shown
    assert "/boardbot paper submitted hwb 7" in shown
    assert "/boardbot action add" in shown and "Record as action" in shown


def test_an_unknown_subcommand_still_gets_help(demo_db):
    shown = boardbot(demo_db, "frobnicate the board")
    assert shown.startswith("I don't know `/boardbot frobnicate the board`")
    assert "/boardbot paper submitted" in shown


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("maria-burton", True),  # the board secretary
        ("josh-rendall", True),  # a co-chair
        ("nafsika-butler-thalassis", True),  # the other co-chair
        ("kiran-hayer", True),  # one of its two named authors, both linked since issue 15
        ("jyoti-morar", True),  # the other
        ("lorraine-dean", False),  # a member
    ],
)
def test_paper_submitted_permission_matrix(demo_db, person, allowed):
    before = item_status(demo_db, "hwb-2023-10-05", "7")
    shown = boardbot(demo_db, "paper submitted hwb 7", person_hint=person)
    if allowed:
        assert "YOUTH JUSTICE PLANS" in shown and "is marked as submitted" in shown
        assert item_status(demo_db, "hwb-2023-10-05", "7") == "submitted"
    else:
        assert shown.startswith("Sorry: only the paper's author, the board secretary, a chair or an admin")
        assert "Nothing was changed" in shown and "Maria Burton" in shown
        assert item_status(demo_db, "hwb-2023-10-05", "7") == before


def test_the_papers_author_may_mark_it(demo_db):
    shown = boardbot(demo_db, "paper submitted hwb 6", person_hint="sarah-newman")
    assert "is marked as submitted" in shown
    assert item_status(demo_db, "hwb-2023-10-05", "6") == "submitted"


def test_a_slack_admin_may_mark_any_paper(demo_db):
    slack = FakeLookups(profiles={"UADMIN": SlackProfile(is_admin=True, team_id="local")})
    request = CommandRequest.parse(
        "boardbot",
        "paper submitted hwb 7",
        team_id="local",
        user_id="UADMIN",
        channel_id="DADMIN",
        is_direct_message=True,
        now=SEPT_2023,
    )
    with make_sessions(demo_db).begin() as session:
        shown = text_of(paper.run(request, session, slack))
    assert "is marked as submitted" in shown


def test_someone_not_in_the_data_is_told_who_the_secretary_is(demo_db):
    shown = boardbot(demo_db, "paper submitted hwb 7", user_id="USTRANGER")
    assert shown.startswith("I can't tell who you are in the data of Health & Wellbeing Board")
    assert "Maria Burton" in shown and "Nothing was changed" in shown
    assert item_status(demo_db, "hwb-2023-10-05", "7") != "submitted"


def test_marking_twice_says_it_was_already_submitted(demo_db):
    boardbot(demo_db, "paper submitted hwb 7", person_hint="maria-burton")
    shown = boardbot(demo_db, "paper submitted hwb 7", person_hint="maria-burton")
    assert "was already submitted: nothing changed" in shown


def test_in_the_boards_channel_the_board_need_not_be_named(demo_db):
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Board).where(m.Board.key == "hwb")).slack_channel = "CHWB"
    shown = boardbot(demo_db, "paper submitted 7", person_hint="maria-burton", channel_id="CHWB", dm=False)
    assert "is marked as submitted" in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paper submitted hwb 99", "The Health & Wellbeing Board meeting on Thu 5 Oct 2023 has no item 99"),
        ("paper submitted hwb 99", "Its items are 1, 2, 3"),
        ("paper submitted fps 3", "has no meeting coming up"),
        ("paper submitted nosuchboard 7", "I don't know a board called “nosuchboard”"),
        ("paper submitted hwb", "I didn't understand `/boardbot paper submitted hwb`"),
        ("paper", "I didn't understand `/boardbot paper`"),
        ("paper frobbed hwb 7", "I didn't understand `/boardbot paper frobbed hwb 7`"),
        ("paper submitted hwb <!channel>", "I didn't understand `/boardbot paper submitted hwb <!channel>`"),
    ],
)
def test_bad_paper_commands_say_what_is_wrong_and_change_nothing(demo_db, text, expected):
    shown = boardbot(demo_db, text, person_hint="maria-burton")
    assert expected in shown and "Nothing was changed" in shown
    assert item_status(demo_db, "hwb-2023-10-05", "7") != "submitted"


def test_a_value_from_the_user_is_escaped_for_slack(demo_db):
    reply = ask(demo_db, help.run, "boardbot", "paper submitted <!channel>", person_hint="maria-burton")
    assert "&lt;!channel&gt;" in reply.text and "<!channel>" not in reply.text


def test_action_add_without_slack_carries_the_form_for_an_editor(demo_db):
    reply = ask(demo_db, help.run, "boardbot", "action add", person_hint="maria-burton")
    assert reply.extra["view"]["callback_id"] == "record_action_modal"


def test_action_add_for_someone_else_is_refused_without_a_form(demo_db):
    reply = ask(demo_db, help.run, "boardbot", "action add", person_hint="kiran-hayer")
    assert "view" not in reply.extra
    assert text_of(reply).startswith("Sorry: only a board's secretary, its chairs and admins may record")
