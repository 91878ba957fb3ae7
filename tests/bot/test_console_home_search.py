"""The console's Home tab: searching from it (its Search button, then the form) and Stop watching."""

from __future__ import annotations

import re

import pytest

from bot.config import Settings
from bot.console import Console
from bot.db import make_sessions
from tests.bot.slack.conftest import DEMO_NOW


@pytest.fixture
def member(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="sarah-newman")
    yield console
    console.close()


def button(out: str, label: str) -> str:
    """The `!N` that presses the button with this label in the last output."""
    [number] = re.findall(rf"\[!(\d+) {label}\]", out)
    return f"!{number}"


def test_a_member_searches_from_the_home_tab_and_searches_again_in_the_form(member):
    home = member.run_line("!home")
    assert "── Home tab ──" in home and "[!1 Search]" in home
    form = member.run_line(button(home, "Search"))
    assert "Form: Search your boards" in form and "Nothing to search for yet" in form
    assert "── Home tab ──" not in form
    results = member.run_line('!form words="better care fund"')
    assert "Form: Search your boards" in results and "match “better care fund”" in results
    assert "[words] Search what the boards have said (optional): text = better care fund" in results
    typo = member.run_line('!form words="beter care fund"')
    assert "BETTER CARE FUND" in typo and "2 of your 3 words" in typo
    assert "Nothing matches “xqzvk”" in member.run_line("!form words=xqzvk")
    empty = member.run_line('!form words=" "')
    assert "The form was not accepted" in empty and "[words] Type a few words to look for" in empty
    after = member.run_line("/boardbot watch better care fund")
    assert "Watching “better care fund”" in after
    assert "── Home tab ──" not in after  # the Search press published no tab: none is shown later


def test_a_member_stops_a_watch_from_the_home_tab_and_from_the_list(member):
    member.run_line("/boardbot watch better care fund")
    member.run_line("/boardbot watch carers")
    home = member.run_line("!home")
    assert "1. better care fund · since Fri 1 Sep 2023" in home
    stopped = member.run_line(_first_stop(home))
    assert "Done: I no longer watch “better care fund” for you." in stopped
    assert "To watch it again: `/boardbot watch better care fund`" in stopped
    listed = member.run_line("/boardbot watches")
    assert "1. carers" in listed and "better care fund" not in listed
    gone = member.run_line(button(listed, "Stop watching"))
    assert "Done: I no longer watch “carers” for you." in gone and "You watch nothing else." in gone


def _first_stop(out: str) -> str:
    return "!" + re.findall(r"\[!(\d+) Stop watching\]", out)[0]
