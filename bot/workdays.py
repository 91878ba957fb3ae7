"""Working days: Monday to Friday, less the bank holidays of a board's region."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern-ireland": "NIR"}
PUBLICATION_CLEAR_DAYS = 5  # agendas are published five clear working days before a meeting


@lru_cache(maxsize=32)
def _holidays(region: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=SUBDIVISIONS[region])


def is_working_day(day: date, region: str = "england") -> bool:
    return day.weekday() < 5 and day not in _holidays(region)


def working_days_before(day: date, count: int, region: str = "england") -> date:
    """The working day `count` working days before `day` (the day itself not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current, region):
            remaining -= 1
    return current


def publication_deadline(meeting_on: date, region: str = "england") -> date:
    """The last day the agenda can be published: five clear working days before the meeting.

    "Clear" days exclude both the day of publication and the day of the meeting.
    """
    return working_days_before(meeting_on, PUBLICATION_CLEAR_DAYS + 1, region)


def paper_deadline(meeting_on: date, working_days: int, region: str = "england") -> date:
    """When papers are due under a board's rule, never later than the agenda must be published."""
    return min(
        working_days_before(meeting_on, working_days, region), publication_deadline(meeting_on, region)
    )


def working_days_between(start: date, end: date, region: str = "england") -> int:
    """Working days after `start` up to and including `end`; negative (never 0) when `end` is earlier."""
    if end < start:  # passed: at least one day ago, even when only a weekend lies between
        return -max(working_days_between(end, start, region), 1)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, region):
            count += 1
    return count
