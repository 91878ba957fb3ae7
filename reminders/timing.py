"""When a board's reminders go out: its send time, on its working days, in its own zone.

A reminder hangs on a nominal day (seven days before a due date, the due date, …); it goes out on
the first working day on or after it, at the board's send time. A run on a working day after the send
time delivers every stage whose nominal day lies in its window: from the day after the working day
before the previous one up to today, so a reminder that fell on a weekend or holiday goes on the next
working day, and a clock that was down yesterday catches up today. Later stages supersede earlier
ones, so a catch-up never sends a stale reminder beside a current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import models as m
from bot.workdays import is_working_day

CATCH_UP_WORKING_DAYS = 2  # today and the working day before: a day's outage is caught up


@dataclass(frozen=True)
class Rules:
    """A board's reminder settings (BoardReminderSettings), defaults when it has none."""

    send_at: time = time(9, 0)
    papers: bool = True
    paper_days_before: tuple[int, ...] = (5, 1)  # working days before the paper deadline
    paper_overdue_daily: bool = True
    actions: bool = True
    action_days_before: int = 7  # calendar days
    action_overdue_every_days: int = 7
    escalate_secretary_after_days: int = 14  # days overdue; 0: never
    escalate_chair_after_days: int = 28
    meetings: bool = True
    secretary_digest: bool = True

    @classmethod
    def of(cls, row: m.BoardReminderSettings | None) -> Rules:
        if row is None:
            return cls()
        return cls(
            send_at=row.send_at,
            papers=row.papers,
            paper_days_before=tuple(sorted({int(d) for d in row.paper_days_before or ()}, reverse=True)),
            paper_overdue_daily=row.paper_overdue_daily,
            actions=row.actions,
            action_days_before=row.action_days_before,
            action_overdue_every_days=row.action_overdue_every_days,
            escalate_secretary_after_days=row.escalate_secretary_after_days,
            escalate_chair_after_days=row.escalate_chair_after_days,
            meetings=row.meetings,
            secretary_digest=row.secretary_digest,
        )


def next_working_day(day: date, region: str) -> date:
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, region):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date, region: str) -> date:
    """The last working day strictly before `day`."""
    day -= timedelta(days=1)
    while not is_working_day(day, region):
        day -= timedelta(days=1)
    return day


def window_start(today: date, region: str, working_days: int = CATCH_UP_WORKING_DAYS) -> date:
    """The first nominal day whose reminder is delivered on one of the last `working_days` working days."""
    last = today
    for _ in range(working_days):
        last = previous_working_day(last, region)
    return last + timedelta(days=1)


@dataclass(frozen=True)
class BoardDay:
    """One board as a run sees it: its local day, whether reminders may go now, and its window."""

    board: m.Board
    rules: Rules
    local_now: datetime
    today: date
    open: bool  # a working day, and the send time has come
    first_nominal: date  # stages with a nominal day from here to today are eligible

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.board.timezone)

    @property
    def region(self) -> str:
        return self.board.holiday_region

    def eligible(self, nominal: date) -> bool:
        return self.first_nominal <= nominal <= self.today


def board_day(board: m.Board, rules: Rules, now: datetime, *, day: date | None = None) -> BoardDay:
    """How `board` stands at `now`; with `day`, as at the end of that day (for previews).

    A preview of a day assumes the days before it went as planned: it shows that day's reminders,
    without the catch-up of a clock that was down.
    """
    zone = ZoneInfo(board.timezone)
    if day is None:
        local_now = now.astimezone(zone)
        today = local_now.date()
        after_send_time = local_now.time().replace(tzinfo=None) >= rules.send_at
    else:
        local_now = datetime.combine(day, time(23, 59, 59), zone)
        today = day
        after_send_time = True
    working = is_working_day(today, board.holiday_region)
    return BoardDay(
        board=board,
        rules=rules,
        local_now=local_now,
        today=today,
        open=working and after_send_time,
        first_nominal=window_start(today, board.holiday_region, 1 if day else CATCH_UP_WORKING_DAYS),
    )
