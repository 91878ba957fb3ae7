"""Recording an action from a form: who may, what the form must hold, the next reference, history."""

from __future__ import annotations

from itertools import count

import pytest
from sqlalchemy import func, select

from bot import models as m
from bot import updates
from bot.db import make_sessions
from bot.reply import Reply
from bot.updates import SlackProfile
from commands import record
from tests.commands.test_update import FakeLookups
from tests.helpers import SEPT_2023, text_of

_views = count(1)


def board_id(engine, key="hwb") -> int:
    with make_sessions(engine).begin() as session:
        return session.scalar(select(m.Board.id).where(m.Board.key == key))


def form(
    engine, *, person="maria-burton", user="UMARIA", board="hwb", view_id=None, **fields
) -> record.Submission:
    values = {
        "board": {"type": "static_select", "selected_option": {"value": str(board_id(engine, board))}},
        "lead_text": {
            "type": "plain_text_input",
            "value": fields.pop("lead_text", "Director of Public Health"),
        },
        "description": {
            "type": "plain_text_input",
            "value": fields.pop("description", "Report back on the pilot"),
        },
    }
    for name, value in fields.items():
        if name == "lead_user":
            values[name] = {"type": "users_select", "selected_user": value}
        elif name == "due_on":
            values[name] = {"type": "datepicker", "selected_date": value}
        else:
            values[name] = {"type": "plain_text_input", "value": value}
    return record.Submission(
        team_id="local",
        user_id=user,
        view_id=view_id or f"V{next(_views)}",
        values=values,
        now=SEPT_2023,
        person_key=person,
    )


def submit(engine, submission, slack=None):
    with make_sessions(engine).begin() as session:
        return record.submit(session, submission, slack)


def errors_of(engine, submission, slack=None) -> dict[str, str]:
    with pytest.raises(record.Invalid) as raised:
        submit(engine, submission, slack)
    return raised.value.errors


def counts(engine) -> tuple[int, int, int]:
    with make_sessions(engine).begin() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(t))
            for t in (m.Action, m.ActionUpdate, m.UpdateRequest)
        )


def highest_hwb(engine) -> int:
    with make_sessions(engine).begin() as session:
        refs = session.scalars(select(m.Action.ref).where(m.Action.ref.like("HWB-%")))
        return max(int(r.split("-")[1]) for r in refs)


def test_the_secretary_records_an_action_with_the_next_ref_and_a_history_row(demo_db):
    before, last = counts(demo_db), highest_hwb(demo_db)
    reply = submit(demo_db, form(demo_db, due_on="2023-12-01", meeting="5 Oct 2023"))
    ref = f"HWB-{last + 1}"
    shown = text_of(reply)
    assert shown.startswith(f"Recorded {ref} on Health & Wellbeing Board: Report back on the pilot")
    assert "Due: Fri 1 Dec 2023" in shown and "Meeting: Thu 5 Oct 2023" in shown
    with make_sessions(demo_db).begin() as session:
        action = session.scalar(select(m.Action).where(m.Action.ref == ref))
        assert (action.status, action.lead_id, action.lead_text) == (
            "open",
            None,
            "Director of Public Health",
        )
        assert action.meeting.key == "hwb-2023-10-05"
        [row] = session.scalars(select(m.ActionUpdate).where(m.ActionUpdate.action_id == action.id))
        assert (row.seq, row.field, row.old, row.new, row.via, row.by.key) == (
            1,
            "status",
            None,
            "open",
            "form",
            "maria-burton",
        )
    assert counts(demo_db) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_the_same_form_delivered_twice_records_one_action(demo_db):
    before = counts(demo_db)
    submission = form(demo_db, view_id="VTWICE")
    assert submit(demo_db, submission) is not None
    assert submit(demo_db, submission) is None
    assert counts(demo_db)[0] == before[0] + 1


@pytest.mark.parametrize(
    ("person", "user", "slack", "allowed"),
    [
        ("maria-burton", "UMARIA", None, True),  # secretary
        ("josh-rendall", "UJOSH", None, True),  # co-chair
        ("kiran-hayer", "UKIRAN", None, False),  # leads actions on the board, but is no editor
        ("lorraine-dean", "ULORRAINE", None, False),  # a member
        (None, "USTRANGER", None, False),  # not in the data
        (
            None,
            "UADMIN",
            FakeLookups(profiles={"UADMIN": SlackProfile(is_admin=True, team_id="local")}),
            True,
        ),
    ],
)
def test_who_may_record_actions(demo_db, person, user, slack, allowed):
    before = counts(demo_db)
    submission = form(demo_db, person=person, user=user)
    if allowed:
        assert "Recorded" in text_of(submit(demo_db, submission, slack))
    else:
        errors = errors_of(demo_db, submission, slack)
        assert errors["board"].startswith("Only the secretary, a chair or an admin may record actions")
        assert "Maria Burton" in errors["board"]
        assert counts(demo_db) == before


