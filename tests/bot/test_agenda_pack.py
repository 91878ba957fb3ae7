"""`boardbot import agenda-pack`: the two seed packs, as text and as PDF, against the hand-made demo data."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bench.pdfpack import image_only_pdf, write_pdf
from bot import models as m
from bot.boarddata import load_imported
from bot.db import make_sessions
from bot.importers import agenda_pack, pack_text
from bot.importers.command import ImportFailed

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
PACKS = {
    "hwb": (
        ROOT / "data/sources/hwb-2023-10-05-pack.txt",
        ["hwb-2023-10-05", "hwb-2023-11-23", "hwb-2023-06-08"],
    ),
    "fps": (ROOT / "data/sources/fps-2019-11-25-pack.txt", ["fps-2019-11-25", "fps-2019-10-17"]),
}
MEETING_FIELDS = ("date", "start_time", "venue", "host", "status")
ITEM_FIELDS = (
    "title",
    "purpose",
    "pages",
    "presenter",
    "report_author",
    "report_author_person",
    "report_co_author_person",
    "paper_status",
    "restricted",
    "outcome",
)

# Every difference between what the importer reads and the demo data written by hand, and why.
# (record, field): who is right.
HAND_ONLY = "hand-written: not stated as such in the pack (an inference or a summary), importer leaves it out"
IMPORTER_MORE = "importer: the item's pages are in this pack, so its paper is published; the demo left it out"
TITLE_CASE = "same words: the pack writes titles in capitals, the FPS demo data retyped them in title case"
KNOWN: dict[tuple[str, str], str] = {
    ("hwb-2023-10-05", "host"): HAND_ONLY,  # demo: rbkc, from the cover's borough and the W11 venue
    ("fps-2019-11-25", "host"): HAND_ONLY,  # demo: wcc, from the City of Westminster cover
    ("fps-2019-10-17", "host"): HAND_ONLY,
    ("hwb-2023-10-05/4", "paper_status"): IMPORTER_MORE,
    ("hwb-2023-10-05/6", "paper_status"): IMPORTER_MORE,
    ("hwb-2023-10-05/7", "paper_status"): IMPORTER_MORE,
}
for number in range(1, 10):
    KNOWN[(f"fps-2019-11-25/{number}", "title")] = TITLE_CASE
    KNOWN[(f"fps-2019-10-17/{number}", "title")] = TITLE_CASE
# Minutes summarised by hand where the pack minutes several paragraphs (the importer keeps only
# a resolution, or a minute of one paragraph).
for record in (
    "hwb-2023-06-08/6",
    "hwb-2023-06-08/7",
    "hwb-2023-06-08/8",
    "hwb-2023-06-08/9",
    "hwb-2023-06-08/10",
):
    KNOWN[(record, "outcome")] = HAND_ONLY
for record in ("fps-2019-10-17/4", "fps-2019-10-17/6"):
    KNOWN[(record, "outcome")] = HAND_ONLY
for record in (
    "hwb-2023-06-08/6",
    "hwb-2023-06-08/7",
    "hwb-2023-06-08/8",
    "hwb-2023-06-08/9",
    "hwb-2023-06-08/10",
    "fps-2019-10-17/4",
    "fps-2019-10-17/5",
    "fps-2019-10-17/6",
    "fps-2019-10-17/7",
    "fps-2019-10-17/8",
):
    KNOWN[(record, "presenter")] = HAND_ONLY  # named in the minutes' text, not as presenter


def demo() -> tuple[dict, dict]:
    """The demo data's meetings and agenda items by key, hosts and people as names."""
    records: dict[str, list] = {}
    for path in sorted((ROOT / "data/demo").glob("*.yaml")):
        for kind, rows in yaml.safe_load(path.read_text()).items():
            if isinstance(rows, list):
                records.setdefault(kind, []).extend(rows)
    orgs = {o["key"]: o["name"] for o in records["organisations"]}
    people = {p["key"]: p["name"] for p in records["people"]}
    meetings = {}
    for row in records["meetings"]:
        row = dict(row, host=orgs.get(row.get("host")), date=row["date"])
        meetings[row["key"]] = {f: row.get(f) for f in MEETING_FIELDS}
    items = {}
    for row in records["agenda_items"]:
        row = dict(row)
        for name in ("report_author_person", "report_co_author_person"):
            row[name] = people.get(row.get(name))
        row.setdefault("restricted", False)
        items[f"{row['meeting']}/{row['number']}"] = {f: row.get(f) for f in ITEM_FIELDS}
    return meetings, items


