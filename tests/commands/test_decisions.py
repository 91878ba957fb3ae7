"""Decisions and minutes asked for and recorded as members and the secretary would, on the demo boards.

Who may record them (only the secretary and chairs in office), a decision provisional until the minutes
are approved, the demo's decisions with their cited lines, and Slack's changes kept by a reload.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import count

import pytest
import yaml
from sqlalchemy import func, select

from bot import models as m
from bot.boarddata import export_yaml, load_files
from bot.db import make_sessions
from bot.updates import SlackProfile
from commands import agenda, help, minutes, record
from tests.commands.test_update import FakeLookups
from tests.conftest import DEMO_FILES, LOAD_TIME, ROOT
from tests.helpers import ask, text_of
from tests.slack_limits import assert_fits_slack

OCT_2023 = datetime(2023, 10, 6, 9, 0, tzinfo=UTC)  # the day after the meeting of 5 October 2023
_views = count(1)


def all_text(reply) -> str:
    """Every section of a reply (the fallback text is cut short on a long agenda)."""
    return "\n".join(text_of(replace(reply, text=b["text"]["text"])) for b in reply.blocks if b.get("text"))


def boardbot(engine, text: str, **kw) -> str:
    return text_of(ask(engine, help.run, "boardbot", text, **kw))


def test_decisions_about_the_better_care_fund_without_naming_the_board(demo_db):
    shown = boardbot(demo_db, "decisions better care fund")
    assert "Health & Wellbeing Board: decisions about “better care fund”" in shown
    assert shown.count("That the report be agreed.") == 2
    assert "Thu 8 Jun 2023, item 9 · BETTER CARE FUND - END OF YEAR REPORT" in shown
    assert "Thu 8 Jun 2023, item 10 · BETTER CARE FUND 2023-24" in shown
    assert "Provisional: the minutes are circulated, for approval at the meeting of Thu 5 Oct 2023" in shown
    assert "Source: Health & Wellbeing Board, Thursday 5th October 2023 - Public Document Pack" in shown


@pytest.mark.parametrize(
    "text", ["decisions hwb", "decisions Health and Wellbeing Board", "decisions health & wellbeing"]
)
def test_decisions_of_a_board_newest_first_in_agenda_order(demo_db, text):
    shown = boardbot(demo_db, text)
    assert shown.count("Thu 8 Jun 2023, item") == 6
    order = [shown.index(f"item {n} ·") for n in ("4", "5", "7", "8", "9", "10")]
    assert order == sorted(order)
    assert "That the report be noted, and that the consultation period be extended to 09 July 2023." in shown


@pytest.mark.parametrize(
    "text", ["decisions nurseries fps", "decisions fps nurseries", "what did we resolve on nurseries?"]
)
def test_decisions_with_words_and_the_board_named_anywhere(demo_db, text):
    shown = boardbot(demo_db, text if text.startswith("decisions") else "decisions " + text)
    assert (
        "That the possibility of setting up a pilot scheme to extend the school vaccination programme out to nurseries be explored."
        in shown
    )
    assert "Thu 17 Oct 2019, item 5" in shown and "Mon 25 Nov 2019" in shown


def test_decisions_with_a_typo_say_what_would_work(demo_db):
    shown = boardbot(demo_db, "decisions hwb bettr care")
    assert "No decision of Health & Wellbeing Board mentions “bettr care”" in shown
    assert "/boardbot decisions hwb" in shown


def test_the_agenda_of_the_last_meeting_shows_each_items_decision(demo_db):
    shown = all_text(ask(demo_db, agenda.run, "agenda", "hwb last"))
    assert "Decision (provisional): That the report be agreed." in shown
    assert "Decision (provisional): That the minutes of the meeting dating 30 March 2023" in shown


def test_every_demo_decision_is_on_its_cited_line(demo_db):
    with make_sessions(demo_db)() as session:
        exported = yaml.safe_load(export_yaml(session))
    assert len(exported["decisions"]) == 15 and len(exported["minutes"]) == 4
    for decision in exported["decisions"]:
        source = decision["source"]
        lines = (ROOT / "data" / "sources" / f"{source['doc']}.txt").read_text(encoding="utf-8").split("\n")
        assert decision["text"] in lines[source["line"] - 1], decision
    approved = {
        (r["meeting"], r.get("approval_meeting")) for r in exported["minutes"] if r["status"] == "approved"
    }
    assert approved == {("hwb-2023-03-30", "hwb-2023-06-08"), ("fps-2019-06-17", "fps-2019-10-17")}


# --- The forms ------------------------------------------------------------------------------------


def _board_id(engine, key="hwb") -> int:
    with make_sessions(engine)() as session:
        return session.scalar(select(m.Board.id).where(m.Board.key == key))


def _form(engine, person: str | None, user="U1", *, now=OCT_2023, **typed) -> record.Submission:
    values = {"board": {"type": "static_select", "selected_option": {"value": str(_board_id(engine))}}}
    for name, value in typed.items():
        if name == "status":
            values[name] = {"type": "static_select", "selected_option": {"value": value}}
        elif name == "circulated_on":
            values[name] = {"type": "datepicker", "selected_date": value}
        else:
            values[name] = {"type": "plain_text_input", "value": value}
    return record.Submission("local", user, f"V{next(_views)}", values, now, person_key=person)


def _submit(engine, submit, form, slack=None):
    with make_sessions(engine).begin() as session:
        return submit(session, form, slack)


def _decision_count(engine) -> int:
    with make_sessions(engine)() as session:
        return session.scalar(select(func.count(m.Decision.id)))


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("maria-burton", True),  # the board secretary
        ("josh-rendall", True),  # a co-chair
        ("nafsika-butler-thalassis", True),  # the other co-chair
        ("anna-raleigh", False),  # a member
        ("kiran-hayer", False),  # a report author and lead
        ("tristan-fieldsend", False),  # another board's secretary
        (None, False),  # a Slack user not in the data
    ],
)
def test_only_the_secretary_and_chairs_record_decisions_and_minutes(demo_db, person, allowed):
    opened = ask(demo_db, help.run, "boardbot", "decision add hwb", now=OCT_2023, person_hint=person)
    assert ("view" in opened.extra) == allowed
    before = _decision_count(demo_db)
    decision = _form(demo_db, person, meeting="last", item="8", text="That the plan be agreed.")
    status = _form(demo_db, person, meeting="8 June 2023", status="approved", approval_meeting="5 Oct 2023")
    for submit, form in ((minutes.submit_decision, decision), (minutes.submit_minutes, status)):
        if allowed:
            assert _submit(demo_db, submit, form) is not None
        else:
            with pytest.raises(record.Invalid) as refused:
                _submit(demo_db, submit, form)
            assert (
                "Only the secretary or a chair of Health & Wellbeing Board" in refused.value.errors["board"]
            )
    assert _decision_count(demo_db) == before + allowed
    if not allowed:
        assert "only a board's secretary and its chairs" in text_of(
            opened
        ) or "can't tell who you are" in text_of(opened)


def test_a_workspace_admin_may_not_record_the_boards_decisions(demo_db):
    slack = FakeLookups(profiles={"UADMIN": SlackProfile(is_admin=True, team_id="local")})
    opened = ask(demo_db, help.run, "boardbot", "minutes hwb last approved", user_id="UADMIN", now=OCT_2023)
    assert "view" not in opened.extra
    with pytest.raises(record.Invalid):
        _submit(
            demo_db,
            minutes.submit_minutes,
            _form(demo_db, None, "UADMIN", meeting="last", status="draft"),
            slack,
        )


def test_a_decision_is_provisional_until_the_minutes_are_approved(demo_db):
    done = _submit(
        demo_db,
        minutes.submit_decision,
        _form(demo_db, "maria-burton", meeting="5/10/2023", item="8", text="That the BCF plan be agreed."),
    )
    assert "Status: provisional (until the minutes are approved)" in text_of(done)
    assert "Decision (provisional): That the BCF plan be agreed." in text_of(
        ask(demo_db, agenda.run, "agenda", "hwb 5 oct 2023", now=OCT_2023)
    )
    before = boardbot(demo_db, "decisions hwb better care", now=OCT_2023)
    assert "Approved" not in before
    done = _submit(
        demo_db,
        minutes.submit_minutes,
        _form(
            demo_db,
            "maria-burton",
            meeting="8 June 2023",
            status="approved",
            approval_meeting="5 October 2023",
        ),
    )
    assert "are approved (at the meeting of Thu 5 Oct 2023)" in text_of(done)
    assert "Its 6 decisions are now approved." in text_of(done)
    after = boardbot(demo_db, "decisions hwb better care", now=OCT_2023)
    assert after.count("Approved: the minutes were approved at the meeting of Thu 5 Oct 2023") == 2
    assert (
        "That the BCF plan be agreed." in after
        and "recorded in Slack by Maria Burton on Fri 6 Oct 2023" in after
    )


def test_forms_say_what_to_fix_and_write_nothing(demo_db):
    with pytest.raises(record.Invalid) as raised:
        _submit(
            demo_db,
            minutes.submit_decision,
            _form(demo_db, "maria-burton", meeting="9 Jan 2023", item="77", text=""),
        )
    errors = raised.value.errors
    assert errors["meeting"].startswith("Health & Wellbeing Board has no meeting on “9 Jan 2023”")
    assert "Write the resolution" in errors["text"]
    with pytest.raises(record.Invalid) as raised:
        _submit(
            demo_db,
            minutes.submit_decision,
            _form(demo_db, "maria-burton", meeting="last", item="77", text="x"),
        )
    assert raised.value.errors["item"].startswith(
        "The meeting of 5 Oct 2023 has no item “77”. Its items: 1, 2,"
    )
    with pytest.raises(record.Invalid) as raised:
        _submit(
            demo_db,
            minutes.submit_minutes,
            _form(demo_db, "maria-burton", meeting="last", status="approved", approval_meeting="23 Nov 2023"),
        )
    assert "has not met yet" in raised.value.errors["approval_meeting"]


def test_a_form_delivered_twice_records_once(demo_db):
    form = _form(demo_db, "maria-burton", meeting="last", item="9", text="That the strategy be adopted.")
    before = _decision_count(demo_db)
    assert _submit(demo_db, minutes.submit_decision, form) is not None
    assert _submit(demo_db, minutes.submit_decision, form) is None
    assert _decision_count(demo_db) == before + 1


def test_what_slack_recorded_is_kept_when_the_board_files_are_loaded_again(demo_db, tmp_path):
    _submit(
        demo_db,
        minutes.submit_decision,
        _form(demo_db, "maria-burton", meeting="last", item="9", text="That the strategy be adopted."),
    )
    _submit(
        demo_db,
        minutes.submit_minutes,
        _form(demo_db, "maria-burton", meeting="8 June 2023", status="approved", approval_meeting="last"),
    )
    sessions = make_sessions(demo_db)
    with sessions.begin() as session:
        result = load_files(session, DEMO_FILES, now=LOAD_TIME)
    assert result.ok and result.changes == []
    kept = [k.describe() for k in result.kept]
    assert any(
        k.startswith("= minutes hwb-2023-06-08: status: kept 'approved' (set in Slack by Maria Burton (form)")
        for k in kept
    )
    with sessions() as session:
        first = export_yaml(session)
        minutes_of_june = session.scalar(
            select(m.Minutes)
            .join(m.Meeting, m.Minutes.meeting_id == m.Meeting.id)
            .where(m.Meeting.key == "hwb-2023-06-08")
        )
        assert minutes_of_june.status == "approved"
    assert "That the strategy be adopted." in first
    path = tmp_path / "export.yaml"
    path.write_text(first, encoding="utf-8")
    with sessions.begin() as session:
        again = load_files(session, [path], now=LOAD_TIME)
    assert again.ok and again.changes == []


def test_replies_and_forms_fit_slack(demo_db):
    for text in ("decisions hwb", "decisions fps", "decision add hwb", "minutes hwb 8 June 2023 approved"):
        assert_fits_slack(
            ask(demo_db, help.run, "boardbot", text, now=OCT_2023, person_hint="maria-burton"), text
        )
    assert_fits_slack(ask(demo_db, agenda.run, "agenda", "hwb last"), "/agenda hwb last")
