"""`boardbot reminders preview` on the demo boards, every demo person given a stand-in Slack id here."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot import models as m
from bot.config import Settings
from bot.db import make_sessions
from reminders.preview import preview

D = date.fromisoformat


@pytest.fixture
def on_slack(demo_db):
    with make_sessions(demo_db).begin() as session:
        for person in session.scalars(select(m.Person)):
            person.slack_user_id = "U" + person.key.upper().replace("-", "")[:12]
        for board in session.scalars(select(m.Board)):
            board.slack_channel = "C" + board.key.upper()
    return demo_db


def preview_of(engine, day: str, now: str = "2023-09-01T08:00:00") -> str:
    out = io.StringIO()
    settings = Settings(database_url="unused", now=datetime.fromisoformat(now).replace(tzinfo=UTC))
    assert preview(settings, engine, day=day, out=out, err=io.StringIO()) == 0
    return out.getvalue()


def test_the_first_run_tells_secretary_and_chairs_of_actions_whose_timescale_passed(on_slack):
    text = preview_of(on_slack, "2023-09-01")
    assert (
        "Escalation to the secretary: action HWB-89 (Health & Wellbeing Board) is 124 days overdue "
        "(by end of April 2023, from the timescale as written)" in text
    )
    assert "Escalation to the chair: action HWB-37 (Health & Wellbeing Board) is 63 days overdue" in text
    assert "To Councillor Josh Rendall (@UJOSHRENDALL" in text  # co-chairs in force on 1 Sep 2023
    assert "To Councillor Nafsika Butler-Thalassis" in text


def test_a_later_day_does_not_repeat_the_first_runs_escalations(on_slack):
    text = preview_of(on_slack, "2023-09-04")
    assert "Escalation" not in text
    assert "Action HWB-89 (Health & Wellbeing Board): overdue by 127 days" in text


def test_authors_of_the_5_october_papers_are_reminded_before_and_on_the_deadline(on_slack):
    before = preview_of(on_slack, "2023-09-14")
    for author in ("Sarah Newman", "Kiran Hayer", "Jyoti Morar"):
        assert f"To {author} (@" in before
    assert "“YOUTH JUSTICE PLANS” (item 7) for the Health & Wellbeing Board meeting of Thu 5 Oct 2023: " \
        "due in 5 working days (Thu 21 Sep 2023)" in before  # fmt: skip
    assert (
        "Papers outstanding for the Health & Wellbeing Board meeting of Thu 5 Oct 2023: 2 (0 overdue)"
        in before
    )
    on_the_day = preview_of(on_slack, "2023-09-21")
    assert on_the_day.count("due today (Thu 21 Sep 2023)") == 3


def test_papers_outstanding_on_publication_day_go_to_the_secretary_not_the_channel(on_slack):
    text = preview_of(on_slack, "2023-09-27")
    assert "HWB channel" not in text
    assert (
        "papers due to be published, but 2 papers are still outstanding: nothing posted in the channel"
        in text
    )
    eve = preview_of(on_slack, "2023-10-04")
    assert "To HWB channel (#CHWB): 1 reminder" in eve and "meets next working day" in eve


def test_the_provisional_november_meeting_is_not_announced(on_slack):
    text = preview_of(on_slack, "2023-11-22", now="2023-11-22T08:00:00")
    assert "HWB channel" not in text
    assert "the date is still provisional; no agenda is recorded: nothing posted in the channel" in text


def test_the_scrutiny_committee_of_25_november_2019_is_announced(on_slack):
    published = preview_of(on_slack, "2019-11-15", now="2019-11-11T09:00:00")
    assert "To FPS P&S channel (#CFPS): 1 reminder" in published and "papers published" in published
    eve = preview_of(on_slack, "2019-11-22", now="2019-11-11T09:00:00")
    assert "meets next working day" in eve
