"""How a spreadsheet action tracker is read: its header row, its columns, statuses, RAG and dates.

Pure functions over cells, so they are tested without files or a database (bot/importers/actions.py
puts them together). Headers are matched forgivingly ("Lead officer", "Owner", "Status/Update").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dateutil import parser as dateparser

from bot.importers.sheets import Cell

# The fields a column can fill; "status+progress" is a "Status/Update" column that says both.
FIELDS = (
    "ref",
    "description",
    "lead",
    "due_on",
    "timescale",
    "status",
    "progress",
    "status+progress",
    "rag",
    "agenda_item",
    "meeting",
)

# Checked in this order, each against the header's words: the first that matches names the field.
# "Agenda item no" is an agenda item, "Action no" a reference, "Action owner" a lead, "Action" the text.
HEADER_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("agenda_item", ("agenda item", "agenda", "item", "item no", "minute")),
    ("rag", ("rag", "rag status", "rag rating")),
    (
        "ref",
        ("ref", "reference", "action ref", "action no", "no", "number", "action number", "id", "#"),
    ),
    (
        "lead",
        ("lead", "owner", "lead officer", "officer", "responsible", "responsible officer", "who", "by whom"),
    ),
    ("due_on", ("due", "due date", "deadline", "target date", "date due", "completion date")),
    ("timescale", ("timescale", "timescales", "timeframe", "by when", "when", "target")),
    ("meeting", ("meeting", "meeting date", "date raised", "raised", "date of meeting", "date")),
    ("status", ("status",)),
    ("progress", ("update", "progress", "comments", "comment", "notes", "latest update", "progress update")),
    ("description", ("action", "actions", "description", "action required", "task", "recommendation")),
)
EXPECTED = "Ref, Action/Description, Lead/Owner, Due/Deadline, Timescale, Status, Update/Progress, RAG, Agenda item, Meeting/Date raised"


def header_words(text: str) -> str:
    """ "Lead Officer(s):" -> "lead officer"; "Status / Update" -> "status update"."""
    text = re.sub(r"\(s\)", "", text.lower())
    return " ".join(re.findall(r"[a-z]+|#", text))


def field_of(header: str) -> str | None:
    """The field a header names, or None; a header naming status and update fills both."""
    words = header_words(header)
    if not words:
        return None
    parts = set(words.split())
    if "status" in parts and parts & {"update", "progress", "comments", "comment"}:
        return "status+progress"
    for name, synonyms in HEADER_RULES:
        if words in synonyms:
            return name
    for name, synonyms in HEADER_RULES:  # then by a word: "Lead officer / team", "Target completion date"
        if any(" " not in s and s in parts for s in synonyms if s not in ("no", "id", "#", "when")):
            return name
    return None


@dataclass
class Columns:
    """Which column (0-based) holds each field, and the header row's number (1-based)."""

    row: int
    by_field: dict[str, int]
    headers: dict[int, str]

    def cell(self, row: list[Cell], name: str) -> Cell:
        index = self.by_field.get(name)
        return row[index] if index is not None and index < len(row) else None


def find_header(rows: list[list[Cell]], maps: dict[str, str], look: int = 30) -> Columns | None:
    """The first row within `look` that names an action column and one other field, or None."""
    for number, row in enumerate(rows[:look], start=1):
        by_field: dict[str, int] = {}
        headers: dict[int, str] = {}
        for index, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            name = maps.get(header_words(cell)) or field_of(cell)
            if name == "ignore":
                continue
            if name and name not in by_field and not ({name} & _filled(by_field)):
                by_field[name] = index
                headers[index] = cell
        if "description" in by_field and len(by_field) >= 2:
            return Columns(number, by_field, headers)
    return None


def _filled(by_field: dict[str, int]) -> set[str]:
    """Fields a combined "Status/Update" column already fills."""
    return {"status", "progress"} if "status+progress" in by_field else set()


def seen_headers(rows: list[list[Cell]], look: int = 30) -> list[str]:
    """The text of the fullest row near the top, to say what was found when no header matches."""
    best = max(rows[:look], key=lambda r: sum(isinstance(c, str) for c in r), default=[])
    return [c for c in best if isinstance(c, str)]


