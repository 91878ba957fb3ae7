"""Dates in a status message: `15 Dec`, `15/12`, `next Friday`, `in 2 weeks`, `end of the month`.

Read day first (python-dateutil) against the board's today; a date with no year that has passed
this year by more than a couple of months means next year's.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta

from bot.workdays import is_working_day
from commands.update_message.words import (
    DAY_RE,
    ISO_DATE_RE,
    MONTHS,
    NUMBER_WORDS,
    NUMERIC_DATE_RE,
    ORDINAL_RE,
    WEEKDAYS,
    YEAR_RE,
    Problem,
)

MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS[:12], 1)}
MONTH_NUMBERS |= {name[:3]: number for name, number in MONTH_NUMBERS.items()} | {"sept": 9}


def _next_weekday(today: date, weekday: int, *, strictly_after: bool) -> date:
    days = (weekday - today.weekday()) % 7
    if days == 0 and strictly_after:
        days = 7
    return today + timedelta(days=days)


def _count(word: str) -> int | None:
    if word.isdigit() and 0 < int(word) <= 400:
        return int(word)
    return NUMBER_WORDS.get(word)


def _relative(words: list[str], today: date) -> date | Problem | None:
    """Dates said relative to today: tomorrow, next Friday, in 2 weeks, end of the month."""
    match words:
        case ["today"] | ["tonight"] | ["eod"]:
            return today
        case ["tomorrow" | "tmrw" | "tmr" | "tomorow" | "tommorow" | "tommorrow"]:
            return today + timedelta(days=1)
        case ["yesterday"]:
            return today - timedelta(days=1)
        case ["next", day] if day in WEEKDAYS:
            return _next_weekday(today, WEEKDAYS[day], strictly_after=True)
        case ["this" | "on" | "coming" | "this" | "the", day] | [day] if day in WEEKDAYS:
            return _next_weekday(today, WEEKDAYS[day], strictly_after=False)
        case [day, "week"] if day in WEEKDAYS:
            return _next_weekday(today, WEEKDAYS[day], strictly_after=True) + timedelta(days=7)
        case ["in", number, unit] if _count(number) and unit.rstrip("s") in ("day", "week", "month"):
            n = _count(number) or 0
            unit = unit.rstrip("s")
            if unit == "day":
                return today + timedelta(days=n)
            if unit == "week":
                return today + timedelta(weeks=n)
            return today + relativedelta(months=n)
        case ["in", "a", "fortnight"] | ["fortnight"]:
            return today + timedelta(weeks=2)
        case ["end", "of", *rest] if rest in (["month"], ["the", "month"], ["this", "month"]):
            return today + relativedelta(day=31)
        case ["end", "of", "next", "month"]:
            return today + relativedelta(months=1, day=31)
        case ["end", "of", *rest] if rest in (["week"], ["the", "week"], ["this", "week"]):
            return _next_weekday(today, 4, strictly_after=False)
        case ["end", "of", "next", "week"]:
            return _next_weekday(today, 4, strictly_after=True) + (
                timedelta(days=7) if today.weekday() <= 4 else timedelta(0)
            )
        case ["end", "of", *rest] if rest in (["year"], ["the", "year"], ["this", "year"]):
            return date(today.year, 12, 31)
        case ["end", "of", month] | ["end", "of", month, _] if month in MONTHS:
            return _month_end(words[2:], today)
        case ["next", "week" | "month" | "year" | "quarter" | "term"] | ["soon" | "asap" | "later" | "tbc"]:
            return Problem.VAGUE_DATE
    return None


def _month_end(words: list[str], today: date) -> date | Problem:
    """`end of October` (the next one, or this one if it has not long passed), `end of Oct 2024`."""
    month = MONTH_NUMBERS[words[0]]
    if len(words) == 2:
        if not YEAR_RE.match(words[1]):
            return Problem.BAD_DATE
        year = int(words[1].lstrip("'"))
        return date(year if year > 99 else 2000 + year, month, 1) + relativedelta(day=31)
    return _roll_forward(date(today.year, month, 1) + relativedelta(day=31), today)


def _absolute(words: list[str], today: date) -> date | Problem | None:
    """`15 Dec`, `15/12`, `31st March 2024`, `2024-03-31`: day first; no year means the next one."""
    phrase = " ".join(words)
    if found := ISO_DATE_RE.match(phrase):
        try:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            return Problem.BAD_DATE
    months = [w for w in words if w.rstrip(".,") in MONTHS]
    days = [w for w in words if DAY_RE.match(w.rstrip(".,"))]
    numeric = len(words) == 1 and NUMERIC_DATE_RE.match(phrase)
    ordinal = len(words) <= 2 and ORDINAL_RE.match(words[-1]) and words[:-1] in ([], ["the"])
    if ordinal:
        day = int(ORDINAL_RE.match(words[-1]).group(1))  # type: ignore[union-attr]
        try:
            found_day = today.replace(day=day)
        except ValueError:
            return Problem.BAD_DATE
        return found_day if found_day >= today else found_day + relativedelta(months=1)
    if numeric:  # 15/12, 15.12.2024, 1-2: day first, always; dateutil would turn 12/13 round
        parts = [int(x) for x in re.split(r"[/.-]", phrase)]
        if parts[1] > 12 >= parts[0] >= 1:
            return Problem.MONTH_FIRST  # 12/15 is December the 15th written month first
        year = parts[2] if len(parts) == 3 else None
        if year is not None and year < 100:
            year += 2000
        try:
            written = date(year or today.year, parts[1], parts[0])
        except ValueError:
            return Problem.BAD_DATE
        return _roll_forward(written, today) if year is None else written
    if not numeric and not (months and days):
        if months and len(words) <= 2 and all(w in MONTHS or YEAR_RE.match(w) for w in words):
            return Problem.VAGUE_DATE  # "March", "March 2024": which day?
        return None
    if len(months) > 1 or len(days) > 2 or not all(_date_word(w.rstrip(".,")) for w in words):
        return None
    try:
        read = dateparser.parse(phrase, dayfirst=True, default=datetime.combine(today, time()))
    except (dateparser.ParserError, ValueError, OverflowError):
        return None
    read_day = read.date()
    two_digit_year = len(days) == 2 and bool(months)  # "15 Dec 22"
    year_written = any(YEAR_RE.match(w.rstrip(".,")) for w in words) or two_digit_year
    return read_day if year_written else _roll_forward(read_day, today)


RECENT_PAST_DAYS = 60  # a yearless date this recent is a date in the past, not next year's


def _roll_forward(day: date, today: date) -> date:
    """A date written without a year: next year's when it is long past; a recent one stays (and is refused)."""
    if day < today and (today - day).days > RECENT_PAST_DAYS:
        return day + relativedelta(years=1)
    return day


