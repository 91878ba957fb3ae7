"""The `boardbot` command as an engineer uses it: upgrade, load, export, show."""

from __future__ import annotations

import pytest

from bot.cli import main
from tests.conftest import DEMO_FILES


@pytest.fixture
def env(monkeypatch, fresh_url):
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.delenv("BOARDBOT_NOW", raising=False)
    return monkeypatch


def test_commands_refuse_an_unmigrated_database(env, capsys):
    assert main(["load", *DEMO_FILES]) == 3
    assert "Run `boardbot db upgrade`" in capsys.readouterr().err


def test_upgrade_load_reload_export_and_show(env, capsys, tmp_path):
    assert main(["db", "upgrade"]) == 0
    assert "upgraded from empty" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert "already at revision" in capsys.readouterr().out

    assert main(["load", "--dry-run", *DEMO_FILES]) == 0
    out = capsys.readouterr().out
    assert "+ new meeting hwb-2023-10-05" in out and "Dry run, nothing changed" in out
    assert main(["load", *DEMO_FILES]) == 0
    assert "actions: " in capsys.readouterr().out
    assert main(["load", *DEMO_FILES]) == 0
    assert "nothing to change" in capsys.readouterr().out

    target = tmp_path / "export.yaml"
    assert main(["export", "-o", str(target)]) == 0
    assert main(["export"]) == 0
    assert capsys.readouterr().out == target.read_text()

    env.setenv("BOARDBOT_NOW", "2023-09-01")
    assert main(["console", "--as", "josh-rendall", "-c", "/nextmeeting", "-c", "/agenda fps 25 Nov"]) == 0
    out = capsys.readouterr().out
    assert "Health & Wellbeing Board: next meeting\nThursday 5 October 2023" in out
    assert "4. Cabinet Member Update" in out


def test_manifest_needs_no_database(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nowhere.invalid/none")
    assert main(["manifest", "--url", "https://bot.example.net/slack/events"]) == 0
    assert "url: https://bot.example.net/slack/events" in capsys.readouterr().out


def test_serve_without_slack_tokens_points_to_the_console(env, capsys):
    main(["db", "upgrade"])
    env.delenv("SLACK_BOT_TOKEN", raising=False)
    assert main(["serve"]) == 2
    assert "boardbot console" in capsys.readouterr().err


def test_bad_file_exits_non_zero_and_lists_problems(env, capsys, tmp_path):
    main(["db", "upgrade"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("boardbot: 1\nboards:\n  - {key: x, name: X, timezone: Mars/Olympus}\n")
    assert main(["load", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Nothing was loaded: 1 problem found." in err
    assert f"{bad}:3: boards[0], field 'timezone': 'Mars/Olympus' is not a time zone" in err


def test_bad_boardbot_now_is_explained(env, capsys):
    env.setenv("BOARDBOT_NOW", "next tuesday")
    assert main(["db", "status"]) == 2
    assert "BOARDBOT_NOW='next tuesday' is not an ISO date-time" in capsys.readouterr().err
