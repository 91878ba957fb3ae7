"""The parts of an agenda pack the importer reads, and the patterns its text is read with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from bot.importers.pack_text import Line

Day = date  # for fields after one named `date`

MONTHS = "January February March April May June July August September October November December".split()
DATE = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+("
    + "|".join(MONTHS)
    + r")\s*,?\s+(\d{4})",
    re.IGNORECASE,
)
TIME = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
PAGES = re.compile(r"\(?\s*Pages?\s+(\d+)(?:\s*[-–]\s*(\d+))?\s*\)?", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HEADING = re.compile(r"(\d{1,2}[a-z]?)[.)]?\s+(.+)")
LABEL = re.compile(
    r"(Report Author(?: and Contact Details)?|Briefing Author(?: and Contact Details)?|Report of|Briefing of|Title)"
    r"\s*:\s*(.*)",
    re.IGNORECASE,
)
OTHER_LABEL = re.compile(r"[A-Z][A-Za-z ]{2,40}:|\S+\t|\d+\.?\s")
TITLE_WORDS = re.compile(r"\b(Director|Manager|Head|Officer|Chief|Lead|Executive)\b")
NOT_A_NAME = re.compile(r"\b(Services?|Director|Council|Department|Team|Directorate|Policy)\b")
ROLES = {"chairman": "chair", "chair": "chair", "cochair": "co-chair", "vicechair": "vice-chair"}


@dataclass
class Member:
    name: str
    role: str
    description: str | None
    at: Line


@dataclass
class Author:
    name: str
    email: str | None


@dataclass
class Item:
    number: str
    title: str
    at: Line
    purpose: str | None = None
    pages: str | None = None
    restricted: bool = False
    report_author: str | None = None
    presenter: str | None = None
    authors: list[Author] = field(default_factory=list)
    outcome: str | None = None


@dataclass
class Minutes:
    date: date
    at: Line
    venue: str | None
    items: list[Item]
    actions: list[tuple[str, str, Line]]  # (agenda number, action text, where)
    present: str = ""  # the "Members Present:" paragraph, as written


@dataclass
class Pack:
    committee: str | None = None
    committee_at: Line | None = None
    date: date | None = None
    date_at: Line | None = None
    start: time | None = None
    venue: str | None = None
    members: list[Member] = field(default_factory=list)
    secretary: tuple[str, str | None, str | None, Line] | None = None  # name, title, e-mail, where
    items: list[Item] = field(default_factory=list)
    next_meeting: tuple[Day, str | None, Item] | None = None  # date, host's name, the item stating it
    minutes: Minutes | None = None
    issued: Day | None = None  # the agenda's own date: the members listed held their seats then


def letters(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


def role_of(written: str) -> str:
    """'(Chairman)', '(Co- Chair)', '(Vice-Chair)' as a membership role; anything else is a member."""
    return ROLES.get(letters(written).lower(), "member")


def to_date(match: re.Match) -> date:
    return date(int(match.group(3)), MONTHS.index(match.group(2).capitalize()) + 1, int(match.group(1)))


def to_time(match: re.Match) -> time:
    hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
    return time(hour, int(match.group(2) or 0))


def is_heading(text: str) -> bool:
    """Agenda and minute titles are written in capitals: most of their letters are upper case."""
    caps = [c for c in text if c.isalpha()]
    return len(caps) >= 3 and sum(c.isupper() for c in caps) >= 0.8 * len(caps)
