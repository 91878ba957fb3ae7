"""Reloading the board files after work done in Slack: nothing done there is lost, conflicts are listed."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select

from bot import models as m
from bot.boarddata import export_yaml, load_files
from bot.cli import main
from bot.db import make_sessions
from tests.bot.slack.test_buttons import action_id, paper_item, press
from tests.bot.slack.test_events import dm, event_body, link_people, send
from tests.conftest import DEMO_FILES, LOAD_TIME
from tests.fake_slack import Scripted

KIRAN_PROFILE = {"ok": True, "user": {"id": "UNEW", "profile": {"email": "KHayer@westminster.gov.uk"}}}
MARIA = {"id": "UMARIA", "team_id": "local"}


def work_in_slack(running, fake_slack, engine) -> None:
    """Kiran Hayer (known by her e-mail) updates HWB-2 by message; the secretary presses buttons."""
    fake_slack.script("users.info", Scripted(body=KIRAN_PROFILE))
    for text in ("HWB-2 in progress: waiting for ICB data", "HWB-2 due 15 Dec", "HWB-2 amber"):
        assert send(running, event_body(dm(text, user="UNEW")))[0] == 200
    link_people(engine, {"maria-burton": "UMARIA"})
    press(running, fake_slack, "action_done", action_id(engine, "HWB-3"), user=MARIA)
    item = paper_item(engine, "hwb-2023-10-05", "7")
    paper = {
        "action_id": "paper_submitted",
        "value": f"paper:{item.id}",
        "type": "button",
        "action_ts": "1.5",
    }
    running.button(paper, user=MARIA, response_url=fake_slack.response_url())


def load(engine, files, **options):
    with make_sessions(engine).begin() as session:
        result = load_files(session, files, now=LOAD_TIME, **options)
    assert result.ok, result.problems
    return result


def exported(engine) -> str:
    with make_sessions(engine)() as session:
        return export_yaml(session)


def action(engine, ref: str) -> m.Action:
    with make_sessions(engine)() as session:
        return session.scalar(select(m.Action).where(m.Action.ref == ref))


def slack_id(engine, person: str) -> str | None:
    with make_sessions(engine)() as session:
        return session.scalar(select(m.Person.slack_user_id).where(m.Person.key == person))


def kept(result) -> set[tuple[str, str, str]]:
    return {(" ".join(map(str, k.key)), k.field, k.reason) for k in result.kept}


def copied_demo(engine, tmp_path: Path) -> list[str]:
    """The demo files copied to `tmp_path` and loaded from there, as a secretary keeps the board's files."""
    for name in DEMO_FILES:
        shutil.copy(name, tmp_path / Path(name).name)
    files = sorted(str(p) for p in tmp_path.glob("*.yaml"))
    load(engine, files)
    return files


def edit(tmp_path: Path, *edits: tuple[str, str]) -> None:
    """Replace each (old, new) text once in the copy of hwb.yaml."""
    hwb = tmp_path / "hwb.yaml"
    text = hwb.read_text()
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    hwb.write_text(text)


HWB2_FILE = "    timescale: Autumn 2023\n    status: open\n"


def test_reloading_the_demo_keeps_every_change_made_by_message_and_button(running, fake_slack, demo_db):
    work_in_slack(running, fake_slack, demo_db)
    hwb2 = action(demo_db, "HWB-2")
    assert (hwb2.status, hwb2.due_on, hwb2.rag) == ("in_progress", date(2023, 12, 15), "amber")
    before = exported(demo_db)

    result = load(demo_db, DEMO_FILES)

    assert exported(demo_db) == before  # every change still there, history included
    assert result.changes == [] and result.conflicts == []
    assert {
        ("hwb HWB-2", "status", "unchanged file"),
        ("hwb HWB-2", "due_on", "unchanged file"),
        ("hwb HWB-2", "rag", "unchanged file"),
        ("hwb HWB-3", "status", "unchanged file"),
        ("hwb-2023-10-05 7", "paper_status", "unchanged file"),
        ("kiran-hayer", "slack_user_id", "learned id"),
        ("maria-burton", "slack_user_id", "learned id"),
    } <= kept(result)
    [line] = [k.describe() for k in result.kept if k.key == ("hwb", "HWB-2") and k.field == "due_on"]
    assert line.startswith(
        "= action hwb/HWB-2: due_on: kept 2023-12-15 (set in Slack by Kiran Hayer (message)"
    )
    assert slack_id(demo_db, "kiran-hayer") == "UNEW"


