"""`boardbot import actions FILE --board KEY`: a spreadsheet action tracker into a board's actions.

Each row with an action becomes an action record in the board-data format, referring to the board,
its meetings and people by key, and is merged like a reload (bot.boarddata.load_imported): a second
import changes only what the spreadsheet changed, and keeps what members changed in Slack.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.boarddata import Imported
from bot.importers import tracker as t
from bot.importers.command import ImportFailed
from bot.importers.sheets import Cell, Sheet, read_sheet
from bot.importers.tracker_board import BoardContext, board_context, match_lead, plain

NAME = "actions"
HELP = "import a spreadsheet action tracker (CSV or XLSX) into a board's actions"
VIA = "spreadsheet"


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="the tracker: a .csv or .xlsx file")
    parser.add_argument("--board", required=True, metavar="KEY", help="the board the actions belong to")
    parser.add_argument("--sheet", metavar="NAME", help="the worksheet (default: the workbook's first)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help=f"read column COLUMN as FIELD, when its header is not recognised ({', '.join(t.FIELDS)}, ignore)",
    )


def read(args) -> list[Imported]:
    """Read the tracker against the board as the database has it (its people, meetings, actions)."""
    from bot.config import Settings
    from bot.db import make_engine, make_sessions

    sheet = read_sheet(args.file, args.sheet)
    engine = make_engine(Settings.from_env().database_url)
    try:
        with make_sessions(engine)() as session:
            return [
                import_tracker(
                    session,
                    args.file,
                    sheet,
                    args.board,
                    maps=args.map,
                    team_id=args.workspace,
                    sheet_named=args.sheet is not None,
                )
            ]
    finally:
        engine.dispose()


def tracker_key(path: str | Path, board: str, sheet: str | None = None) -> str:
    """The tracker's name in provenance: its file name without extension, so the CSV and XLSX of one
    tracker, or a copy in another folder, are the same source; a renamed tracker is a new one."""
    return f"spreadsheet {Path(path).stem} board {board}" + (f" sheet {sheet}" if sheet else "")


def import_tracker(
    session: Session,
    path: str | Path,
    sheet: Sheet,
    board: str,
    *,
    maps: list[str] = (),  # type: ignore[assignment]
    team_id: str | None = None,
    sheet_named: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Imported:
    """The tracker as board-data text for `load_imported`; ImportFailed when it cannot be read."""
    context = board_context(session, board, team_id)
    columns = _header(path, sheet, _maps(maps))
    try:
        records, notes = tracker_records(sheet.rows, columns, context)
    except ImportFailed as exc:
        raise ImportFailed(f"{path}: {exc}") from exc
    for note in notes[:20]:
        (warn or _warn)(f"{path}: {note}")
    if len(notes) > 20:
        (warn or _warn)(f"{path}: and {len(notes) - 20} more notes like these")
    if not records:
        raise ImportFailed(f"{path}: the header is on row {columns.row} but no row below it has an action")
    _keep_what_the_tracker_lacks(session, context, records, given_fields(columns))
    text = yaml.dump(
        {"boardbot": 1, "workspace": {"team_id": context.team_id}, "actions": records},
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),  # libyaml's, when built with it
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
    )
    return Imported(key=tracker_key(path, board, sheet.name if sheet_named else None), text=text, via=VIA)


def _warn(message: str) -> None:
    print(f"note: {message}", file=sys.stderr)


def _maps(pairs: list[str]) -> dict[str, str]:
    maps = {}
    for pair in pairs:
        column, _, name = pair.partition("=")
        if not column.strip() or name.strip() not in (*t.FIELDS, "ignore"):
            raise ImportFailed(
                f"--map {pair}: give COLUMN=FIELD with FIELD one of {', '.join(t.FIELDS)}, ignore "
                "(e.g. --map 'Officer=lead')"
            )
        maps[t.header_words(column)] = name.strip()
    return maps


def _header(path: str | Path, sheet: Sheet, maps: dict[str, str]) -> t.Columns:
    columns = t.find_header(sheet.rows, maps)
    if columns is None:
        found = t.seen_headers(sheet.rows)
        where = f" (sheet '{sheet.name}')" if sheet.name else ""
        raise ImportFailed(
            f"{path}{where}: no header row with an action column in the first 30 rows; found "
            f"{', '.join(repr(h) for h in found[:15]) or 'no text at all'}; expected headers such as "
            f"{t.EXPECTED} (or say which column is which: --map 'COLUMN=description')"
        )
    return columns


def given_fields(columns: t.Columns) -> set[str]:
    """The action fields the tracker's columns say; the others of a recorded action are left alone."""
    has = set(columns.by_field)
    given = {"board", "ref", "description"}
    if "lead" in has:
        given |= {"lead", "lead_text"}
    if has & {"due_on", "timescale"}:
        given |= {"due_on", "timescale"} if "due_on" in has else {"timescale"}
    if "status" in has:
        given |= {"status", "status_text"}
    if has & {"status+progress", "progress"}:
        given |= {"status", "progress"}
    if "rag" in has:
        given |= {"rag", "rag_text"}
    return given


