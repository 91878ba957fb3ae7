"""A secretary imports the scrutiny committee's action tracker from a spreadsheet, on both databases."""

from __future__ import annotations

import csv
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bot import models as m
from bot.boarddata import load_files, load_imported
from bot.boarddata.provenance import note_slack
from bot.db import make_sessions
from bot.importers.actions import import_tracker
from bot.importers.command import ImportFailed
from bot.importers.sheets import read_sheet
from bot.importers.tracker_export import csv_text, tracker_table, write_xlsx
from commands import actions
from tests.bot.importers.trackers import (
    demo_actions,
    demo_without_fps_actions,
    write_csv,
)
from tests.bot.importers.trackers import (
    write_xlsx as tracker_xlsx,
)
from tests.helpers import ask, text_of

FIRST = datetime(2023, 9, 1, 9, 0, tzinfo=UTC)
SECOND = datetime(2023, 9, 8, 9, 0, tzinfo=UTC)
WRITERS = {"csv": write_csv, "xlsx": tracker_xlsx}
COMPARED = (
    "meeting",
    "agenda_item",
    "description",
    "lead",
    "lead_text",
    "due_on",
    "timescale",
    "status",
    "rag",
)


@pytest.fixture
def fps_board(fresh_db, tmp_path):
    """The demo boards with the scrutiny committee's board, meetings and agenda, and none of its actions."""
    with make_sessions(fresh_db).begin() as session:
        result = load_files(session, demo_without_fps_actions(tmp_path), now=FIRST)
        assert result.ok, result.problems
    return fresh_db


def run(engine, path, now, board="fps", notes=None, **options):
    with make_sessions(engine).begin() as session:
        item = import_tracker(session, path, read_sheet(path), board, warn=(notes or []).append)
        result = load_imported(session, [item], now=now, **options)
        assert result.ok, result.problems
        return result


def recorded(engine, board="fps") -> dict[str, dict]:
    with make_sessions(engine)() as session:
        rows = session.scalars(
            select(m.Action)
            .join(m.Board)
            .where(m.Board.key == board)
            .options(
                joinedload(m.Action.meeting), joinedload(m.Action.agenda_item), joinedload(m.Action.lead)
            )
        ).all()
        return {
            a.ref: {
                "meeting": a.meeting.key if a.meeting else None,
                "agenda_item": a.agenda_item.number if a.agenda_item else None,
                "description": a.description,
                "lead": a.lead.key if a.lead else None,
                "lead_text": a.lead_text,
                "due_on": a.due_on,
                "timescale": a.timescale,
                "status": a.status,
                "rag": a.rag,
                "progress": a.progress,
                "status_text": a.status_text,
            }
            for a in rows
        }


