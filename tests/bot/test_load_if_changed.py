"""`boardbot load --if-changed`, as scripts/run.sh uses it: the demo loads once, then only when changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import DEMO_FILES


@pytest.fixture
def env(monkeypatch, fresh_url):
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.delenv("BOARDBOT_NOW", raising=False)
    return monkeypatch


def test_the_demo_loads_into_an_empty_database_then_only_when_its_files_change(env, capsys, tmp_path):
    files = []
    for name in DEMO_FILES:
        files.append(str(shutil.copy(name, tmp_path / Path(name).name)))
    assert main(["db", "upgrade"]) == 0
    assert main(["load", "--if-changed", *files]) == 0
    assert "actions: " in capsys.readouterr().out

    assert main(["load", "--if-changed", *files]) == 0
    assert capsys.readouterr().out.startswith("Not loaded: ")

    hwb = tmp_path / "hwb.yaml"
    hwb.write_text(
        hwb.read_text().replace("    timescale: Autumn 2023\n", "    timescale: October 2023\n", 1)
    )
    assert main(["load", "--if-changed", *files]) == 0
    out = capsys.readouterr().out
    assert "actions: 0 new, 1 changed" in out and "Not loaded" not in out
