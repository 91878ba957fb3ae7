"""The local console: slash commands typed on a terminal, answered by the same Bolt app."""

from __future__ import annotations

import io

import pytest

from bot.config import Settings
from bot.console import Console, interact
from bot.db import make_sessions
from tests.bot.slack.conftest import DEMO_NOW


@pytest.fixture
def console(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db))
    yield console
    console.close()


def test_nextmeeting_on_the_demo_shows_5_october(console):
    out = console.run_line("/nextmeeting wellbeing")
    assert "Health & Wellbeing Board: next meeting" in out
    assert "Thursday 5 October 2023 · time not yet published" in out
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