def history(engine, ref: str) -> list[tuple]:
    with make_sessions(engine)() as session:
        return [
            (u.field, u.old, u.new, u.via, u.note)
            for u in session.scalars(
                select(m.ActionUpdate).join(m.Action).where(m.Action.ref == ref).order_by(m.ActionUpdate.seq)
            )
        ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_scrutiny_tracker_matches_the_demos_46_actions_field_by_field(fps_board, tmp_path, kind):
    path = WRITERS[kind](tmp_path / f"fps-tracker.{kind}")
    notes: list[str] = []
    result = run(fps_board, path, FIRST, notes=notes)
    assert notes == []
    assert result.summary().startswith("actions: 46 new, 0 changed")
    found = recorded(fps_board)
    assert len(found) == 46
    for action in demo_actions():
        got = found[action["ref"]]
        for name in COMPARED:
            assert got[name] == action.get(name), (action["ref"], name)
        # the tracker's one column "Status/Update" is the progress as written and says the status
        assert got["progress"] == action["progress"] and got["status_text"] is None


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_importing_twice_changes_nothing_and_a_changed_row_is_one_history_row(fps_board, tmp_path, kind):
    path = WRITERS[kind](tmp_path / f"fps-tracker.{kind}")
    run(fps_board, path, FIRST)
    again = run(fps_board, path, SECOND)
    assert again.changes == [] and again.summary().startswith("nothing to change (46 records")

    WRITERS[kind](path, changes={"FPS-2": "Completed"})
    changed = run(fps_board, path, SECOND)
    assert [c.describe() for c in changed.changes] == [
        "~ action fps/FPS-2: status: 'in_progress' -> 'done'; progress: 'In progress' -> 'Completed'",
        "+ new action update fps/FPS-2/1",
        "+ new action update fps/FPS-2/2",
    ]
    note = "via spreadsheet (spreadsheet fps-tracker board fps)"
    assert history(fps_board, "FPS-2") == [
        ("status", "in_progress", "done", "import", note),
        ("progress", "In progress", "Completed", "import", note),
    ]
    assert recorded(fps_board)["FPS-3"]["status"] == "in_progress"  # the other rows are left alone
    shown = text_of(ask(fps_board, actions.run, "actions", "family and people services FPS-2", now=SECOND))
    assert "1. Fri 8 Sep 2023 · import · status: In progress → Done · imported via spreadsheet" in shown


def test_a_status_changed_in_slack_is_kept_and_reported_when_the_tracker_changes_it_too(fps_board, tmp_path):
    path = write_csv(tmp_path / "fps-tracker.csv")
    run(fps_board, path, FIRST)
    with make_sessions(fps_board).begin() as session:
        action = session.scalars(select(m.Action).where(m.Action.ref == "FPS-5")).one()
        action.status = "blocked"
        note_slack(session, action.board.workspace_id, "actions", action.id, ["status"], by="U0FIELDSEND")
    write_csv(path, changes={"FPS-5": "Completed"})
    result = run(fps_board, path, SECOND)
    assert [(k.field, k.current, k.file_value) for k in result.conflicts] == [("status", "blocked", "done")]
    got = recorded(fps_board)["FPS-5"]
    assert got["status"] == "blocked" and got["progress"] == "Completed"


HWB_TRACKER = """\
Health & Wellbeing Board,,,,,,
Action log (updated after each meeting),,,,,,
,,,,,,
Action no.,Description,Owner,Deadline,Status,Progress,RAG
1,Share the dashboard with partners,Cllr Josh Rendall,30/06/2023,Complete,Sent 3 May,G
2,Review the plan,khayer@westminster.gov.uk,Autumn 2023,On track,,Amber/Green
3,Report back on the audit,YJS and Partners,,Not started,,
"""


def test_leads_statuses_rag_and_timescales_of_an_officers_tracker(demo_db, tmp_path):
    path = tmp_path / "hwb-log.csv"
    path.write_text(
        HWB_TRACKER.replace("\n1,", "\nHWB-901,").replace("\n2,", "\nHWB-902,").replace("\n3,", "\nHWB-903,")
    )
    run(demo_db, path, FIRST, board="hwb")
    found = recorded(demo_db, "hwb")
    assert {ref: found[ref]["lead"] for ref in ("HWB-901", "HWB-902", "HWB-903")} == {
        "HWB-901": "josh-rendall",  # by name, honorific aside
        "HWB-902": "kiran-hayer",  # by e-mail, whatever its case
        "HWB-903": None,
    }
    assert found["HWB-903"]["lead_text"] == "YJS and Partners"
    assert (found["HWB-901"]["status"], found["HWB-901"]["status_text"]) == ("done", "Complete")
    assert (found["HWB-902"]["status"], found["HWB-902"]["status_text"]) == ("in_progress", "On track")
    assert (found["HWB-903"]["status"], found["HWB-903"]["status_text"]) == ("open", "Not started")
    assert found["HWB-901"]["due_on"] == date(2023, 6, 30)
    assert found["HWB-902"]["timescale"] == "Autumn 2023" and found["HWB-902"]["due_on"] is None
    with make_sessions(demo_db)() as session:
        rows = {a.ref: a for a in session.scalars(select(m.Action).where(m.Action.ref.like("HWB-90%")))}
        assert rows["HWB-902"].due_by == date(2023, 11, 30)  # derived from "Autumn 2023"
        assert (rows["HWB-901"].rag, rows["HWB-901"].rag_text) == ("green", "G")
        assert (rows["HWB-902"].rag, rows["HWB-902"].rag_text) == ("amber", "Amber/Green")


def test_a_tracker_without_references_matches_rows_to_actions_by_their_text(fps_board, tmp_path):
    path = write_csv(tmp_path / "fps-tracker.csv")
    run(fps_board, path, FIRST)
    bare = tmp_path / "no-refs.csv"
    with path.open(newline="") as source, bare.open("w", newline="") as target:
        csv.writer(target).writerows(row[1:] for row in csv.reader(source))
    assert run(fps_board, bare, SECOND).changes == []


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_exported_tracker_imports_back_unchanged(demo_db, tmp_path, kind):
    with make_sessions(demo_db)() as session:
        title, rows = tracker_table(session, "hwb")
    path = tmp_path / f"hwb-actions.{kind}"
    if kind == "csv":
        path.write_text(csv_text(title, rows), encoding="utf-8")
    else:
        write_xlsx(path, title, rows)
    assert len(rows) == 116 and rows[0][0] == "CS-1"
    assert run(demo_db, path, SECOND, board="hwb").changes == []


def test_an_exported_formula_stays_text(demo_db, tmp_path):
    title, rows = "T", [["A-1", None, None, '=HYPERLINK("http://x")', None, None, None, "Open", None, None]]
    assert '\'=HYPERLINK(""http://x"")' in csv_text(title, rows)
    write_xlsx(tmp_path / "t.xlsx", title, rows)
    assert read_sheet(tmp_path / "t.xlsx").rows[2][3] == '=HYPERLINK("http://x")'


def failure(path, board_engine=None, sheet=None) -> str:
    with pytest.raises(ImportFailed) as caught:
        sheet_read = read_sheet(path, sheet)
        with make_sessions(board_engine).begin() as session:
            import_tracker(session, path, sheet_read, "fps")
    return str(caught.value)


def test_a_50_mb_spreadsheet_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert failure(path) == (
        f"{path}: 50 MB is far larger than an action tracker (at most 20 MB is read); "
        "save only the tracker's sheet, as CSV or XLSX"
    )


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    message = failure(path)
    assert message.startswith(f"{path}: the workbook would expand to 120 MB from 0.1 MB (a zip bomb")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"%PDF-1.7\n...", "a PDF, not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "an old Excel 97-2003 (.xls) workbook"),
        (b"PK\x03\x04 not really a zip", "not a spreadsheet (a damaged or non-Excel zip file"),
        (b"\x00\x01\x02binary", "not a spreadsheet (binary data)"),
    ],
)
def test_what_is_not_a_spreadsheet_is_named(tmp_path, content, expected):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(content)
    assert failure(path).startswith(f"{path}: {expected}")


