"""/actions as members narrow it: by status, by the meeting that raised them, by words, by a lead
written as text; `mine` without a board; who sees update buttons; the order of a board's list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from tests.commands.test_actions import (
    FPS,
    add_actions,
    assert_within_slack_limits,
    refs_shown,
    run,
    set_slack_id,
)
from tests.helpers import text_of

HWB = "Health & Wellbeing Board"


def every_ref(engine, words: str, **kwargs) -> list[str]:
    """The references of every page of a list, in order."""
    first = run(engine, words, **kwargs)
    found = re.search(r"Page 1 of (\d+)", text_of(first))
    pages = int(found.group(1)) if found else 1
    return [
        ref for page in range(1, pages + 1) for ref in refs_shown(run(engine, words, page=page, **kwargs))
    ]


def buttons(reply) -> list[tuple[str, str]]:
    """(block id, action id) of each update button or date picker."""
    return [
        (block["block_id"], element["action_id"])
        for block in reply.blocks
        if block["type"] == "actions" and block.get("block_id") != "pager"
        for element in block["elements"]
    ]


# --- the bot's own status names ------------------------------------------------------------------


@pytest.mark.parametrize("words", ["hwb in progress", f"{HWB} in-progress", "hwb inprogress actions"])
def test_in_progress_lists_only_actions_in_progress(demo_db, words):
    reply = run(demo_db, words)
    text = text_of(reply)
    assert text.startswith(f"{HWB}: in-progress actions\n107 open (10 overdue) · 9 done · 116 in all")
    assert "HWB-3 · In progress" in text and "HWB-2 · Open" not in text
    assert text.count(" · In progress\n") == 8
    assert "HWB-1" not in every_ref(demo_db, "hwb in progress")


def test_blocked_lists_blocked_actions_and_says_when_there_are_none(demo_db):
    assert "No blocked actions." in text_of(run(demo_db, "hwb blocked"))
    add_actions(
        demo_db,
        "hwb",
        {
            "ref": "HWB-101",
            "description": "Waiting for ICB data",
            "status": "blocked",
            "due_on": date(2023, 8, 1),
        },
        {"ref": "HWB-102", "description": "Waiting for a venue", "status": "blocked"},
    )
    text = text_of(run(demo_db, f"{HWB} blocked"))
    assert text.startswith(f"{HWB}: blocked actions")
    assert refs_shown(run(demo_db, "hwb blocked")) == ["HWB-101", "HWB-102"]
    late = run(demo_db, "hwb overdue blocked")
    assert text_of(late).startswith(f"{HWB}: overdue blocked actions")
    assert refs_shown(late) == ["HWB-101"] and "overdue by 31 days" in text_of(late)
    assert "No blocked actions you lead." in text_of(
        run(demo_db, "hwb blocked mine", person_hint="kiran-hayer")
    )


def test_a_status_and_done_together_make_no_sense(demo_db):
    text = text_of(run(demo_db, "hwb blocked done"))
    assert text.startswith("I don't understand “blocked done”. Here is what `/actions` can show:")
    assert "`/actions hwb blocked` or `in progress` open actions with that status" in text


# --- the meeting that raised them ----------------------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        "hwb from last",
        "hwb from the last meeting",
        "hwb from 8 June",
        "hwb from the meeting of 8 June",
        f"{HWB} from 8 June 2023",
        "hwb raised at the meeting of 8th June 2023",
        "hwb from 2023-06-08",
        "hwb from 8/6/2023",
    ],
)
def test_actions_from_a_meeting_are_those_it_raised(demo_db, words):
    reply = run(demo_db, words)
    text = text_of(reply)
    assert text.startswith(f"{HWB}: actions raised at the meeting of Thu 8 Jun 2023\n1 open")
    assert refs_shown(reply) == ["HWB-1"]


def test_actions_from_the_next_meeting_combine_with_other_filters(demo_db):
    reply = run(demo_db, "hwb from next")
    assert text_of(reply).startswith(f"{HWB}: actions raised at the meeting of Thu 5 Oct 2023\n90 open")
    assert "CS-1" not in every_ref(demo_db, "hwb from next") and "HWB-1" not in refs_shown(reply)
    text = text_of(run(demo_db, "hwb from next attendance"))
    assert "actions raised at the meeting of Thu 5 Oct 2023 mentioning “attendance”" in text
    assert "HWB-27 · In progress" in text
    done = text_of(run(demo_db, "hwb done from next"))
    assert done.startswith(f"{HWB}: completed actions raised at the meeting of Thu 5 Oct 2023")


def test_a_day_without_a_meeting_suggests_commands_that_work(demo_db):
    reply = run(demo_db, "hwb from 9 June 2023")
    text = text_of(reply)
    assert text.startswith(f"{HWB} has no meeting recorded on Fri 9 Jun 2023. Its meetings nearest that day:")
    suggested = re.findall(r"`/actions (hwb from [\d-]+)`", text)
    assert suggested[0] == "hwb from 2023-06-08"
    for words in suggested:
        assert "actions raised at the meeting of" in text_of(run(demo_db, words))


def test_a_meeting_that_raised_nothing_says_so(demo_db):
    text = text_of(run(demo_db, "scrutiny from last"))
    assert f"{FPS}: actions raised at the meeting of Mon 25 Nov 2019" in text
    assert "No actions raised at the meeting of Mon 25 Nov 2019." in text


@pytest.mark.parametrize(
    "words", ["hwb from tomorrow", "hwb from", "hwb raised at the away day meeting", "hwb from 31 Juni"]
)
def test_a_meeting_that_cannot_be_read_gets_the_forms_that_work(demo_db, words):
    text = text_of(run(demo_db, words))
    assert "as a meeting of Health & Wellbeing Board. Say `from last`" in text


# --- words ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words", ["hwb attendance", f"{HWB} school attendance", "hwb Attendance?", "hwb about school attendance"]
)
def test_words_find_the_actions_that_mention_them(demo_db, words):
    reply = run(demo_db, words)
    text = text_of(reply)
    assert (
        "HWB-27 · In progress\n[Westminster YOT Improvement Plan – Theme 7: Prevention and engaging" in text
    )
    assert f"{HWB}: actions mentioning “" in text and "attendance”" in text
    assert "No action mentions every word" not in text


def test_from_before_words_that_name_no_day_is_part_of_a_search(demo_db):
    text = text_of(run(demo_db, "hwb feedback from schools"))
    assert text.startswith(f"{HWB}: actions mentioning “feedback” and “school”")


def test_every_word_must_match_and_the_reply_says_when_only_some_do(demo_db):
    both = every_ref(demo_db, "hwb school attendance")
    assert "HWB-27" in both and set(both) <= set(every_ref(demo_db, "hwb attendance"))
    text = text_of(run(demo_db, "hwb attendance zebra"))
    assert "No action mentions every word of “attendance zebra”: these mention “attendance”." in text
    assert "HWB-27" in text


def test_words_are_found_in_progress_notes_references_and_leads(demo_db):
    assert "HWB-27" in every_ref(demo_db, "hwb trauma")  # only in its progress note
    assert refs_shown(run(demo_db, "hwb igxu"))[0] == "HWB-3"  # in the lead as written
    assert every_ref(demo_db, "fps memory cafe") == ["FPS-12"]  # done actions too
    assert "FPS-12 · Done" in text_of(run(demo_db, "fps memory cafe"))
    assert refs_shown(run(demo_db, "fps memory cafe open")) == []  # unless a scope is said


@pytest.mark.parametrize("words", ["hwb frobnicate", "hwb 😀", "hwb of the"])
def test_a_word_that_finds_nothing_lists_the_filters(demo_db, words):
    text = text_of(run(demo_db, words))
    assert text.startswith("I don't understand “")
    for example in ("`/actions hwb blocked`", "`/actions hwb from last`"):
        assert example in text
    searched = re.search(r"`/actions hwb ([a-z]+)` actions whose text", text)
    assert searched and "actions mentioning" in text_of(run(demo_db, f"hwb {searched.group(1)}"))


# --- leads as written ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["@kembra", "@Kembra", "@KEMBRA HEALY", "@kemb", "@igxu"])
def test_a_lead_written_as_text_is_found_by_name(demo_db, name):
    reply = run(demo_db, f"hwb {name}")
    text = text_of(reply)
    assert f"{HWB}: open actions whose lead as written names “" in text
    assert "HWB-3" in refs_shown(reply) and "Lead: Kembra Healy and IGXU" in text


def test_an_organisation_written_as_lead_is_found(demo_db):
    refs = every_ref(demo_db, "hwb @YJS")
    assert "HWB-4" in refs and len(refs) == 10
    with make_sessions(demo_db)() as session:
        leads = session.scalars(select(m.Action.lead_text).where(m.Action.ref.in_(refs))).all()
    assert all(re.search(r"\bYJS", lead) for lead in leads)
    assert every_ref(demo_db, "hwb @yjs") == refs


def test_a_linked_lead_also_finds_the_actions_that_name_them_as_written(demo_db):
    add_actions(
        demo_db,
        "hwb",
        {
            "ref": "HWB-101",
            "description": "Panel review",
            "status": "open",
            "lead_text": "Kiran Hayer and YOS",
        },
    )
    reply = run(demo_db, "hwb @kiran")
    assert "open actions led by Kiran Hayer" in text_of(reply)
    assert refs_shown(reply) == ["HWB-2", "HWB-101"]


# --- mine, for a lead who is not a member -----------------------------------------------------------


def test_mine_without_a_board_answers_from_where_the_asker_leads(demo_db):
    text = text_of(run(demo_db, "mine", person_hint="kiran-hayer"))
    assert text.startswith(f"{HWB}: open actions you lead\n1 open")
    assert "You are on" not in text and "Which board" not in text


@pytest.mark.parametrize("words", ["", "overdue", "in progress"])
def test_a_lead_on_no_board_is_answered_from_where_they_lead(demo_db, words):
    text = text_of(run(demo_db, words, person_hint="kiran-hayer"))
    assert text.startswith(f"{HWB}: ") and "You are on" not in text


def test_a_member_who_leads_elsewhere_is_told_where(demo_db):
    add_actions(
        demo_db,
        "fps",
        {"ref": "FPS-47", "description": "Report back", "status": "open", "lead_text": "Cllr Josh Rendall"},
    )
    text = text_of(run(demo_db, "hwb mine", person_hint="josh-rendall"))
    assert f"You lead no actions on this board. You lead actions on {FPS}: `/actions fps mine`." in text
    assert refs_shown(run(demo_db, "fps mine", person_hint="josh-rendall")) == ["FPS-47"]


def test_mine_across_boards_says_where_the_asker_leads(demo_db):
    add_actions(
        demo_db,
        "fps",
        {"ref": "FPS-47", "description": "Report back", "status": "open", "lead_text": "Kiran Hayer"},
    )
    reply = run(demo_db, "my actions", person_hint="kiran-hayer")
    text = text_of(reply)
    assert text.startswith("You lead actions on 2 boards:")
    assert f"{FPS}: 1 open · 0 done · `/actions fps mine`" in text
    assert f"{HWB}: 1 open · 0 done · `/actions hwb mine`" in text
    assert "FPS-47" in text_of(run(demo_db, "fps mine", person_hint="kiran-hayer"))


def test_mine_for_someone_who_leads_nothing_says_so(demo_db):
    text = text_of(run(demo_db, "mine", person_hint="jyoti-morar"))  # an author, not a member
    assert text.startswith("You lead no actions recorded on any board here, Jyoti Morar")
    assert "`/actions fps` · `/actions hwb`" in text


# --- one reference, no board --------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["FPS-47", "fps47", "FPS-99"])
def test_a_reference_past_the_last_names_where_they_end(demo_db, ref):
    text = text_of(run(demo_db, ref))
    assert "Which board" not in text
    assert f"There is no action {ref.upper().replace('FPS4', 'FPS-4')} on {FPS}." in text
    assert "FPS P&S references run up to FPS-46." in text


# --- buttons -------------------------------------------------------------------------------------------


def test_update_buttons_only_for_who_may_update(demo_db):
    assert buttons(run(demo_db, "hwb")) == []  # a stranger
    assert buttons(run(demo_db, "hwb HWB-2")) == []
    lead = run(demo_db, "hwb", person_hint="kiran-hayer")
    assert {block for block, _ in buttons(lead)} == {
        block for block, _ in buttons(run(demo_db, "hwb HWB-2", person_hint="kiran-hayer"))
    }
    assert len({block for block, _ in buttons(lead)}) == 1  # only HWB-2, hers
    secretary = run(demo_db, "hwb", person_hint="maria-burton")
    assert len({block for block, _ in buttons(secretary)}) == 8
    chair = run(demo_db, "hwb", person_hint="josh-rendall")
    assert len({block for block, _ in buttons(chair)}) == 8
    assert buttons(run(demo_db, "hwb share", person_hint="maria-burton")) == []  # the channel sees it


def test_a_done_action_carries_no_done_button(demo_db):
    assert buttons(run(demo_db, "fps FPS-12", person_hint="tristan-fieldsend")) == []
    in_progress = [
        action for _, action in buttons(run(demo_db, "fps FPS-2", person_hint="tristan-fieldsend"))
    ]
    assert "action_done" in in_progress and "action_in_progress" not in in_progress


# --- order -------------------------------------------------------------------------------------------


def test_the_boards_own_actions_come_first_then_partner_plans_in_number_order(demo_db):
    refs = every_ref(demo_db, "hwb")
    assert refs[0] == "HWB-1"  # minuted on 8 June 2023
    plans = [ref for ref in refs if ref.startswith("CS-")]
    assert plans == sorted(plans, key=lambda ref: int(ref[3:]))
    assert refs.index("CS-1") > refs.index("HWB-100")


# --- Slack's limits ------------------------------------------------------------------------------------


def test_new_replies_stay_inside_slacks_limits(demo_db):
    set_slack_id(demo_db, "maria-burton", "UMARIA")
    for words in (
        "hwb in progress",
        "hwb from next",
        "hwb @YJS",
        "hwb attendance zebra",
        "hwb from 9 June",
        "hwb " + "attendance " * 12,
        "hwb @" + "é" * 500,
    ):
        for page in (1, 2):
            assert_within_slack_limits(run(demo_db, words, page=page, user_id="UMARIA"))


# --- no board named ------------------------------------------------------------------------------------


def test_words_without_a_board_answer_from_the_one_board_that_has_them(demo_db):
    reply = run(demo_db, "attendance")
    assert text_of(reply).startswith(f"You named no board, and only {HWB} has actions matching “attendance”")
    assert f"{HWB}: actions mentioning “attendance”" in text_of(reply)
    assert "HWB-27" in refs_shown(reply)
    assert refs_shown(run(demo_db, "memory cafe")) == ["FPS-12"]


def test_words_without_a_board_found_on_several_are_grouped_by_board(demo_db):
    text = text_of(run(demo_db, "report"))
    assert text.startswith("You named no board, and 2 boards have actions matching “report”:")
    suggested = re.findall(r"`/actions ([^`]+)`", text)
    assert suggested == ["fps report", "hwb report"]
    for words in suggested:  # each suggestion is a command that works
        assert "actions mentioning “report”" in text_of(run(demo_db, words))


def test_words_no_board_has_still_ask_which_board(demo_db):
    assert text_of(run(demo_db, "zebra")).startswith("Which board do you mean?")


def test_a_word_or_two_of_many_is_not_a_match(demo_db):
    text = text_of(run(demo_db, "hwb <!channel> drop table boards zebra"))
    assert text.startswith("I don't understand “<!channel> drop table zebra”")  # "boards" is a question word
