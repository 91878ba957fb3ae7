"""The documentation says what the code does: every field, every variable, every command."""

from __future__ import annotations

import dataclasses
import re

from bot.boarddata.schema import KINDS
from bot.cli import build_parser
from bot.config import Settings
from tests.conftest import ROOT

FORMAT_DOC = (ROOT / "docs" / "data-format.md").read_text()
README = (ROOT / "README.md").read_text()


def test_data_format_doc_lists_every_field_of_every_kind():
    for kind in KINDS:
        section = FORMAT_DOC.split(f"### {kind.name} [")[1].split("\n### ")[0]
        rows = section.split("|---|---|---|\n")[1]
        documented = set(re.findall(r"^\| (\w+)\*? \|", rows, re.M))
        assert documented == {f.name for f in kind.fields}, kind.name
        for spec in kind.fields:
            starred = f"| {spec.name}* |" in section
            assert starred == spec.required, f"{kind.name}.{spec.name}: required is {spec.required}"


def test_readme_documents_every_setting_once():
    names = {f.name.upper() for f in dataclasses.fields(Settings)}
    env_names = {
        "DATABASE_URL",
        "DATABASE_TIMEOUT",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_REDIRECT_URI",
        "PORT",
        "BOARDBOT_PUBLIC_URL",
        "BOARDBOT_NOW",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "REMINDER_LEASE_SECONDS",
        "REMINDER_CUTOFF_SECONDS",
        "REMINDER_WORKERS",
        "REMINDER_BATCH",
        "REMINDER_POSTS_PER_SECOND",
    }
    assert len(env_names) == len(names)
    for name in env_names:
        assert README.count(f"| `{name}` |") == 1, name


def test_readme_starts_with_the_two_commands():
    block = README.split("```sh\n")[1].split("```")[0]
    assert block.splitlines()[0].startswith("bash scripts/run.sh")
    assert block.splitlines()[1].startswith("bash scripts/test.sh")
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_every_cli_command_is_in_the_readme():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command_parser in sub.choices.items():
        nested = [a for a in command_parser._actions if a.dest.endswith("_command") and a.choices]
        names = [f"{name} {n}" for n in nested[0].choices] if nested else [name]
        for full in names:
            assert f"`boardbot {full}" in README, full
