"""Due-by dates derived from timescales as written: every timescale in the demo data, and the forms
the data format documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.actions.timescales import due_by

D = date.fromisoformat
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
RAISED = D("2023-10-05")  # the meeting whose pack lists the youth justice plans' actions

# Every timescale in data/demo/*.yaml, with the date it is due by (None: no firm date).
DEMO_TIMESCALES: dict[str, date | None] = {
    "To be completed by the end of June 2023": D("2023-06-30"),
    "June 2023": D("2023-06-30"),
    "July 2023": D("2023-07-31"),
    "August 2023": D("2023-08-31"),
    "April 2023": D("2023-04-30"),
    "September 2023": D("2023-09-30"),
    "To be completed in September 2023": D("2023-09-30"),
    "Completed by September 2023": D("2023-09-30"),
    "October 2023": D("2023-10-31"),
    "To be completed by October 2023": D("2023-10-31"),
    "October 2023 – feedback to be shared with YCPB and then priority areas reviewed.": D("2023-10-31"),
    "Autumn 2023": D("2023-11-30"),
    "December 2023": D("2023-12-31"),
    "Completed by December 2023": D("2023-12-31"),
    "Training to be completed by December 2023": D("2023-12-31"),
    "October 23 – December 23": D("2023-12-31"),
    "January 2024": D("2024-01-31"),
    "To be completed January 2024": D("2024-01-31"),
    "To be presented in January 2024": D("2024-01-31"),
    "To be carried out October 23 – January 2024": D("2024-01-31"),
    "March 2024": D("2024-03-31"),
    "To be completed by March 2024": D("2024-03-31"),
    "April 2024": D("2024-04-30"),
    "Invitation for July 2023 Board": D("2023-07-31"),
    # no end named: work that starts, recurs or goes on, or months without a year
    "Ongoing": None,
    "On-going": None,
    "On going": None,
    "Ongoing from May 2023": None,
    "On-going every quarter": None,
    "Starting from July 2023": None,
    "From July 2023": None,
    "July / October Board": None,
}

OTHER_FORMS: dict[str, date | None] = {
    "by the end of June 2023": D("2023-06-30"),
    "Q3 2023/24": D("2023-12-31"),
    "Q1 2024/25": D("2024-06-30"),
    "Q4 2023-24": D("2024-03-31"),
    "Q2 2024": D("2024-06-30"),
    "2023/24": D("2024-03-31"),
    "Winter 2023/24": D("2024-02-29"),
    "Spring 2024": D("2024-05-31"),
    "end of March": D("2024-03-31"),  # the first 31 March after 5 October 2023
    "by the end of December": D("2023-12-31"),
    "30 June 2023": D("2023-06-30"),
    "Sept 2023": D("2023-09-30"),
    "by end 2024": D("2024-12-31"),
    "TBC": None,
    "tbc": None,
    "To be confirmed": None,
    "": None,
    "As soon as possible": None,
    "May need more time": None,
}


def demo_timescales() -> set[str]:
    found = set()
    for path in DEMO.glob("*.yaml"):
        for action in yaml.safe_load(path.read_text()).get("actions") or []:
            if action.get("timescale"):
                found.add(action["timescale"])
    return found


def test_the_table_covers_every_timescale_in_the_demo_data():
    assert demo_timescales() == set(DEMO_TIMESCALES)


@pytest.mark.parametrize(("timescale", "expected"), list(DEMO_TIMESCALES.items()) + list(OTHER_FORMS.items()))
def test_a_timescale_is_due_by_the_end_of_the_last_period_it_names(timescale, expected):
    found = due_by(timescale, RAISED)
    assert (found.on if found else None) == expected


def test_a_month_without_a_year_needs_the_day_it_was_raised():
    assert due_by("end of March") is None
    assert due_by("end of March", D("2024-03-31")).on == D("2024-03-31")
    assert due_by("end of March", D("2024-04-01")).on == D("2025-03-31")


@pytest.mark.parametrize(
    ("timescale", "shown"),
    [
        ("To be completed by the end of June 2023", "by end of June 2023 (from the timescale as written)"),
        ("Autumn 2023", "by end of Autumn 2023 (30 Nov 2023, from the timescale as written)"),
        ("Q3 2023/24", "by end of Q3 2023/24 (31 Dec 2023, from the timescale as written)"),
        ("30th June 2023", "by 30 June 2023 (from the timescale as written)"),
    ],
)
def test_a_derived_date_says_it_is_derived(timescale, shown):
    found = due_by(timescale, RAISED)
    assert found is not None and found.describe() == shown