def imported(engine, board: str, path: Path) -> tuple[dict, dict]:
    read = agenda_pack.read(argparse.Namespace(file=str(path), board=board))
    with make_sessions(engine).begin() as session:
        result = load_imported(session, read, now=NOW)
        assert result.ok, result.problems
    with make_sessions(engine)() as session:
        meetings = {
            row.key: {
                "date": row.meets_on,
                "start_time": row.starts_at.strftime("%H:%M") if row.starts_at else None,
                "venue": row.venue,
                "host": row.host.name if row.host else None,
                "status": row.status,
            }
            for row in session.scalars(select(m.Meeting).options(joinedload(m.Meeting.host)))
        }
        items = {}
        for row in session.scalars(select(m.AgendaItem).options(joinedload(m.AgendaItem.meeting))):
            fields = {f: getattr(row, f) for f in ITEM_FIELDS if not f.endswith("_person")}
            fields["report_author_person"] = row.report_author_person and row.report_author_person.name
            fields["report_co_author_person"] = (
                row.report_co_author_person and row.report_co_author_person.name
            )
            items[f"{row.meeting.key}/{row.number}"] = fields
    return meetings, items


def differences(board: str, meetings: dict, items: dict) -> dict[tuple[str, str], tuple]:
    want_meetings, want_items = demo()
    keys = PACKS[board][1]
    assert sorted(meetings) == sorted(keys)
    found: dict[tuple[str, str], tuple] = {}
    for key in keys:
        for name in MEETING_FIELDS:
            if meetings[key][name] != want_meetings[key][name]:
                found[(key, name)] = (meetings[key][name], want_meetings[key][name])
    wanted = {k: v for k, v in want_items.items() if k.split("/")[0] in keys}
    assert sorted(items) == sorted(wanted), "item for item"
    for key, fields in items.items():
        for name in ITEM_FIELDS:
            if fields[name] != wanted[key][name]:
                found[(key, name)] = (fields[name], wanted[key][name])
    return found


@pytest.mark.parametrize("board", ["hwb", "fps"])
def test_a_seed_pack_into_an_empty_database_gives_the_demo_meetings_and_agenda(fresh_db, board):
    meetings, items = imported(fresh_db, board, PACKS[board][0])
    found = differences(board, meetings, items)
    mine = {k: v for k, v in KNOWN.items() if k[0].startswith(board)}
    assert sorted(found) == sorted(mine), (
        {k: v for k, v in found.items() if k not in mine},
        set(mine) - set(found),
    )
    for (record, name), (got, want) in found.items():
        if KNOWN[(record, name)] == TITLE_CASE:
            assert got.casefold() == want.casefold()


@pytest.mark.parametrize("board", ["hwb", "fps"])
def test_the_pdf_of_a_seed_pack_reads_as_its_text(tmp_path, board):
    path = PACKS[board][0]
    pdf = write_pdf(path.read_text(), tmp_path / f"{board}.pdf")

    def records(file: Path) -> dict:
        data = yaml.safe_load(agenda_pack.read(argparse.Namespace(file=str(file), board=board))[0].text)
        for rows in data.values():
            for row in rows if isinstance(rows, list) else []:
                row.pop("source", None)
                row.pop("file", None)
        return data

    assert records(pdf) == records(path)


def read(path: Path, board: str = "hwb"):
    return agenda_pack.read(argparse.Namespace(file=str(path), board=board))


