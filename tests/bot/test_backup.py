"""`boardbot backup` and `boardbot restore` as an operator uses them (issue 16): back up, a lead updates
an action, restore, and the board is as it was; on SQLite (backup API) and PostgreSQL (pg_dump), and
from the board-data YAML written beside either (the way back where pg_dump is missing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def env(monkeypatch, demo_db):
    monkeypatch.setenv("DATABASE_URL", demo_db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BOARDBOT_NOW", "2023-09-01T09:00:00+01:00")
    return monkeypatch


def ask(capsys, tmp_path: Path, line: str, person: str = "kiran-hayer") -> str:
    capsys.readouterr()
    assert main(["console", "--as", person, "--log", str(tmp_path / "console.log"), "-c", line]) == 0
    return capsys.readouterr().out


def backed_up(capsys, out: Path, err: list[str] | None = None) -> dict[str, Path]:
    assert main(["backup", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    if err is not None:
        err.append(captured.err)
    lines = captured.out.splitlines()
    files = {
        Path(line.removeprefix("Backed up to ")).suffix: Path(line.removeprefix("Backed up to "))
        for line in lines
    }
    assert all(path.is_file() and path.parent == out for path in files.values())
    return files


def lead_marks_hwb_2_done(capsys, tmp_path: Path) -> None:
    ask(capsys, tmp_path, "HWB-2 done: the re-offending panel met")
    assert "Status: Done" in ask(capsys, tmp_path, "/actions Health and Wellbeing HWB-2")


def test_a_backup_restores_the_board_as_it_was(env, backend, capsys, tmp_path):
    files = backed_up(capsys, tmp_path / "backups")
    native = ".sqlite3" if backend.name == "sqlite" else ".pgdump"
    assert sorted(files) == sorted([native, ".yaml"])
    assert files[native].name.startswith("boardbot-20")  # boardbot-YYYYMMDDTHHMMSSZ

    lead_marks_hwb_2_done(capsys, tmp_path)
    assert main(["restore", str(files[native])]) == 0
    assert capsys.readouterr().out == f"Restored {files[native]}.\n"

    shown = ask(capsys, tmp_path, "/actions hwb HWB-2")
    assert "Status: Open" in shown and "No changes recorded." in shown
    assert main(["db", "status"]) == 0


def test_the_board_data_beside_it_restores_with_load_prefer_file(env, capsys, tmp_path):
    files = backed_up(capsys, tmp_path / "backups")
    lead_marks_hwb_2_done(capsys, tmp_path)
    assert main(["restore", str(files[".yaml"])]) == 1
    assert f"load it with `boardbot load --prefer-file {files['.yaml']}`" in capsys.readouterr().err
    assert main(["load", "--prefer-file", str(files[".yaml"])]) == 0
    assert "Status: Open" in ask(capsys, tmp_path, "/actions hwb HWB-2")


def test_a_backup_of_the_other_database_is_refused_naming_what_would_do(env, backend, capsys, tmp_path):
    other = tmp_path / ("boardbot-x.pgdump" if backend.name == "sqlite" else "boardbot-x.sqlite3")
    other.write_bytes(b"not this database's kind")
    assert main(["restore", str(other)]) == 1
    wanted = ".sqlite3" if backend.name == "sqlite" else ".pgdump"
    assert f"is not a {backend.name} backup (`{wanted}`)" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.sqlite3")]) == 1
    assert "is not a file" in capsys.readouterr().err


def test_a_machine_without_database_tools_still_backs_up_the_board_data(env, backend, capsys, tmp_path):
    env.setenv("PATH", str(tmp_path / "no-tools"))
    err: list[str] = []
    files = backed_up(capsys, tmp_path / "backups", err)
    if backend.name == "sqlite":  # SQLite's backup API is in Python itself
        assert sorted(files) == [".sqlite3", ".yaml"] and err == [""]
        return
    assert list(files) == [".yaml"]
    assert "pg_dump is not installed: wrote the board data only" in err[0]
