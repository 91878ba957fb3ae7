"""Every command the bot suggests in a reply works when a member types it as shown."""

from __future__ import annotations

import re

import pytest

from commands import actions, agenda, help, kpi, nextmeeting
from tests.helpers import add_adults_and_health_committee, ask, text_of

RUNS = {
    "nextmeeting": nextmeeting.run,
    "agenda": agenda.run,
    "kpi": kpi.run,
    "actions": actions.run,
    "boardbot": help.run,
}
SUGGESTED_RE = re.compile(r"`/(nextmeeting|agenda|kpi|actions|boardbot)\b ?([^`]*)`")
PLACEHOLDERS = ("@name", "[", "…")  # a shape to fill in, not a command to run as it is
REFUSALS = (
    "Which board do you mean?",
    "I don't know a board",
    "could be more than one board",
    "takes only a board's name",
    "I couldn't read",
    "I don't understand",
    "Sorry",
)
# (asker, command, text): questions whose replies suggest commands, as members ask them in a DM
QUESTIONS = [
    ("nafsika-butler-thalassis", "kpi", ""),  # on two boards: which?
    ("nafsika-butler-thalassis", "nextmeeting", ""),
    ("nafsika-butler-thalassis", "agenda", "next hwb"),
    ("kiran-hayer", "actions", "overdue"),  # on no board
    ("kiran-hayer", "actions", "mine"),
    ("josh-rendall", "nextmeeting", "allotments"),  # unknown
    ("josh-rendall", "nextmeeting", "when is the next hbw meeting?"),  # a typo
    ("josh-rendall", "kpi", "reoffending hbw"),
    ("josh-rendall", "nextmeeting", "hwb budget"),  # extra words
    ("josh-rendall", "nextmeeting", "family and people services"),  # no meeting coming
    ("josh-rendall", "boardbot", "help"),
    ("nafsika-butler-thalassis", "boardbot", ""),
    ("jonathan-glanz", "boardbot", "frobnicate"),
    ("josh-rendall", "kpi", "hwb"),
    ("josh-rendall", "kpi", "reoffending"),  # on two boards
    ("josh-rendall", "kpi", "hwb xyzzy"),  # no match
    ("josh-rendall", "kpi", "hwb childen in ned"),
    ("josh-rendall", "kpi", "youth justice health and wellbeing board"),
    ("jonathan-glanz", "actions", "fps"),
    ("jonathan-glanz", "actions", "fps overdue"),
    ("jonathan-glanz", "actions", "fps FPS-999"),
    ("jonathan-glanz", "actions", "hwb FPS-3"),  # another board's reference
    ("jonathan-glanz", "actions", "fps frobnicate sideways now please thanks"),
    ("jonathan-glanz", "actions", "FPS-3"),
    ("josh-rendall", "agenda", "last"),  # on two boards
    ("josh-rendall", "agenda", "hwb 1 Jan 2021"),  # no meeting that day
    ("josh-rendall", "agenda", "hwb 10/05"),
    ("josh-rendall", "agenda", "hwb item 7"),
    ("josh-rendall", "agenda", "scrutiny 25/11/2019"),
]


def suggested(reply_text: str) -> list[tuple[str, str]]:
    found = [(command, words.strip()) for command, words in SUGGESTED_RE.findall(reply_text)]
    return [
        (command, words)
        for command, words in dict.fromkeys(found)
        if not any(p in words for p in PLACEHOLDERS)
        and not (command == "boardbot" and words.split()[:1] not in ([], ["help"]))  # writes
    ]


def test_every_suggested_command_works(demo_db):
    tried = 0
    for person, command, text in QUESTIONS:
        first = ask(demo_db, RUNS[command], command, text, person_hint=person)
        for suggestion, words in suggested(first.text):
            answer = text_of(ask(demo_db, RUNS[suggestion], suggestion, words, person_hint=person))
            assert not answer.startswith(REFUSALS), (f"/{command} {text}", f"/{suggestion} {words}", answer)
            tried += 1
    assert tried > 80  # the replies above suggest this many commands between them


def test_suggestions_when_two_boards_share_a_phrase(demo_db):
    add_adults_and_health_committee(demo_db)
    for command, text in [
        ("nextmeeting", "scrutiny committee"),
        ("kpi", "scrutiny"),
        ("agenda", "scrutiny next"),
    ]:
        first = ask(demo_db, RUNS[command], command, text, person_hint="jonathan-glanz")
        assert "could be more than one board" in text_of(first)
        for suggestion, words in suggested(first.text):
            answer = text_of(ask(demo_db, RUNS[suggestion], suggestion, words, person_hint="jonathan-glanz"))
            assert not answer.startswith(REFUSALS), (f"/{suggestion} {words}", answer)


@pytest.mark.parametrize("text", ["`/kpi hwb`", "`/agenda hwb next` and `/actions A-12 @name`"])
def test_suggested_commands_are_read_from_backticks(text):
    assert suggested(text) in ([("kpi", "hwb")], [("agenda", "hwb next")])


def test_help_examples_are_on_the_askers_board(demo_db, fresh_db):
    fps_chair = text_of(ask(demo_db, help.run, "boardbot", "help", person_hint="jonathan-glanz"))
    assert "`/agenda fps 25 Nov 2019`" in fps_chair and "`/actions fps`" in fps_chair
    stranger = text_of(ask(demo_db, help.run, "boardbot", "help"))  # the board that meets next
    assert "`/nextmeeting health & wellbeing board`" in stranger
    assert "`/boardbot paper submitted hwb 7`" in stranger
    nothing_yet = text_of(ask(fresh_db, help.run, "boardbot", "help"))
    assert "BoardBot answers questions" in nothing_yet and "e.g. `/nextmeeting" not in nothing_yet
