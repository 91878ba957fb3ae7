"""`boardbot export actions --board KEY --format xlsx|csv`: a board's actions as a spreadsheet tracker.

For secretaries who keep the tracker in a spreadsheet: the columns are ones `boardbot import actions`
reads back, statuses and RAG as the tracker wrote them where they still say the same, so exporting,
editing and importing again changes only what was edited.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.db import make_sessions
from bot.importers import tracker as t
from bot.importers.command import ImportFailed
from bot.importers.tracker_board import board_context

HEADER = ["Ref", "Meeting", "Agenda item", "Action", "Lead", "Due", "Timescale", "Status", "RAG", "Update"]
STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "blocked": "Blocked",
    "cancelled": "Cancelled",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def add_export_parser(export) -> None:
    """`boardbot export actions …` beside the plain `boardbot export` of the whole database."""
    what = export.add_subparsers(dest="export_command", metavar="WHAT")
    one = what.add_parser("actions", help="a board's actions as a spreadsheet tracker (xlsx or csv)")
    one.add_argument("--board", required=True, metavar="KEY", help="the board whose actions to write")
    one.add_argument("--format", choices=("xlsx", "csv"), help="default: from -o's extension, else csv")
    one.add_argument("-o", "--output", metavar="FILE", help="write to FILE (an xlsx needs one)")
    one.add_argument("--workspace", metavar="TEAM_ID", help="the board's workspace, when several have it")
    one.set_defaults(run=run_export)


def run_export(args, settings, engine) -> int:
    kind = args.format or (Path(args.output).suffix.lower().lstrip(".") if args.output else "csv")
    if kind not in ("xlsx", "csv"):
        print(f"boardbot: {args.output}: write .xlsx or .csv (or say --format)", file=sys.stderr)
        return 2
    if kind == "xlsx" and not args.output:
        print("boardbot: an xlsx tracker is written to a file: add -o FILE.xlsx", file=sys.stderr)
        return 2
    try:
        with make_sessions(engine)() as session:
            title, rows = tracker_table(session, args.board, args.workspace)
    except ImportFailed as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 2
    if kind == "xlsx":
        write_xlsx(Path(args.output), title, rows)
    elif args.output:
        Path(args.output).write_text(csv_text(title, rows), encoding="utf-8-sig", newline="")
    else:
        sys.stdout.write(csv_text(title, rows))
    if args.output:
        print(f"Exported {len(rows)} actions of {args.board} to {args.output}", file=sys.stderr)
    return 0


def tracker_table(session: Session, board: str, team_id: str | None = None) -> tuple[str, list[list]]:
    """The tracker's title and one row per action of the board, in reference order."""
    context = board_context(session, board, team_id)
    actions = session.scalars(
        select(m.Action)
        .join(m.Board)
        .join(m.Workspace)
        .where(m.Board.key == board, m.Workspace.team_id == context.team_id)
        .options(joinedload(m.Action.meeting), joinedload(m.Action.agenda_item), joinedload(m.Action.lead))
    ).all()
    name = session.scalars(
        select(m.Board.name)
        .join(m.Workspace)
        .where(m.Board.key == board, m.Workspace.team_id == context.team_id)
    ).one()
    rows = [_row(a) for a in sorted(actions, key=lambda a: _ref_order(a.ref))]
    return f"{name}: action tracker", rows


def _ref_order(ref: str) -> tuple:
    prefix, _, number = ref.partition("-")
    return (prefix, int(number) if number.isdigit() else 0, ref)


def _row(action: m.Action) -> list:
    status = STATUS_LABELS[action.status]
    if action.status_text and t.normal_status(action.status_text) == action.status:
        status = action.status_text
    rag = action.rag.capitalize() if action.rag else None
    if action.rag_text and t.normal_rag(action.rag_text) == action.rag:
        rag = action.rag_text
    lead = action.lead_text or (action.lead.name if action.lead else None)
    return [
        action.ref,
        action.meeting.meets_on if action.meeting else None,
        action.agenda_item.number if action.agenda_item else None,
        action.description,
        lead,
        action.due_on,
        action.timescale,
        status,
        rag,
        action.progress,
    ]


def _safe(value):
    """Text a spreadsheet would run as a formula ("=HYPERLINK(…)") is written with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(title: str, rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title])
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(["" if v is None else _safe(t.display(v) if isinstance(v, date) else v) for v in row])
    return out.getvalue()


def write_xlsx(path: Path, title: str, rows: list[list]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(cell.value, date):
                cell.number_format = "d mmmm yyyy"
    for letter, width in zip("ABCDEFGHIJ", (9, 16, 8, 60, 24, 16, 18, 14, 8, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)
