"""Boards named as members name them: full names, phrases, keys, anywhere in the text, with filler
words, typos and no board at all (the words are then looked for on every board)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from commands import actions, agenda, kpi, nextmeeting
from tests.helpers import add_adults_and_health_committee, ask, text_of

HWB = "Health & Wellbeing Board"
FPS = "Family and People Services Policy and Scrutiny Committee"
ASKING_WHICH = ("Which board do you mean?", "I don't know a board", "could be more than one board")


def said(engine, run, command: str, text: str, **kwargs) -> str:
    return text_of(ask(engine, run, command, text, **kwargs))


@pytest.mark.parametrize(
    "text",
    [
        "Health & Wellbeing Board",
        "Health and Wellbeing Board",
        "the health and wellbeing board",
        "health and wellbeing board please",
        "when is the next hwb meeting?",
        "when is the next health and wellbeing board meeting?",
        "When does the Wellbeing Board meet next?",
        "HWB please",
    ],
)
def test_nextmeeting_finds_the_board_however_a_member_names_it(demo_db, text):
    reply = said(demo_db, nextmeeting.run, "nextmeeting", text, person_hint="josh-rendall")
    assert reply.startswith(f"{HWB}: next meeting\nThursday 5 October 2023")


@pytest.mark.parametrize(
    "text",
    [
        FPS,
        "family and people services policy and scrutiny committee",
        "when does the Family and People Services Policy and Scrutiny Committee meet?",
        "scrutiny committee",
        "FPS P&S",
    ],
)
def test_the_full_official_name_of_the_scrutiny_committee_is_found(demo_db, text):
    reply = said(demo_db, nextmeeting.run, "nextmeeting", text, person_hint="jonathan-glanz")
    assert FPS in reply and not reply.startswith(ASKING_WHICH)
    assert "takes only a board's name" not in reply


@pytest.mark.parametrize(
    ("text", "heading", "day"),
    [
        ("next hwb", HWB, "Thursday 5 October 2023"),
        ("hwb 5 Oct 2023 please", HWB, "Thursday 5 October 2023"),
        ("last health and wellbeing board", HWB, "Thursday 8 June 2023"),
        ("the agenda for the last Health & Wellbeing Board meeting please", HWB, "Thursday 8 June 2023"),
        (
            "25/11/2019 family and people services policy and scrutiny committee",
            FPS,
            "Monday 25 November 2019",
        ),
    ],
)
def test_agenda_keeps_its_own_words_whichever_side_the_board_is_named(demo_db, text, heading, day):
    reply = said(demo_db, agenda.run, "agenda", text, person_hint="nafsika-butler-thalassis")
    assert reply.startswith(f"{heading}: agenda")
    assert day in reply


def test_kpi_words_stay_with_the_search_when_the_board_is_named_last(demo_db):
    reply = said(demo_db, kpi.run, "kpi", "reoffending hwb")
    assert reply.startswith(f"{HWB}: 2 KPIs matching “reoffending”")
    reply = said(demo_db, kpi.run, "kpi", "youth justice health and wellbeing board")
    assert reply.startswith(f"{HWB}: 28 KPIs matching “youth justice”")


def test_a_kpi_word_in_a_board_name_is_not_taken_for_the_board_named_elsewhere(demo_db):
    """ "health" is a word of the HWB's name, but "fps" names a board outright."""
    reply = said(demo_db, kpi.run, "kpi", "oral health fps")
    assert reply.startswith(f"{FPS}: 2 KPIs matching “oral health”")
    reply = said(demo_db, kpi.run, "kpi", "children family and people services")
    assert reply.startswith(f"{FPS}: 15 KPIs matching “children”")


def test_actions_filters_before_the_board(demo_db):
    assert said(demo_db, actions.run, "actions", "overdue hwb").startswith(f"{HWB}: overdue actions")
    mine = said(demo_db, actions.run, "actions", "mine hwb", person_hint="josh-rendall")
    assert mine.startswith(f"{HWB}: open actions you lead")


@pytest.mark.parametrize(
    ("run", "command", "text", "suggested"),
    [
        (nextmeeting.run, "nextmeeting", "hbw", "`/nextmeeting hwb`"),
        (
            nextmeeting.run,
            "nextmeeting",
            "when is the next helth and welbeing board meeting?",
            "`/nextmeeting hwb`",
        ),
        (nextmeeting.run, "nextmeeting", "fsp", "`/nextmeeting fps`"),
        (kpi.run, "kpi", "reoffending hbw", "`/kpi hwb reoffending`"),
        (agenda.run, "agenda", "next hbw", "`/agenda hwb next`"),
        (actions.run, "actions", "overdue hbw", "`/actions hwb overdue`"),
    ],
)
def test_a_mistyped_board_gets_a_did_you_mean_that_works(demo_db, run, command, text, suggested):
    reply = said(demo_db, run, command, text)
    assert "Did you mean" in reply and suggested in reply
    again = said(demo_db, run, command, suggested.strip("`").split(" ", 1)[1])
    assert not again.startswith(ASKING_WHICH)