def test_a_file_change_applies_where_slack_did_not_touch_and_conflicts_where_it_did(
    running, fake_slack, demo_db, tmp_path
):
    files = copied_demo(demo_db, tmp_path)
    work_in_slack(running, fake_slack, demo_db)
    edit(
        tmp_path,
        (HWB2_FILE, "    timescale: October 2023\n    status: blocked\n"),  # Slack set status, not timescale
        (
            "    lead_text: Family Therapist YJS and EH\n    status: in_progress\n",
            "    lead_text: Family Therapist YJS and EH\n    status: done\n",
        ),
    )

    dry = load(demo_db, files, dry_run=True)
    assert [(k.key, k.field) for k in dry.conflicts] == [(("hwb", "HWB-2"), "status")]
    assert action(demo_db, "HWB-2").timescale == "Autumn 2023"  # a dry run changes nothing

    result = load(demo_db, files)

    [conflict] = result.conflicts
    assert conflict.describe().startswith(
        "! conflict action hwb/HWB-2: status: kept 'in_progress' (set in Slack by Kiran Hayer (message)"
    )
    assert "now says 'blocked'" in conflict.describe() and "--prefer-file" in conflict.describe()
    hwb2 = action(demo_db, "HWB-2")
    assert (hwb2.timescale, hwb2.status, hwb2.due_on, hwb2.rag) == (
        "October 2023",
        "in_progress",
        date(2023, 12, 15),
        "amber",
    )
    assert action(demo_db, "HWB-4").status == "done"  # changed in the file only: applied
    assert action(demo_db, "HWB-3").status == "done"  # pressed in Slack, the file unchanged: kept

    again = load(demo_db, files)  # the same file again: the conflict stands, nothing changes
    assert again.changes == [] and [(k.key, k.field) for k in again.conflicts] == [
        (("hwb", "HWB-2"), "status")
    ]


def test_prefer_file_takes_the_files_values_but_never_clears_a_learned_slack_id(
    running, fake_slack, demo_db, tmp_path
):
    files = copied_demo(demo_db, tmp_path)
    work_in_slack(running, fake_slack, demo_db)
    edit(tmp_path, (HWB2_FILE, "    timescale: Autumn 2023\n    status: blocked\n"))

    result = load(demo_db, files, prefer_file=True)

    assert result.conflicts == []
    hwb2 = action(demo_db, "HWB-2")
    assert (hwb2.status, hwb2.due_on, hwb2.rag) == ("blocked", None, None)
    assert action(demo_db, "HWB-3").status == "in_progress"
    assert paper_item(demo_db, "hwb-2023-10-05", "7").paper_status is None
    assert (slack_id(demo_db, "kiran-hayer"), slack_id(demo_db, "maria-burton")) == ("UNEW", "UMARIA")
    assert load(demo_db, files).changes == []  # the file's values are now the base: no conflict left


def test_export_edit_load_round_trips_slacks_changes(
    running, fake_slack, demo_db, tmp_path, monkeypatch, capsys
):
    """The documented workflow: `boardbot export -o`, edit the file, `boardbot load` it."""
    monkeypatch.setenv("DATABASE_URL", demo_db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BOARDBOT_NOW", "2023-09-01T10:00:00+01:00")
    work_in_slack(running, fake_slack, demo_db)
    export = tmp_path / "export.yaml"
    assert main(["export", "-o", str(export)]) == 0
    text = export.read_text()
    hwb2 = text.index("ref: HWB-2\n")
    edited = text[hwb2:].replace("timescale: Autumn 2023\n", "timescale: October 2023\n", 1)
    edited = edited.replace("status: in_progress\n", "status: done\n", 1)  # Slack said in progress
    export.write_text(text[:hwb2] + edited)
    assert send(running, event_body(dm("HWB-2 red", user="UNEW")))[0] == 200  # after the export
    capsys.readouterr()

    assert main(["load", "--dry-run", str(export)]) == 0
    dry = capsys.readouterr().out
    assert (
        "~ action hwb/HWB-2: timescale: 'Autumn 2023' -> 'October 2023'; status: 'in_progress' -> 'done'"
        in dry
    )
    assert "= action hwb/HWB-2: rag: kept 'red' (set in Slack by Kiran Hayer (message)" in dry
    assert main(["load", str(export)]) == 0
    assert "conflict" not in capsys.readouterr().out

    hwb2_now = action(demo_db, "HWB-2")
    assert (hwb2_now.timescale, hwb2_now.status, hwb2_now.due_on, hwb2_now.rag) == (
        "October 2023",
        "done",
        date(2023, 12, 15),
        "red",
    )
    assert slack_id(demo_db, "kiran-hayer") == "UNEW"
    before = exported(demo_db)
    assert load(demo_db, [str(export)]).changes == []
    again = load(demo_db, DEMO_FILES)  # the demo files as they were: they changed nothing since
    assert again.changes == [] and again.conflicts == [] and exported(demo_db) == before


def test_a_database_loaded_before_provenance_was_kept_lists_slacks_changes_as_conflicts(
    running, fake_slack, demo_db
):
    with make_sessions(demo_db).begin() as session:  # as migration 0012 leaves an existing database
        session.execute(delete(m.FieldProvenance))
        session.execute(delete(m.LoadedFile))
    link_people(demo_db, {"kiran-hayer": "UKIRAN"})
    assert send(running, event_body(dm("HWB-2 done", user="UKIRAN")))[0] == 200
    with make_sessions(demo_db).begin() as session:
        session.execute(delete(m.FieldProvenance))  # as if done before the upgrade

    result = load(demo_db, DEMO_FILES)

    assert [(k.key, k.field) for k in result.conflicts] == [(("hwb", "HWB-2"), "status")]
    assert "set before loads kept provenance" in result.conflicts[0].describe()
    assert action(demo_db, "HWB-2").status == "done" and slack_id(demo_db, "kiran-hayer") == "UKIRAN"
    assert load(demo_db, DEMO_FILES, prefer_file=True).conflicts == []
    assert action(demo_db, "HWB-2").status == "open"