def _keep_what_the_tracker_lacks(
    session: Session, context: BoardContext, records: list[dict[str, Any]], given: set[str]
) -> None:
    """A recorded action keeps the fields the tracker has no column for (its source, a meeting the
    tracker does not name): importing a tracker never clears what it cannot say."""
    known = [record for record in records if record["ref"] in context.refs]
    if not known:
        return
    recorded = _recorded(session, context)
    for record in known:
        existing = recorded[record["ref"]]
        kept = {name for name in existing if name not in given}
        if "meeting" in record:
            kept -= {"meeting", "agenda_item"}
        for name in kept:
            record.pop(name, None)
            if existing[name] is not None:
                record[name] = existing[name]


def _recorded(session: Session, context: BoardContext) -> dict[str, dict[str, Any]]:
    """The board's actions in file terms (keys for references), as the tracker's records are."""
    rows = session.scalars(
        select(m.Action)
        .join(m.Board)
        .join(m.Workspace)
        .where(m.Board.key == context.key, m.Workspace.team_id == context.team_id)
        .options(
            joinedload(m.Action.meeting),
            joinedload(m.Action.agenda_item),
            joinedload(m.Action.lead),
            joinedload(m.Action.source_document),
        )
    )
    found = {}
    for a in rows:
        source = None
        if a.source_document is not None:
            source = {"doc": a.source_document.key, "line": a.source_line, "page": a.source_page}
            source = {k: v for k, v in source.items() if v is not None}
        found[a.ref] = {
            "meeting": a.meeting.key if a.meeting else None,
            "agenda_item": a.agenda_item.number if a.agenda_item else None,
            "lead": a.lead.key if a.lead else None,
            "lead_text": a.lead_text,
            "due_on": a.due_on,
            "timescale": a.timescale,
            "status": a.status,
            "status_text": a.status_text,
            "rag": a.rag,
            "rag_text": a.rag_text,
            "progress": a.progress,
            "source": source,
        }
    return found


