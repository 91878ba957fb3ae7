"""The *due by* date a timescale as written implies: the end of the last period it names.

"June 2023", "by the end of June 2023" and "To be completed by June 2023" are due by 30 June 2023;
"Autumn 2023" by 30 November 2023; "Q3 2023/24" (a financial year) by 31 December 2023; "October 23 –
January 2024" by 31 January 2024; "end of March" by the first 31 March on or after the day the action
was raised. A timescale that only says when work starts or recurs ("Ongoing", "From July 2023", "every
quarter", "TBC"), or names a month with no year otherwise ("July / October Board"), has no due-by date:
it stays in the no-firm-date group. The date is derived, never stated: replies say so.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot import models as m

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
YEAR = r"(?P<year>(?:19|20)\d\d|'?\d\d)(?![\d/])"
SEASON_YEAR = r"(?P<year>20\d\d|'?\d\d)(?:\s*/\s*\d\d(?:\d\d)?)?(?![\d/])"  # "Winter 2023/24"
# seasons as the Met Office counts them; winter 2023 runs into February 2024
SEASONS = {"spring": (5, 0), "summer": (8, 0), "autumn": (11, 0), "fall": (11, 0), "winter": (2, 1)}

# phrases that say when work starts, that it recurs, or that no date is set: no due-by date
NO_END = re.compile(
    r"\b(on-?\s?going|from|starting|start|commencing|every|each|monthly|quarterly|annually|weekly|"
    r"tbc|tba|tbd|to be (?:confirmed|agreed|decided)|as required|as needed|when|ad hoc)\b",
    re.IGNORECASE,
)
PATTERNS = (
    ("day", re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH + r",?\s+" + YEAR, re.I)),
    ("quarter", re.compile(r"\bQ(?P<q>[1-4])\s*(?P<fy>(?:20)?\d\d)\s*[/-]\s*(?P<fy2>\d\d(?:\d\d)?)\b", re.I)),
    ("calendar_quarter", re.compile(r"\bQ(?P<q>[1-4])\s+(?P<year>20\d\d)(?![\d/])", re.I)),
    ("season", re.compile(r"\b(?P<season>spring|summer|autumn|fall|winter)\s+" + SEASON_YEAR, re.I)),
    ("month", re.compile(r"\b" + MONTH + r"\s+" + YEAR, re.I)),
    ("end_of_month", re.compile(r"\bend\s+of\s+" + MONTH + r"(?!\s+'?\d)", re.I)),
    ("financial_year", re.compile(r"\b(?P<fy>20\d\d)\s*[/-]\s*(?P<fy2>\d\d(?:\d\d)?)\b")),
    ("year", re.compile(r"\b(?:end of|end|by|in|during)\s+(?P<year>20\d\d)(?![\d/])", re.I)),
)


@dataclass(frozen=True)
class DueBy:
    """A derived due-by date and the period it ends, as a reader would name it."""

    on: date
    period: str  # "June 2023", "Autumn 2023", "Q3 2023/24", "30 June 2023"

    def describe(self, *, inline: bool = False) -> str:
        """'by end of June 2023 (from the timescale as written)'; a named day or a season adds the date.

        `inline` (inside parentheses already): 'by end of June 2023, from the timescale as written'.
        """
        if self.period[0].isdigit():
            said = f"by {self.period}"
        else:
            month_named = self.period.split(" ")[0].lower() in MONTHS
            said = f"by end of {self.period}" + ("" if month_named else f" ({self.on.day} {self.on:%b %Y})")
        if inline:
            return f"{said}, from the timescale as written"
        if said.endswith(")"):
            return f"{said[:-1]}, from the timescale as written)"
        return f"{said} (from the timescale as written)"


def _year(text: str) -> int:
    digits = int(text.lstrip("'"))
    return digits if digits >= 100 else 2000 + digits


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _found(kind: str, match: re.Match[str], raised_on: date | None) -> DueBy | None:
    """The due-by date one match names, or None when it cannot be placed."""
    parts = match.groupdict()
    if kind == "day":
        month, year = MONTHS[parts["month"].lower()], _year(parts["year"])
        try:
            on = date(year, month, int(parts["day"]))
        except ValueError:
            return None
        return DueBy(on, f"{on.day} {calendar.month_name[month]} {year}")
    if kind == "month":
        month, year = MONTHS[parts["month"].lower()], _year(parts["year"])
        return DueBy(_month_end(year, month), f"{calendar.month_name[month]} {year}")
    if kind == "end_of_month":
        if raised_on is None:
            return None
        month = MONTHS[parts["month"].lower()]
        year = raised_on.year if _month_end(raised_on.year, month) >= raised_on else raised_on.year + 1
        return DueBy(_month_end(year, month), f"{calendar.month_name[month]} {year}")
    if kind == "season":
        last_month, later = SEASONS[parts["season"].lower()]
        year = _year(parts["year"])
        return DueBy(_month_end(year + later, last_month), f"{parts['season'].title()} {year}")
    if kind in ("quarter", "financial_year"):
        start = _year(parts["fy"])
        if _year(parts["fy2"]) % 100 != (start + 1) % 100:
            return None  # "2023/25" is not one financial year
        label = f"{start}/{(start + 1) % 100:02d}"
        if kind == "financial_year":
            return DueBy(date(start + 1, 3, 31), f"financial year {label}")
        q = int(parts["q"])  # Q1 is April to June
        month = 3 * q + 3
        year = start if month <= 12 else start + 1
        return DueBy(_month_end(year, (month - 1) % 12 + 1), f"Q{q} {label}")
    if kind == "calendar_quarter":
        q, year = int(parts["q"]), int(parts["year"])
        return DueBy(_month_end(year, 3 * q), f"Q{q} {year}")
    year = int(parts["year"])
    return DueBy(date(year, 12, 31), str(year))


def due_by(timescale: str | None, raised_on: date | None = None) -> DueBy | None:
    """The end of the last period the timescale names; None when it names none or no end."""
    if not timescale or NO_END.search(timescale):
        return None
    found: list[tuple[int, DueBy]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:  # the most specific first; later ones skip text already read
        for match in pattern.finditer(timescale):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append(match.span())
            named = _found(kind, match, raised_on)
            if named is not None:
                found.append((match.start(), named))
    if not found:
        return None
    return max(found, key=lambda pair: (pair[1].on, pair[0]))[1]


def due_by_date(timescale: str | None, raised_on: date | None = None) -> date | None:
    named = due_by(timescale, raised_on)
    return named.on if named else None


def set_due_by(session: Session, action: m.Action) -> None:
    """Derive the action's due-by date from its timescale; call whenever the timescale may change."""
    from bot import models as m  # at call time: the models import this package

    meeting = session.get(m.Meeting, action.meeting_id) if action.meeting_id is not None else None
    action.due_by = due_by_date(action.timescale, meeting.meets_on if meeting else None)