def test_kpi_words_found_on_one_board_answer_from_it(demo_db):
    reply = said(demo_db, kpi.run, "kpi", "restorative justice")
    assert reply.startswith(f"You named no board, and only {HWB} has KPIs matching “restorative justice”")
    assert f"{HWB}: Victims who engaged in restorative justice" in reply  # the one KPI's history


def test_kpi_words_found_on_several_boards_are_grouped_by_board(demo_db):
    reply = said(demo_db, kpi.run, "kpi", "what is the reoffending rate please")
    assert reply.startswith("You named no board, and 2 boards have KPIs matching “reoffending rate”")
    assert f"{FPS} (FPS P&S): 1 KPI: Proportion of young people re-offending" in reply
    assert f"{HWB} (HWB): 2 KPIs: Reoffending - binary rate" in reply
    assert "`/kpi fps reoffending rate`" in reply and "`/kpi hwb reoffending rate`" in reply


def test_agenda_with_no_board_takes_the_board_with_such_a_meeting(demo_db):
    reply = said(demo_db, agenda.run, "agenda", "next")
    assert reply.startswith(f"You named no board, and only {HWB} has meetings matching “next”")
    assert f"{HWB}: agenda\nThursday 5 October 2023" in reply
    reply = said(demo_db, agenda.run, "agenda", "25 Nov 2019")
    assert f"{FPS}: agenda (past meeting)\nMonday 25 November 2019" in reply
    both = said(demo_db, agenda.run, "agenda", "last")
    assert both.startswith("You named no board, and 2 boards have meetings matching “last”")
    assert f"{HWB} (HWB): 1 meeting: Thu 8 Jun 2023\n`/agenda hwb last`" in both


def test_actions_with_no_board(demo_db):
    reply = said(demo_db, actions.run, "actions", "mine", person_hint="kiran-hayer")
    assert reply.startswith(f"{HWB}: open actions you lead")  # the one board where she leads
    assert "HWB-2 · Open" in reply
    # a filter alone narrows nothing: every board has open actions
    assert said(demo_db, actions.run, "actions", "overdue").startswith("Which board do you mean?")


def test_with_nothing_to_narrow_it_asks_which(demo_db):
    reply = said(demo_db, kpi.run, "kpi", "xyzzy")
    assert reply.startswith("Which board do you mean?")
    assert "`/kpi fps xyzzy`" in reply and "`/kpi hwb xyzzy`" in reply


def test_a_lead_who_is_on_no_board_is_not_told_she_is(demo_db):
    reply = said(demo_db, actions.run, "actions", "overdue", person_hint="kiran-hayer")
    assert reply.startswith(f"{HWB}: overdue actions")  # she sits on no board, and leads on this one
    assert "You are on" not in reply
    stranger = said(demo_db, actions.run, "actions", "overdue", person_hint="jyoti-morar")
    assert stranger.startswith("Which board do you mean? The boards here are")
    assert "You are on" not in stranger
    member = said(demo_db, kpi.run, "kpi", "", person_hint="nafsika-butler-thalassis")
    assert member.startswith(f"Which board do you mean? You are on {FPS} (FPS P&S) and {HWB}")


def test_a_phrase_two_boards_share_is_ambiguous_until_a_word_tells_them_apart(demo_db):
    add_adults_and_health_committee(demo_db)
    reply = said(demo_db, nextmeeting.run, "nextmeeting", "when does the scrutiny committee meet?")
    assert reply.startswith("“scrutiny committee” could be more than one board")
    assert FPS in reply and "Adults and Health Policy and Scrutiny Committee" in reply
    for text in ("family scrutiny", "adults and health scrutiny", "ahps", "health and wellbeing board"):
        assert not said(demo_db, nextmeeting.run, "nextmeeting", text).startswith(ASKING_WHICH)
    assert said(demo_db, nextmeeting.run, "nextmeeting", "adults health").startswith(
        "Adults and Health Policy and Scrutiny Committee"
    )


def test_a_search_word_that_is_a_whole_board_name_is_not_taken_for_that_board(demo_db):
    with make_sessions(demo_db).begin() as session:
        hwb = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        session.add(m.Board(workspace_id=hwb.workspace_id, key="hb", name="Health Board"))
    in_fps_channel = said(demo_db, kpi.run, "kpi", "oral health", board_hint="fps")
    assert in_fps_channel.startswith(f"{FPS}: 2 KPIs matching “oral health”")
    assert said(demo_db, nextmeeting.run, "nextmeeting", "the health board").startswith("Health Board")


def test_two_boards_named_ask_which_and_one_named_twice_is_one(demo_db):
    both = said(demo_db, kpi.run, "kpi", "hwb reoffending fps")
    assert both.startswith("“hwb … fps” could be more than one board")
    assert "`/kpi fps reoffending`" in both
    twice = said(demo_db, kpi.run, "kpi", "hwb reoffending HWB")
    assert twice.startswith(f"{HWB}: 2 KPIs matching “reoffending”")