def tracker_records(
    rows: list[list[Cell]], columns: t.Columns, context: BoardContext
) -> tuple[list[dict[str, Any]], list[str]]:
    """Action records from the rows under the header, and notes on what could not be used."""
    records: list[dict[str, Any]] = []
    notes: list[str] = []
    rows_of: dict[str, int] = {}
    meeting: str | None = None
    agenda_cell: Cell = None
    next_number = 1 + max(
        (int(r.split("-")[1]) for r in context.refs if r.startswith(context.prefix + "-")), default=0
    )
    header = {t.header_words(h) for h in columns.headers.values()}
    for number, row in enumerate(rows[columns.row :], start=columns.row + 1):
        description = t.display(columns.cell(row, "description"))
        texts = [c for c in row if c is not None]
        if not texts:
            continue
        words = {t.header_words(c) for c in texts if isinstance(c, str)}
        if words and words <= header:
            continue  # the header repeated, as trackers do for each section
        if description is None:
            section = next((d for c in texts if (d := _date_in(c))), None)
            if section is not None:  # "ROUND TWO 17 OCTOBER 2019": the meeting of the rows below
                meeting = _meeting_on(section, context, number, notes, str(section))
                agenda_cell = None
            continue
        raised = columns.cell(row, "meeting")
        if raised is not None:
            meeting = _meeting_of(raised, context, number, notes)
            agenda_cell = None
        item = columns.cell(row, "agenda_item")
        agenda_cell = item if item is not None else agenda_cell  # merged down, or left empty below
        record: dict[str, Any] = {"board": context.key, "ref": None}
        if meeting:
            record["meeting"] = meeting
            agenda = t.agenda_number(agenda_cell)
            if agenda is not None and agenda in context.agenda.get(meeting, set()):
                record["agenda_item"] = agenda
            elif agenda_cell is not None:
                notes.append(
                    f"row {number}: agenda item '{agenda_cell}' is not on the agenda of {meeting}; left out"
                )
        record["description"] = description
        _lead(record, columns.cell(row, "lead"), context)
        _dates(record, columns.cell(row, "due_on"), columns.cell(row, "timescale"))
        _status(record, columns, row)
        ref = _ref(columns.cell(row, "ref"), description, context, number)
        if ref is None:
            while (
                f"{context.prefix}-{next_number}" in context.refs
                or f"{context.prefix}-{next_number}" in rows_of
            ):
                next_number += 1
            ref = f"{context.prefix}-{next_number}"
        if ref in rows_of:
            raise ImportFailed(
                f"rows {rows_of[ref]} and {number} both have the reference {ref}; give each its own"
            )
        rows_of[ref] = number
        record["ref"] = ref
        records.append({name: value for name, value in record.items() if value is not None})
    return records, notes


def _date_in(cell: Cell) -> date | None:
    return cell if isinstance(cell, date) else t.date_within(cell) if cell else None


def _meeting_of(cell: Cell, context: BoardContext, number: int, notes: list[str]) -> str | None:
    if isinstance(cell, str) and cell.strip() in context.meeting_keys:
        return cell.strip()
    when = t.full_date(cell) or (t.date_within(cell) if isinstance(cell, str) else None)
    if when is None:
        notes.append(f"row {number}: meeting '{cell}' is neither a date nor a meeting key; left out")
        return None
    return _meeting_on(when, context, number, notes, t.display(cell) or "")


def _meeting_on(when: date, context: BoardContext, number: int, notes: list[str], said: str) -> str | None:
    found = context.meetings_by_date.get(when)
    if found is None:
        notes.append(
            f"row {number}: no meeting of {context.key} on {when:%d %B %Y} ('{said}') is recorded; "
            "its actions are imported without a meeting"
        )
    return found


def _lead(record: dict[str, Any], cell: Cell, context: BoardContext) -> None:
    text = t.display(cell)
    if text:
        record["lead"], record["lead_text"] = match_lead(text, context)


def _dates(record: dict[str, Any], due: Cell, timescale: Cell) -> None:
    record["due_on"] = t.full_date(due)
    written = t.display(timescale)
    if due is not None and record["due_on"] is None and written is None:
        written = t.display(due)  # "Autumn 2023" under "Deadline": a timescale, kept as written
    record["timescale"] = written


def _status(record: dict[str, Any], columns: t.Columns, row: list[Cell]) -> None:
    both = t.display(columns.cell(row, "status+progress"))
    status = t.display(columns.cell(row, "status"))
    progress = t.display(columns.cell(row, "progress")) or both
    if status is not None:
        record["status"] = t.normal_status(status) or "open"
        record["status_text"] = t.as_written(status, t.normal_status(status))
    else:  # no status column: the update says it ("Completed", "In progress"), else open
        record["status"] = t.normal_status(progress) or "open"
    rag = t.display(columns.cell(row, "rag"))
    record["rag"] = t.normal_rag(rag)
    record["rag_text"] = t.as_written(rag, record["rag"])
    record["progress"] = progress


def _ref(cell: Cell, description: str, context: BoardContext, number: int) -> str | None:
    if cell is not None:
        ref = t.normal_ref(t.display(cell), context.prefix)
        if ref is None:
            raise ImportFailed(
                f"row {number}: reference '{t.display(cell)}' is not an action reference; use a number "
                f"(12) or letters, a hyphen and digits ({context.prefix}-12)"
            )
        return ref
    return context.refs_by_description.get(plain(description))
