"""The local console: slash commands typed on a terminal, answered by the same Bolt app."""

from __future__ import annotations

import io

import pytest

from bot.config import Settings
from bot.console import Console, interact
from bot.db import make_sessions
from tests.bot.slack.conftest import DEMO_NOW
from tests.bot.slack.test_events import history, link_people

DONE_BY_MARIA = ("done", [("status", "done", "button", "maria-burton")])


@pytest.fixture
def console(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db))
    yield console
    console.close()


def test_nextmeeting_on_the_demo_shows_5_october(console):
    out = console.run_line("/nextmeeting wellbeing")
    assert "Health & Wellbeing Board: next meeting" in out
    assert "Thursday 5 October 2023 · time not recorded" in out
    assert "Venue: Museum of Brands" in out


def test_buttons_are_numbered_and_pressed_with_a_bang(console):
    out = console.run_line("/actions fps done")
    assert "[!1 Next ›]" in out
    page_two = console.run_line("!1")
    assert "Page 2 of" in page_two
    assert console.run_line("!9") == "There is no button 9 on the last reply."


def test_board_and_person_can_be_chosen(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), board="fps", person="jonathan-glanz")
    try:
        assert "Jonathan Glanz" in console.banner()
        assert "Family and People Services Policy and Scrutiny Committee" in console.run_line("/nextmeeting")
    finally:
        console.close()
    with pytest.raises(ValueError, match="no person 'nobody-here'"):
        Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="nobody-here")


def test_unknown_input_is_explained(console):
    assert "There is no /nextmeting command" in console.run_line("/nextmeting")
    assert "Type a command as in Slack" in console.run_line("hello")


def test_interact_reads_lines_until_quit(console):
    stdin = io.StringIO("/boardbot help\nquit\n/nextmeeting\n")
    stdout = io.StringIO()
    interact(console, stdin, stdout)
    text = stdout.getvalue()
    assert "BoardBot console" in text and "/nextmeeting `[board]`" in text
    assert text.count("> ") == 1  # stopped at quit


def test_remind_runs_the_reminders_and_shows_them_with_their_recipient(demo_db):
    from datetime import date

    from sqlalchemy import select

    from bot import models as m

    with make_sessions(demo_db).begin() as session:
        action = session.scalar(select(m.Action).where(m.Action.ref == "HWB-1"))
        action.due_on = date(2023, 9, 1)
        action.status = "open"
        lead = session.scalar(select(m.Person).where(m.Person.key == "josh-rendall"))
        lead.slack_user_id = "UJOSH"
        action.lead_id = lead.id
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db))
    try:
        shown = console.run_line("!remind")
        assert "→ to UJOSH" in shown and "HWB-1" in shown
        assert console.run_line("!remind") == "No reminders are due now (0 sent)."  # once per occasion
    finally:
        console.close()


def status_of(engine, ref: str) -> tuple[str, list[tuple]]:
    """An action's status, and its history as (field, new value, via, by whom)."""
    from sqlalchemy import select

    from bot import models as m

    with make_sessions(engine).begin() as session:
        status = session.scalar(select(m.Action.status).where(m.Action.ref == ref))
    return status, [(field, new, via, by) for _, field, _, new, via, by, _ in history(engine, ref)]


def press_done(console: Console, ref: str) -> str:
    """Ask for one action and press its Done button."""
    console.run_line(f"/actions hwb {ref}")
    [done] = [n for n, b in enumerate(console.buttons, 1) if b["action_id"] == "action_done"]
    return console.run_line(f"!{done}")


def test_every_press_is_its_own_event_in_this_console_and_the_next(demo_db):
    link_people(demo_db, {"maria-burton": "UMARIA"})  # the secretary, known to Slack
    sessions = make_sessions(demo_db)
    console = Console(Settings(now=DEMO_NOW), sessions, person="maria-burton")
    try:
        assert "status: Open → Done" in press_done(console, "CS-1")
        assert "status: Open → Done" in press_done(console, "CS-2")
    finally:
        console.close()
    later = Console(Settings(now=DEMO_NOW), sessions, person="maria-burton")
    try:
        assert "status: Open → Done" in press_done(later, "CS-3")
    finally:
        later.close()
    assert [status_of(demo_db, ref) for ref in ("CS-1", "CS-2", "CS-3")] == [DONE_BY_MARIA] * 3


def test_a_press_acts_as_the_console_person(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="maria-burton")  # not on Slack
    try:
        assert "status: Open → Done" in press_done(console, "CS-1")
    finally:
        console.close()
    assert status_of(demo_db, "CS-1") == DONE_BY_MARIA
