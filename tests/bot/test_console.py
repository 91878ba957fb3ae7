"""The local console: slash commands typed on a terminal, answered by the same Bolt app."""

from __future__ import annotations

import io
import re

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
    assert "I didn't find an action or a change in that message" in console.run_line("hello")  # a DM now
    assert "!N presses button N" in console.run_line("!what")


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
        again = console.run_line("!remind")  # once per occasion; then who else would get what
        assert again.startswith("No reminders are due now (0 sent).") and "HWB-1" not in again
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


def test_a_lead_updates_by_message_and_by_button_as_the_console_person(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="kiran-hayer")  # not on Slack
    try:
        said = console.run_line("HWB-2 in progress: panel launched")
        assert "Updated HWB-2 (Health & Wellbeing Board)" in said
        assert "status: Open → In progress" in said and "→ panel launched" in said
        assert "status: In progress → Done" in press_done(console, "HWB-2")
        shown = console.run_line("/actions HWB-2")
    finally:
        console.close()
    assert "Status: Done" in shown and "Kiran Hayer · status: In progress → Done · by button" in shown
    status, changes = status_of(demo_db, "HWB-2")
    assert status == "done"
    assert [(field, via, by) for field, _, via, by in changes] == [
        ("status", "message", "kiran-hayer"),
        ("progress", "message", "kiran-hayer"),
        ("status", "button", "kiran-hayer"),
    ]


def test_with_a_board_a_message_is_a_mention_in_its_channel_and_threads_answer(demo_db):
    console = Console(
        Settings(now=DEMO_NOW), make_sessions(demo_db), person="maria-burton", board="wellbeing"
    )
    try:
        assert "Health & Wellbeing Board (hwb)" in console.banner()
        said = console.run_line("HWB-4 amber")
        assert "→ to CCONSOLE (the channel of hwb)" in said and "RAG: none → Amber" in said
        assert "Undone HWB-4" in console.run_line("!reply undo")
        assert "did not answer" in console.run_line("!reply thanks!")  # small talk in a thread
    finally:
        console.close()


def test_a_stranger_by_message_is_told_who_can_add_them(console):
    said = console.run_line("HWB 2 done")
    assert "I can't tell who you are" in said or "didn't find" in said
    assert status_of(console.sessions.kw["bind"], "HWB-2")[0] != "done"


@pytest.mark.parametrize(
    ("board", "problem"),
    [
        ("nosuch", "--board 'nosuch' names no board in workspace 'local'; the boards: fps (Family and"),
        ("nosuch", "hwb (Health & Wellbeing Board)"),
    ],
)
def test_an_unknown_board_is_refused_with_the_boards(demo_db, board, problem):
    with pytest.raises(ValueError) as refused:
        Console(Settings(now=DEMO_NOW), make_sessions(demo_db), board=board)
    assert problem in str(refused.value)


@pytest.mark.parametrize(
    ("words", "key"), [("hwb", "hwb"), ("wellbeing", "hwb"), ("Scrutiny Committee", "fps"), ("FPS", "fps")]
)
def test_a_board_is_chosen_by_key_or_a_part_of_its_name(demo_db, words, key):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), board=words)
    try:
        assert console.board == key
    finally:
        console.close()


def test_an_unknown_person_is_refused_with_the_keys_like_it(demo_db):
    with pytest.raises(ValueError, match=r"--as takes a person's key: josh-rendall$"):
        Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="Josh")


def test_action_add_shows_the_form_and_submits_what_is_typed(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="maria-burton")
    try:
        form = console.run_line("/boardbot action add")
        assert "Form: Record an action" in form and "[description] What is to be done: text" in form
        assert "not name=value for a field" in console.run_line("!form what=x")
        assert "names 0 of the choices" in console.run_line("!form board=nosuch")
        assert "is not a date" in console.run_line("!form due_on=31/10/2023")
        assert "not a person on Slack here" in console.run_line("!form lead_user=kiran-hayer")
        recorded = console.run_line(
            "!form board=wellbeing description='Publish the JSNA summary' lead_text='Director of Public Health'"
        )
        assert "Recorded HWB-" in recorded and "Publish the JSNA summary" in recorded
        assert "No form is open" in console.run_line("!form")
    finally:
        console.close()


def test_a_form_slack_refuses_stays_open_with_the_reasons(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="maria-burton")
    try:
        console.run_line("/boardbot action add")
        refused = console.run_line("!form board=hwb")  # no description
        assert "The form was not accepted" in refused and "[description]" in refused
        assert "Form: Record an action" in console.run_line("!form")
        assert console.run_line("!cancel") == "Form closed; nothing was sent."
    finally:
        console.close()


def test_the_note_button_opens_a_form_that_adds_the_note(demo_db):
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="maria-burton")
    try:
        console.run_line("/actions hwb HWB-3")
        [note] = [n for n, b in enumerate(console.buttons, 1) if b["action_id"] == "action_add_note"]
        assert "[note] Progress now: text" in console.run_line(f"!{note}")
        assert "→ Panel met twice" in console.run_line("!form note='Panel met twice'")
    finally:
        console.close()