@pytest.mark.parametrize(
    ("fields", "block", "message"),
    [
        ({"description": "  "}, "description", "Say what is to be done."),
        ({"lead_text": ""}, "lead_user", "Choose who leads the action"),
        ({"due_on": "2023-08-31"}, "due_on", "That date has passed: choose 1 Sep 2023 or later."),
        ({"due_on": "not a date"}, "due_on", "Choose a date."),
        ({"meeting": "1 Jan 2023"}, "meeting", "Health & Wellbeing Board has no meeting on “1 Jan 2023”"),
        ({"meeting": "banana"}, "meeting", "Write the meeting's date"),
        ({"lead_user": "UNOTINDATA"}, "lead_user", "That person isn't in the board's data yet"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_written(demo_db, fields, block, message):
    before = counts(demo_db)
    errors = errors_of(demo_db, form(demo_db, **fields))
    assert message in errors[block]
    assert counts(demo_db) == before


def test_several_problems_are_shown_at_once(demo_db):
    errors = errors_of(demo_db, form(demo_db, description="", lead_text="", due_on="2020-01-01"))
    assert set(errors) == {"description", "lead_user", "due_on"}


def test_an_unknown_board_is_refused(demo_db):
    submission = form(demo_db)
    submission.values["board"] = {"selected_option": {"value": "999999"}}
    assert errors_of(demo_db, submission) == {"board": "Choose the board the action belongs to."}


def test_a_lead_picked_in_slack_or_named_is_the_person(demo_db):
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Person).where(m.Person.key == "kiran-hayer")).slack_user_id = "UKIRAN"
    picked = text_of(submit(demo_db, form(demo_db, lead_user="UKIRAN", lead_text="")))
    named = text_of(submit(demo_db, form(demo_db, lead_text="Josh Rendall")))
    assert "Lead: Kiran Hayer" in picked and "Lead: Councillor Josh Rendall" in named


def test_a_board_without_actions_starts_at_a_1(demo_db):
    with make_sessions(demo_db).begin() as session:
        board = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        empty = m.Board(
            workspace_id=board.workspace_id, key="new", name="New Board", secretary_id=board.secretary_id
        )
        session.add(empty)
        session.flush()
        assert updates.next_ref(session, empty) == "A-1"
        assert updates.next_ref(session, board) == f"HWB-{highest_hwb(demo_db) + 1}"


def test_the_form_is_prefilled_and_offers_only_the_boards_one_may_edit(demo_db):
    with make_sessions(demo_db).begin() as session:
        view = record.open_form(
            session, "local", "UMARIA", text="Maria to &lt;check&gt; <@U123> it", person_key="maria-burton"
        )
    assert view["callback_id"] == "record_action_modal"
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert [o["text"]["text"] for o in blocks["board"]["element"]["options"]] == ["Health & Wellbeing Board"]
    assert blocks["board"]["element"]["initial_option"]["value"] == str(board_id(demo_db))
    assert blocks["description"]["element"]["initial_value"] == "Maria to <check> @U123 it"
    assert blocks["lead_user"]["element"]["type"] == "users_select"
    assert blocks["due_on"]["element"]["type"] == "datepicker"


def test_an_admin_gets_every_board(demo_db):
    slack = FakeLookups(profiles={"UADMIN": SlackProfile(is_admin=True, team_id="local")})
    with make_sessions(demo_db).begin() as session:
        view = record.open_form(session, "local", "UADMIN", slack)
        boards = session.scalar(select(func.count()).select_from(m.Board))
    assert len(view["blocks"][0]["element"]["options"]) == boards
    assert "initial_option" not in view["blocks"][0]["element"]


@pytest.mark.parametrize(
    ("person", "user", "start"),
    [
        (
            "kiran-hayer",
            "UKIRAN",
            "Sorry: only a board's secretary, its chairs and admins may record actions",
        ),
        (None, "USTRANGER", "I can't tell who you are in the data"),
    ],
)
def test_the_form_is_not_offered_to_others(demo_db, person, user, start):
    with make_sessions(demo_db).begin() as session:
        found = record.open_form(session, "local", user, person_key=person)
    assert isinstance(found, Reply)
    assert text_of(found).startswith(start) and "Maria Burton" in text_of(found)


def test_no_boards_no_form(fresh_db):
    with make_sessions(fresh_db).begin() as session:
        found = record.open_form(session, "local", "UMARIA")
    assert "There are no boards in this workspace yet" in text_of(found)
