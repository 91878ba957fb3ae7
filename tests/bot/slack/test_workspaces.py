"""One workspace without YAML surgery: the bot token's team gets the `local` boards; who is an admin."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot import models as m
from bot.app import create_app
from bot.cli import main
from bot.config import Settings
from bot.db import make_sessions
from bot.updates import SlackProfile
from bot.workspaces import load_team, start_up
from tests.bot.slack.conftest import DEMO_NOW, SECRET, Running
from tests.bot.slack.test_record import slash
from tests.commands.test_update import FakeLookups, history_count, message, say
from tests.conftest import DEMO_FILES
from tests.fake_slack import Scripted

T123 = {"ok": True, "team_id": "T123", "team": "Westminster", "user_id": "UBOT", "bot_id": "BBOT"}


def teams(engine) -> dict[str, str]:
    with make_sessions(engine)() as session:
        rows = session.execute(
            select(m.Board.key, m.Workspace.team_id).join(m.Workspace, m.Workspace.id == m.Board.workspace_id)
        )
        return {key: team for key, team in rows}


def test_start_up_gives_the_bot_tokens_workspace_the_demo_boards(demo_db, fake_slack, caplog):
    fake_slack.script("auth.test", Scripted(body=T123), Scripted(body=T123))  # ours, then Bolt's
    settings = Settings(
        slack_bot_token="xoxb-t123",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url,
        now=DEMO_NOW,
    )
    sessions = make_sessions(demo_db)
    with caplog.at_level(logging.INFO, logger="bot.workspaces"):
        assert start_up(settings, sessions).team_id == "T123"
    assert [r.getMessage() for r in caplog.records] == [
        "Boards loaded for workspace `local` now belong to T123 (Westminster), this bot token's workspace"
    ]
    assert set(teams(demo_db).values()) == {"T123"}
    assert start_up(settings, sessions).team_id == "T123"  # again: nothing to do, Slack not asked again
    assert len(fake_slack.calls_to("auth.test")) == 1

    running = Running(create_app(settings, sessions))
    try:
        status, reply = running.command("/nextmeeting", "the health and wellbeing board", team_id="T123")
        assert status == 200 and "Thursday 5 October 2023" in reply["text"]
        status, reply = running.command("/agenda", "family and people services 25 Nov", team_id="T123")
        assert status == 200 and "Cabinet Member Update" in reply["text"]
        status, reply = running.command("/nextmeeting", "", team_id="TOTHER")
        assert status == 200 and "no boards in this workspace" in reply["text"].lower()
    finally:
        running.close()

    with sessions.begin() as session:  # reloading the demo file (`team_id: local`) lands in T123
        assert load_team(session, "local") == "T123"
    assert main_with(demo_db, ["load", *DEMO_FILES]) == 0
    assert set(teams(demo_db).values()) == {"T123"}


def test_start_up_leaves_a_team_that_has_boards_alone(demo_db, fake_slack):
    fake_slack.script("auth.test", Scripted(body={**T123, "team_id": "local"}))
    settings = Settings(slack_bot_token="xoxb-local", slack_api_url=fake_slack.api_url)
    start_up(settings, make_sessions(demo_db))
    assert set(teams(demo_db).values()) == {"local"}


def main_with(engine, argv: list[str]) -> int:
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
        mp.delenv("BOARDBOT_NOW", raising=False)
        return main(argv)
    finally:
        mp.undo()


def test_workspace_command_shows_and_moves_boards(demo_db, capsys):
    assert main_with(demo_db, ["workspace"]) == 0
    out = capsys.readouterr().out
    assert "hwb          Health & Wellbeing Board: workspace local" in out
    assert "boardbot workspace set T…" in out

    assert main_with(demo_db, ["workspace", "set", "T123", "--board", "hwb"]) == 2
    err = capsys.readouterr().err
    assert "hwb shares workspace local with fps" in err and "`boardbot workspace set T123`" in err
    assert main_with(demo_db, ["workspace", "set", "T123", "--board", "hbw"]) == 2
    assert "No board has the key 'hbw'; the boards are: fps, hwb" in capsys.readouterr().err
    assert main_with(demo_db, ["workspace", "set", "not a team"]) == 2
    assert "is not a Slack team id" in capsys.readouterr().err

    assert main_with(demo_db, ["workspace", "set", "T123"]) == 0
    assert capsys.readouterr().out == "Moved fps, hwb from workspace local to T123.\n"
    assert set(teams(demo_db).values()) == {"T123"}
    assert main_with(demo_db, ["workspace", "set", "T123"]) == 0
    assert "nothing changed" in capsys.readouterr().out

    with pytest.MonkeyPatch.context() as mp:  # the console's default `local` is the one workspace now
        mp.setenv("BOARDBOT_NOW", "2023-09-01")
        mp.setenv("DATABASE_URL", demo_db.url.render_as_string(hide_password=False))
        assert main(["console", "--as", "josh-rendall", "-c", "/nextmeeting wellbeing board"]) == 0
    assert "Thursday 5 October 2023" in capsys.readouterr().out


def test_load_binds_a_files_boards_to_the_workspace_named(fresh_db, capsys):
    assert main_with(fresh_db, ["db", "upgrade"]) == 0
    assert main_with(fresh_db, ["load", "--workspace", "T0WESTMIN", *DEMO_FILES]) == 0
    assert teams(fresh_db) == {"hwb": "T0WESTMIN", "fps": "T0WESTMIN"}
    capsys.readouterr()
    assert main_with(fresh_db, ["workspace"]) == 0
    assert "fps          Family and People Services" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("team", "allowed"),
    [("local", True), ("TGUEST", False), (None, False)],  # the board's team; a Slack Connect guest's
)
def test_only_admins_of_the_boards_own_workspace_may_update(demo_db, team, allowed):
    lookups = FakeLookups(profiles={"UADMIN": SlackProfile(is_admin=True, team_id=team)})
    answer = say(demo_db, message("HWB-12 done", user="UADMIN"), lookups)
    if allowed:
        assert "Updated HWB-12" in answer
    else:
        assert "Updated" not in answer and history_count(demo_db) == 0
        assert "The board secretary, Maria Burton" in answer


def test_a_slack_connect_guest_who_is_admin_at_home_may_not_record_here(bolt_app, fake_slack):
    """Through Slack's users.info, as the app asks it: the guest's profile names their own team."""
    guest = {"ok": True, "user": {"id": "UGUEST", "team_id": "TGUEST", "is_admin": True, "profile": {}}}
    fake_slack.script("users.info", Scripted(body=guest))
    status, body = slash(bolt_app, "action add", user_id="UGUEST")
    assert status == 200 and fake_slack.calls_to("views.open") == []
    assert body["text"].startswith("I can't tell who you are in the data of your board")
    assert "Nothing was recorded" in body["text"] and "Maria Burton" in body["text"]
    assert len(fake_slack.calls_to("users.info")) == 1
    fake_slack.script("users.info", Scripted(body={**guest, "user": {**guest["user"], "team_id": "local"}}))
    slash(bolt_app, "action add", user_id="UGUEST")  # the same admin, of the board's own workspace
    assert len(fake_slack.calls_to("views.open")) == 1


def test_start_up_does_not_merge_into_a_team_that_already_has_a_row(demo_db, fake_slack, caplog):
    with make_sessions(demo_db).begin() as session:
        session.add(m.Workspace(team_id="T123", name="Westminster"))
    fake_slack.script("auth.test", Scripted(body=T123))
    settings = Settings(slack_bot_token="xoxb-t123-row", slack_api_url=fake_slack.api_url)
    start_up(settings, make_sessions(demo_db))
    assert set(teams(demo_db).values()) == {"local"}
    assert "`boardbot load --workspace T123 FILE…`" in caplog.text