def test_a_pdf_with_no_text_layer_is_named_and_not_guessed(tmp_path):
    scan = image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ImportFailed, match=r"scan.pdf: the PDF has no text layer \(2 pages of images\)"):
        read(scan)


def test_a_file_that_is_not_a_pdf_says_so(tmp_path):
    fake = tmp_path / "pack.pdf"
    fake.write_text("<html><body>Service unavailable</body></html>")
    with pytest.raises(ImportFailed, match=r"pack.pdf: not a PDF"):
        read(fake)


def test_a_broken_pdf_says_so(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(ImportFailed, match=r"broken.pdf: "):
        read(broken)


def test_an_encrypted_pdf_asks_for_an_unprotected_copy(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(PACKS["hwb"][0].read_text()[:3000], tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(ImportFailed, match=r"locked.pdf: the PDF is encrypted"):
        read(locked)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(pack_text, "MAX_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000)
    with pytest.raises(ImportFailed, match=r"big.txt: .* larger than"):
        read(big)


def test_text_that_is_no_agenda_pack_says_what_was_missing(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping list\nMilk\n")
    with pytest.raises(ImportFailed, match=r"notes.txt: not an agenda pack .* found no agenda"):
        read(notes)


RESTRICTED = """Committee Agenda
Title: Health & Wellbeing Board
Meeting Date: Thursday 7th March, 2024
Time: 10.00 am
Venue: Town Hall, Hornton Street, London, W8 7NX
AGENDA
PART 1 (IN PUBLIC)
1. MINUTES (Pages 1 - 4)
To agree the minutes.
PART 2 (IN PRIVATE)
2. CONTRACT AWARD: HOME CARE (Pages 5 - 9)
Exempt: information relating to the financial affairs of any particular person.
Stuart Love Chief Executive
28 February 2024

MINUTES
Minutes of a meeting of the Health & Wellbeing Board held on Thursday 18 January 2024 in the
Council Chamber, Town Hall, Hornton Street, London, W8 7NX.
1 BETTER CARE FUND
1.1 The Board discussed the plan.
ACTION: Officers to circulate the final plan to members.
RESOLVED:
1.2 That the plan be agreed.
The Meeting ended at 6.05 pm
"""


def test_items_in_part_2_are_restricted(tmp_path):
    pack = tmp_path / "march.txt"
    pack.write_text(RESTRICTED)
    data = yaml.safe_load(read(pack)[0].text)
    this = [i for i in data["agenda_items"] if i["meeting"] == "hwb-2024-03-07"]
    assert [(i["number"], i.get("restricted", False)) for i in this] == [
        ("1", False),
        ("2", True),
    ]
    assert data["meetings"][0]["start_time"] == "10:00"


def test_minutes_in_a_pack_give_the_previous_meeting_its_decisions_and_actions(tmp_path):
    pack = tmp_path / "march.txt"
    pack.write_text(RESTRICTED)
    data = yaml.safe_load(read(pack)[0].text)
    before = data["meetings"][-1]
    assert (before["key"], before["venue"]) == (
        "hwb-2024-01-18",
        "the Council Chamber, Town Hall, Hornton Street, London, W8 7NX",
    )
    assert [i["outcome"] for i in data["agenda_items"] if i["meeting"] == "hwb-2024-01-18"] == [
        "RESOLVED: That the plan be agreed."
    ]
    assert [(a["ref"], a["agenda_item"], a["description"], a["status"]) for a in data["actions"]] == [
        ("HWB-2024011801", "1", "Officers to circulate the final plan to members.", "open")
    ]
    assert {ms["starts_on"] for ms in data["memberships"]} <= {date(2024, 2, 28)}


def cli(*args: str, database: str) -> tuple[int, str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "DATABASE_URL": database, "BOARDBOT_NOW": "2023-09-01T09:00:00+01:00"},
        cwd=ROOT,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


def test_the_command_shows_first_applies_with_yes_and_a_second_run_changes_nothing(tmp_path):
    database = f"sqlite:///{tmp_path / 'b.db'}"
    pack = str(PACKS["hwb"][0])
    assert cli("db", "upgrade", database=database)[0] == 0
    code, out, err = cli("import", "agenda-pack", pack, "--board", "hwb", database=database)
    assert code == 1 and "+ new agenda item hwb-2023-10-05/7" in out
    assert "Nothing was imported: add --yes to apply these changes." in err
    code, out, _ = cli("import", "agenda-pack", pack, "--board", "hwb", "--dry-run", database=database)
    assert code == 0 and "Dry run, nothing changed" in out and "agenda_items: 20 new" in out
    code, out, _ = cli("import", "agenda-pack", pack, "--board", "hwb", "--yes", database=database)
    assert code == 0 and "agenda_items: 20 new" in out
    code, out, _ = cli("import", "agenda-pack", pack, "--board", "hwb", database=database)
    assert code == 0 and "nothing to change" in out
    code, _, err = cli("import", "agenda-pack", "missing.pdf", "--board", "hwb", database=database)
    assert code == 1 and "Nothing was imported: missing.pdf: no such file" in err


@pytest.mark.parametrize("answer, applied", [("y", True), ("", False)])
def test_on_a_terminal_it_asks_before_applying(fresh_db, monkeypatch, capsys, answer, applied):
    from bot.config import Settings
    from bot.importers.command import run_import

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: answer)
    args = argparse.Namespace(
        file=str(PACKS["fps"][0]),
        board="fps",
        yes=False,
        dry_run=False,
        prefer_source=False,
        workspace=None,
        confirm=True,
        read=agenda_pack.read,
    )
    code = run_import(args, Settings.from_env(), fresh_db)
    out = capsys.readouterr().out
    assert "+ new meeting fps-2019-11-25" in out
    with make_sessions(fresh_db)() as session:
        assert (
            session.scalar(select(m.Meeting.key).where(m.Meeting.key == "fps-2019-11-25")) is not None
        ) is applied
    assert code == (0 if applied else 1)


def test_members_are_seated_from_the_minuted_meeting_they_attended_in_the_same_role():
    data = yaml.safe_load(read(PACKS["fps"][0], "fps")[0].text)
    seats = {(s["person"], s["role"], s["starts_on"]) for s in data["memberships"]}
    demo_seats = {
        (s["person"], s["role"], s.get("starts_on"))
        for s in yaml.safe_load((ROOT / "data/demo/scrutiny.yaml").read_text())["memberships"]
        if s["person"] != "matt-noble"  # a substitute for one meeting, minuted only in prose
    }
    assert seats == demo_seats
    hwb = {s["person"]: s["starts_on"] for s in yaml.safe_load(read(PACKS["hwb"][0])[0].text)["memberships"]}
    # Present on 8 June 2023 as members; the co-chairs were not minuted as chairs, so from the agenda's date.
    assert hwb["bernie-flaherty"] == date(2023, 6, 8)
    assert hwb["nafsika-butler-thalassis"] == hwb["josh-rendall"] == date(2023, 9, 27)


def test_a_pack_imported_over_the_demo_data_leaves_what_it_does_not_state(demo_db):
    result_items = agenda_pack.read(argparse.Namespace(file=str(PACKS["fps"][0]), board="fps"))
    with make_sessions(demo_db).begin() as session:
        result = load_imported(session, result_items, now=NOW)
        assert result.ok and not result.conflicts
    changed = {(c.kind.name, name) for c in result.changes for name, _, _ in c.diffs or ()}
    assert ("meetings", "host") not in changed and ("people", "organisation") not in changed
    with make_sessions(demo_db)() as session:
        meeting = session.scalars(select(m.Meeting).where(m.Meeting.key == "fps-2019-11-25")).one()
        assert meeting.host is not None and meeting.host.short_name == "WCC"
        assert meeting.notes.startswith("Agenda issued 15 November 2019")
