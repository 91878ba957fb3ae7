"""Which KPI values are compared: like periods only, the source's own previous first."""

from __future__ import annotations

from datetime import date

import pytest

from bot import models as m
from bot.kpis.info import KpiInfo
from bot.kpis.periods import comparable, compared_with, direction, kind_note


def value(kind: str | None, end: date | None, number: float = 1.0, **fields) -> m.KpiValue:
    return m.KpiValue(period="p", period_kind=kind, period_end=end, value=number, **fields)


@pytest.mark.parametrize(
    ("later", "earlier", "expected"),
    [
        (("year", date(2023, 3, 31)), ("year", date(2022, 3, 31)), True),
        (("year", date(2023, 3, 31)), ("year", date(2019, 3, 31)), True),  # whole years apart
        (("snapshot", date(2024, 2, 29)), ("snapshot", date(2023, 2, 28)), True),
        (("snapshot", date(2023, 4, 30)), ("snapshot", date(2023, 3, 31)), False),  # a month apart
        (("year", date(2023, 3, 31)), ("snapshot", date(2022, 3, 31)), False),  # another kind
        (("to-date", date(2023, 6, 30)), ("to-date", date(2022, 6, 30)), False),  # never partial
        (("live", date(2023, 3, 31)), ("live", date(2022, 3, 31)), False),
        ((None, date(2023, 3, 31)), (None, date(2022, 3, 31)), False),  # kind not recorded
        (("year", None), ("year", date(2022, 3, 31)), False),
    ],
)
def test_only_like_periods_a_whole_number_of_years_apart_compare(later, earlier, expected):
    assert comparable(value(*later), value(*earlier)) is expected


def test_the_sources_previous_is_used_but_never_for_a_part_year():
    stated = value("snapshot", date(2023, 3, 31), previous=96.0, previous_period="same point last year")
    assert compared_with(stated, []) == (96.0, "same point last year")
    part = value("to-date", date(2023, 6, 30), previous=35.0)
    assert compared_with(part, [value("year", date(2022, 12, 31), 35.0)]) is None


@pytest.mark.parametrize(
    ("better", "now", "before", "label"),
    [
        ("lower", 37.5, 42.4, "↓ improving"),
        ("higher", 37.5, 42.4, "↓ worsening"),
        (None, 37.5, 42.4, "↓ down"),
        ("neither", 2.0, 1.0, "↑ up"),
        ("lower", 86.0, 86.0, "→ unchanged"),
    ],
)
def test_better_or_worse_only_when_the_better_direction_is_recorded(better, now, before, label):
    kpi = KpiInfo(1, "k", "K", None, better, None, ())
    assert direction(now, before, kpi) == label


def test_a_partial_period_says_so_once():
    assert kind_note(m.KpiValue(period="2023 to present June", period_kind="to-date")) == "to date"
    assert (
        kind_note(m.KpiValue(period="Apr22-Mar23 cohort (live tracker)", period_kind="live")) == "not final"
    )
    assert kind_note(m.KpiValue(period="2023", period_kind="live")) == "live tracker, not final"
    assert kind_note(m.KpiValue(period="2022", period_kind="year")) is None