def test_a_sheet_without_a_recognisable_header_says_what_it_found_and_expects(fps_board, tmp_path):
    path = tmp_path / "budget.csv"
    path.write_text("Budget line,Amount,Owner\nStaffing,1200,Finance\n")
    message = failure(path, fps_board)
    assert message.startswith(
        f"{path}: no header row with an action column in the first 30 rows; found 'Budget line', 'Amount', "
        "'Owner'; expected headers such as Ref, Action/Description, Lead/Owner"
    )


def test_an_unknown_board_and_a_missing_sheet_are_named(fps_board, tmp_path):
    path = write_csv(tmp_path / "fps-tracker.csv")
    with (
        make_sessions(fps_board)() as session,
        pytest.raises(ImportFailed, match="--board fsp: no such board"),
    ):
        import_tracker(session, path, read_sheet(path), "fsp")
    book = tracker_xlsx(tmp_path / "fps-tracker.xlsx")
    assert failure(book, fps_board, sheet="Actions") == (
        f"{book}: no worksheet 'Actions'; the workbook has: Action tracker"
    )


def test_the_command_line_dry_run_import_again_and_export(monkeypatch, fresh_url, tmp_path, capsys):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.delenv("BOARDBOT_NOW", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["load", *map(str, demo_without_fps_actions(tmp_path))]) == 0
    path = str(tracker_xlsx(tmp_path / "fps-tracker.xlsx"))
    capsys.readouterr()
    assert main(["import", "actions", path, "--board", "fps", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+ new action fps/FPS-46" in out
    assert out.endswith("Dry run, nothing changed. Would import: actions: 46 new, 0 changed; 0 unchanged\n")
    assert main(["import", "actions", path, "--board", "fps"]) == 0
    assert capsys.readouterr().out == (
        "Imported spreadsheet fps-tracker board fps: actions: 46 new, 0 changed; 0 unchanged\n"
    )
    assert main(["import", "actions", path, "--board", "fps"]) == 0
    assert "nothing to change (46 records already up to date)" in capsys.readouterr().out

    assert main(["import", "actions", path, "--board", "fsp"]) == 1
    assert capsys.readouterr().err.startswith(
        "Nothing was imported: --board fsp: no such board in the database"
    )

    out_path = tmp_path / "back.xlsx"
    assert main(["export", "actions", "--board", "fps", "-o", str(out_path)]) == 0
    assert main(["export", "actions", "--board", "fps", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "Family and People Services Policy and Scrutiny Committee: action tracker",
        "Ref,Meeting,Agenda item,Action,Lead,Due,Timescale,Status,RAG,Update",
        "FPS-1,17 October 2019,4,Requested that the Ofsted report be circulated.,,,,Done,,Completed",
    ]
    assert main(["import", "actions", str(out_path), "--board", "fps", "--dry-run"]) == 0
    assert "nothing to change (46 records" in capsys.readouterr().out
    assert main(["export", "actions", "--board", "fps"]) == 0  # csv to standard output by default
    assert main(["export", "actions", "--board", "fps", "--format", "xlsx"]) == 2
    assert "add -o FILE.xlsx" in capsys.readouterr().err