def _date_word(word: str) -> bool:
    return bool(
        word in MONTHS
        or word in WEEKDAYS
        or word in ("of", "the")
        or DAY_RE.match(word)
        or YEAR_RE.match(word)
        or NUMERIC_DATE_RE.match(word)
    )


def read_date(words: list[str], today: date) -> tuple[date | Problem, int] | None:
    """The longest run of the first words (up to six) that is a date, and how many words it took."""
    lowered = [w.lower().strip(",.") for w in words]
    for size in range(min(len(lowered), 6), 0, -1):
        part = lowered[:size]
        if not all(part):
            continue
        found = _relative(part, today)
        if found is None:
            found = _absolute(part, today)
        if found is not None:
            return found, size
    return None


def is_relative(words: list[str], today: date) -> bool:
    """Whether a date was said relative to today (`tomorrow`, `in 2 weeks`, `end of the month`)."""
    return _relative([w.lower().strip(",.") for w in words], today) is not None


def working_day(day: date, words: list[str], region: str) -> date:
    """A relative date on a working day: a period's end moves back to its last working day, any
    other day forward to the next one (the board's bank holidays count as non-working)."""
    step = timedelta(days=-1 if words and words[0].lower() == "end" else 1)
    while not is_working_day(day, region):
        day += step
    return day


def example_date(today: date) -> str:
    later = today + timedelta(days=21)
    return f"{later.day} {later:%b}"