def test_every_interaction_has_its_own_trigger_id_and_action_ts(console, monkeypatch):
    sent = []
    dispatch = console.app.dispatch
    monkeypatch.setattr(
        console.app, "dispatch", lambda request: sent.append(request.body) or dispatch(request)
    )
    console.run_line("/actions fps done")
    console.run_line("!1")
    console.run_line("!2")  # previous page
    console.run_line("!1")
    triggers = [body["trigger_id"] for body in sent]
    presses = [body["actions"][0]["action_ts"] for body in sent if body.get("actions")]
    assert len(triggers) == len(set(triggers)) == 4 and len(set(presses)) == 3


def test_without_slack_ids_remind_says_who_would_get_what(console):
    shown = console.run_line("!remind")
    assert "Not sent, nobody on Slack to send them to" in shown and "  Maria Burton: " in shown


def test_demo_slack_ids_show_each_persons_messages_and_are_removed_after(demo_db):
    from sqlalchemy import func, select

    from bot import models as m

    sessions = make_sessions(demo_db)
    console = Console(Settings(now=DEMO_NOW), sessions, person="kiran-hayer", slack_ids="demo")
    try:
        assert console.user_id == "UDEMOKIRANHAYER"
        assert "stand-in Slack ids" in console.banner()
        shown = console.run_line("!remind")
        assert "→ to UDEMOMARIABURTON (Maria Burton)" in shown
        assert "Not sent" not in shown
    finally:
        console.close()
    with sessions() as session:
        assert session.scalar(select(func.count()).where(m.Person.slack_user_id.is_not(None))) == 0
        assert session.scalar(select(func.count()).where(m.Board.slack_channel.is_not(None))) == 0


def test_slack_ids_from_a_file(demo_db, tmp_path):
    ids = tmp_path / "ids.yaml"
    ids.write_text("maria-burton: U0MARIA\nhwb: C0HWB\n")
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), slack_ids=str(ids))
    try:
        assert "→ to U0MARIA (Maria Burton)" in console.run_line("!remind")
    finally:
        console.close()
    ids.write_text("maria-burton: not an id\n")
    with pytest.raises(ValueError, match="expected lines like `kiran-hayer: U0123ABCD`"):
        Console(Settings(now=DEMO_NOW), make_sessions(demo_db), slack_ids=str(ids))


def test_the_console_logs_to_a_file_and_the_preview_takes_stand_ins(monkeypatch, fresh_url, capsys, tmp_path):
    from bot.cli import main
    from tests.conftest import DEMO_FILES

    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.setenv("BOARDBOT_NOW", "2023-09-01T09:00:00+01:00")
    assert main(["db", "upgrade"]) == 0 and main(["load", *DEMO_FILES]) == 0
    capsys.readouterr()
    log = tmp_path / "console.log"
    assert main(["console", "--log", str(log), "--as", "kiran-hayer", "-c", "!remind"]) == 0
    out, err = capsys.readouterr()
    assert "Maria Burton" in out and err == ""
    assert log.exists()  # what is logged (INFO and up outside pytest) goes there
    assert main(["console", "--log", str(log), "--as", "Josh", "--board", "wellbeing"]) == 2
    assert "--as takes a person's key: josh-rendall" in capsys.readouterr().err
    assert main(["reminders", "preview", "--slack-ids", "demo", "--date", "2023-10-02"]) == 0
    assert "(@UDEMOMARIABURTON, direct message)" in capsys.readouterr().out
    assert main(["reminders", "preview", "--date", "2023-10-02"]) == 0
    assert "Not sent: nobody on Slack" in capsys.readouterr().out  # the stand-ins are gone again


def test_a_lead_on_a_stand_in_id_gets_a_reminder_and_answers_it(demo_db):
    from datetime import date

    from sqlalchemy import select

    from bot import models as m

    with make_sessions(demo_db).begin() as session:
        kiran = session.scalar(select(m.Person).where(m.Person.key == "kiran-hayer"))
        for ref in ("HWB-5", "HWB-6"):
            action = session.scalar(select(m.Action).where(m.Action.ref == ref))
            action.due_on, action.status, action.lead_id = date(2023, 8, 25), "open", kiran.id
    console = Console(Settings(now=DEMO_NOW), make_sessions(demo_db), person="kiran-hayer", slack_ids="demo")
    try:
        reminded = console.run_line("!remind")
        assert "→ to UDEMOKIRANHAYER (Kiran Hayer)" in reminded
        assert "Your action HWB-5 (Health & Wellbeing Board) is overdue by 7 days" in reminded
        done = re.search(r"\[!(\d+) Done\]", reminded[reminded.index("Your action HWB-5") :])
        assert done is not None  # the Done button under Kiran's reminder of HWB-5
        assert console.buttons[int(done.group(1)) - 1]["action_id"] == "action_done"
        assert "status: Open → Done" in console.run_line(f"!{done.group(1)}")
        answered = console.run_line("!reply HWB-6 in progress: chasing the Met")
        assert "→ to DDEMOKIRANHAYER (the direct messages of Kiran Hayer)" in answered
        assert "status: Open → In progress" in answered
    finally:
        console.close()
    assert status_of(demo_db, "HWB-5")[1][-1] == ("status", "done", "button", "kiran-hayer")