# Status words, found anywhere in the text; the earliest found decides ("Completed - was delayed").
STATUS_RE = re.compile(
    r"(?P<open_not>\bnot (?:yet )?(?:started|complete|completed|done)\b)"
    r"|(?P<in_progress>\bin[ -]?progress\b|\bon[ -]?going\b|\bunder ?way\b|\bon track\b|\bstarted\b"
    r"|\bpartially\b|\bprogressing\b|\bdelayed\b|\bbehind\b)"
    r"|(?P<blocked>\bon hold\b|\bblocked\b|\bstalled\b|\bpaused\b)"
    r"|(?P<cancelled>\bcancel+ed\b|\bwithdrawn\b|\bsuperseded\b|\bno longer (?:required|needed)\b|\bdropped\b)"
    r"|(?P<done>\bcomplete[d]?\b|\bdone\b|\bclosed\b|\bachieved\b|\bdelivered\b|\bfinished\b|\bactioned\b"
    r"|\bcirculated\b)"
    r"|(?P<open>\bopen\b|\boutstanding\b|\bpending\b|\bnew\b|\bto do\b|\bnot started\b)",
    re.IGNORECASE,
)


def normal_status(text: str | None) -> str | None:
    """The status a tracker's words say, or None when they say none of them."""
    if not text:
        return None
    found = STATUS_RE.search(text)
    if found is None:
        return None
    name = found.lastgroup or "open"
    return "open" if name == "open_not" else name


RAG_WORDS = {"r": "red", "red": "red", "a": "amber", "amber": "amber", "g": "green", "green": "green"}


def normal_rag(text: str | None) -> str | None:
    """ "G" -> green, "Amber/Green" -> amber (the first named), "Blue" or "Complete" -> None."""
    if not text:
        return None
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in RAG_WORDS:
            return RAG_WORDS[word]
    return None


def as_written(text: str | None, normal: str | None) -> str | None:
    """What the tracker wrote, kept when it says more than the normal value ("Completed" vs done)."""
    if text is None or (normal is not None and text.strip().lower() == normal.replace("_", " ")):
        return None
    return text


REF_RE = re.compile(r"^([A-Za-z]+)[\s-]*(\d+)$")
NUMBER_RE = re.compile(r"^\d+$")


def normal_ref(cell: Cell, prefix: str) -> str | None:
    """ "FPS-12", "fps 12", "FPS12" -> "FPS-12"; "12" -> "<PREFIX>-12"; anything else None."""
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if NUMBER_RE.match(text):
        return f"{prefix}-{int(text)}"
    found = REF_RE.match(text)
    return f"{found.group(1).upper()}-{int(found.group(2))}" if found else None


AGENDA_RE = re.compile(
    r"^(?:agenda\s+)?(?:item\s*)?(?:no\.?\s*)?(\d+[A-Za-z]?(?:\.\d+){0,2})\b", re.IGNORECASE
)


def agenda_number(cell: Cell) -> str | None:
    """ "Item 4: Cabinet Member Update" -> "4"; "4.1" -> "4.1"."""
    if not isinstance(cell, str):
        return None
    found = AGENDA_RE.match(cell.strip())
    return found.group(1) if found else None


MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
DAY_MONTH_YEAR_RE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+((?:{MONTHS})[a-z]*)\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=4096)  # a tracker repeats its meeting dates on every row
def full_date(cell: Cell) -> date | None:
    """A cell that is one whole date: a date cell, 2023-06-30, 30/06/2023 (day first), 30 June 2023."""
    if isinstance(cell, date):
        return cell
    if not cell:
        return None
    text = cell.strip()
    try:
        if ISO_RE.match(text):
            return date.fromisoformat(text)
        numeric = NUMERIC_DATE_RE.match(text)
        if numeric:
            return dateparser.parse(text, dayfirst=True).date()
        words = DAY_MONTH_YEAR_RE.fullmatch(text.rstrip("."))
        if words:
            return dateparser.parse(" ".join(words.groups())).date()
    except (ValueError, OverflowError):
        return None
    return None


@lru_cache(maxsize=4096)
def date_within(text: str) -> date | None:
    """The first "17 October 2019" in a line of text ("ROUND TWO 17 OCTOBER 2019")."""
    found = DAY_MONTH_YEAR_RE.search(text)
    if found is None:
        return None
    try:
        return dateparser.parse(" ".join(found.groups())).date()
    except (ValueError, OverflowError):
        return None


def display(cell: Cell) -> str | None:
    """A cell as text: dates written as people write them ("30 June 2023")."""
    if isinstance(cell, date):
        return f"{cell.day} {cell:%B %Y}"
    return cell
