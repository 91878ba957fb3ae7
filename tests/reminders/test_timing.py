"""When a board's reminders may go: its working days, its send time in its zone, its catch-up window."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot import models as m
from reminders.timing import Rules, board_day, next_working_day, window_start

D = date.fromisoformat


@pytest.mark.parametrize(
    "day, region, expected",
    [
        ("2026-11-27", "england", "2026-11-27"),  # a Friday
        ("2026-11-28", "england", "2026-11-30"),  # Saturday -> Monday
        ("2026-04-03", "england", "2026-04-07"),  # Good Friday -> Tuesday after Easter Monday
        ("2026-12-25", "england", "2026-12-29"),  # Christmas, Boxing Day observed on the 28th
        ("2026-01-02", "scotland", "2026-01-05"),  # 2 January: a Scottish bank holiday
        ("2026-01-02", "england", "2026-01-02"),
    ],
)
def test_next_working_day(day, region, expected):
    assert next_working_day(D(day), region) == D(expected)


@pytest.mark.parametrize(
    "today, working_days, expected",
    [
        ("2026-11-25", 1, "2026-11-25"),  # Wednesday: only today
        ("2026-11-25", 2, "2026-11-24"),  # and yesterday, caught up
        ("2026-11-23", 1, "2026-11-21"),  # Monday: the weekend's reminders go today
        ("2026-11-23", 2, "2026-11-20"),
        ("2026-04-07", 1, "2026-04-03"),  # after Easter: Good Friday to Easter Monday
    ],
)
def test_window_start(today, working_days, expected):
    assert window_start(D(today), "england", working_days) == D(expected)


def board(zone: str = "Europe/London") -> m.Board:
    return m.Board(
        id=1, key="b", name="B", timezone=zone, holiday_region="england", paper_deadline_working_days=10
    )


@pytest.mark.parametrize(
    "instant, zone, is_open",
    [
        ("2026-07-01T07:59:00+00:00", "Europe/London", False),  # 08:59 BST
        ("2026-07-01T08:00:00+00:00", "Europe/London", True),  # 09:00 BST
        ("2026-12-01T08:30:00+00:00", "Europe/London", False),  # 08:30 GMT
        ("2026-12-01T09:00:00+00:00", "Europe/London", True),
        ("2026-12-01T09:00:00+00:00", "America/New_York", False),  # 04:00 there
        ("2026-11-28T12:00:00+00:00", "Europe/London", False),  # a Saturday
        ("2026-12-25T12:00:00+00:00", "Europe/London", False),  # Christmas Day
    ],
)
def test_a_board_is_open_on_working_days_after_its_send_time_in_its_zone(instant, zone, is_open):
    assert board_day(board(zone), Rules(), datetime.fromisoformat(instant)).open is is_open


def test_a_preview_of_a_day_is_open_all_day_and_does_not_catch_up():
    day = board_day(
        board(), Rules(send_at=time(17, 0)), datetime(2026, 1, 1, tzinfo=UTC), day=D("2026-11-25")
    )
    assert day.open and day.first_nominal == D("2026-11-25") and day.today == D("2026-11-25")
