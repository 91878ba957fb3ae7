"""The scrutiny committee's action tracker as a secretary keeps it, written as CSV and XLSX.

The rows come from the demo's 46 `fps` actions (data/demo/scrutiny.yaml, written by hand from the
tracker in data/sources/fps-2019-11-25-pack.txt, lines 1608-1676) and are laid out as the council
laid the tracker out: a title row, one section per meeting ("ROUND TWO 17 OCTOBER 2019"), the agenda
item once per group (a merged cell in the workbook), the update saying the status. The tracker names
no leads and no timescales, so those columns are empty, as a real tracker's often are.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import yaml

ROOT = Path(__file__).resolve().parents[3]
SCRUTINY = ROOT / "data" / "demo" / "scrutiny.yaml"
TITLE = "Family and People Services Policy and Scrutiny Committee Action Tracker"
HEADER = ["Ref", "Agenda Item", "Action", "Lead officer", "Timescale", "Status/Update"]
ROUNDS = {  # as the tracker heads each meeting's section (source lines 1610-1666)
    "fps-2019-10-17": "ROUND TWO 17 OCTOBER 2019",
    "fps-2019-06-17": "ROUND ONE 17 JUNE 2019",
    "fps-2019-04-01": "ROUND FIVE 1 APRIL 2019",
    "fps-2019-02-04": "ROUND FOUR 4 FEBRUARY 2019",
    "fps-2018-12-03": "ROUND THREE 3 DECEMBER 2018",
    "fps-2018-10-15": "ROUND TWO 15 OCTOBER 2018",
}


def demo() -> dict:
    return yaml.safe_load(SCRUTINY.read_text(encoding="utf-8"))


def demo_actions() -> list[dict]:
    return [a for a in demo()["actions"] if a["board"] == "fps"]


def demo_without_fps_actions(tmp_path: Path) -> list[Path]:
    """The demo files with the scrutiny committee's actions cut out: the board, none of its actions."""
    files = []
    for path in sorted((ROOT / "data" / "demo").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if path == SCRUTINY:
            start, end = text.index("\nactions:\n"), text.index("\nkpis:\n")
            text = text[:start] + text[end:]
        target = tmp_path / path.name
        target.write_text(text, encoding="utf-8")
        files.append(target)
    return files


def tracker_rows(changes: dict[str, str] | None = None) -> list[tuple[str, list]]:
    """("title" | "blank" | "header" | "section" | "row", cells); `changes` sets a ref's update."""
    titles = {(i["meeting"], str(i["number"])): i["title"] for i in demo()["agenda_items"]}
    rows: list[tuple[str, list]] = [("title", [TITLE]), ("blank", []), ("header", HEADER)]
    meeting = item = None
    for action in demo_actions():
        if action["meeting"] != meeting:
            meeting, item = action["meeting"], None
            rows.append(("section", [ROUNDS[meeting]]))
        number = int(action["ref"].split("-")[1])
        agenda = None
        if action["agenda_item"] != item:
            item = action["agenda_item"]
            agenda = f"Item {item}: {titles[(meeting, item)]}"
        update = (changes or {}).get(action["ref"], action["progress"])
        rows.append(("row", [number, agenda, action["description"], None, None, update]))
    return rows


def write_csv(path: Path, changes: dict[str, str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        for _, cells in tracker_rows(changes):
            out.writerow(["" if c is None else c for c in cells])
    return path


def write_xlsx(path: Path, changes: dict[str, str] | None = None) -> Path:
    """The same tracker as a workbook: merged title and section rows, agenda items merged down."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action tracker"
    width = len(HEADER)
    group_start = None
    for number, (kind, cells) in enumerate(tracker_rows(changes), start=1):
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=number, column=column, value=value)
        if kind in ("title", "section"):
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
        if kind == "row" and cells[1] is not None or kind != "row":
            if group_start is not None and number - 1 > group_start:
                sheet.merge_cells(start_row=group_start, start_column=2, end_row=number - 1, end_column=2)
            group_start = number if kind == "row" else None
    if group_start is not None and sheet.max_row > group_start:
        sheet.merge_cells(start_row=group_start, start_column=2, end_row=sheet.max_row, end_column=2)
    workbook.save(path)
    return path
