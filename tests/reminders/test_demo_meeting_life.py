"""The chair's brief and agenda changes on the demo boards, as the reminders preview and a run show them."""

from __future__ import annotations

from datetime import date

import yaml
from sqlalchemy import select

from bot import models as m
from bot.boarddata.loader import load_files
from bot.db import make_sessions
from reminders.run import run_reminders
from tests.conftest import DEMO_FILES, LOAD_TIME
from tests.reminders.test_demo_preview import on_slack, preview_of  # noqa: F401  (a fixture)
from tests.reminders.test_messages import texts
from tests.reminders.world import at_local, sender_for

D = date.fromisoformat


def test_the_preview_shows_the_brief_to_both_co_chairs_on_the_eve_only(on_slack):  # noqa: F811
    eve = preview_of(on_slack, "2023-10-04")
    assert "To Councillor Josh Rendall (@UJOSHRENDALL, direct message)" in eve
    assert eve.count("Health & Wellbeing Board meeting of Thu 5 Oct 2023: the chair's brief") == 2
    assert "the chair's brief" not in preview_of(on_slack, "2023-10-03")


def run(engine, slack, day: date, hour: int) -> list[str]:
    before = len(slack.posted())
    run_reminders(make_sessions(engine), sender_for(slack), now=at_local(day, hour))
    return [f"{c.body['channel']}: {texts(c)}" for c in slack.posted()[before:]]


def load(engine, *paths) -> None:
    with make_sessions(engine).begin() as session:
        assert load_files(session, [*DEMO_FILES, *paths], now=LOAD_TIME).ok


def test_a_late_item_is_told_once_and_reloading_the_same_data_tells_nothing(on_slack, slack, tmp_path):  # noqa: F811
    sent = run(on_slack, slack, D("2023-10-04"), 9)  # the eve notice lists the agenda
    assert any(line.startswith("CHWB: :calendar:") for line in sent)
    load(on_slack)
    assert run(on_slack, slack, D("2023-10-04"), 11) == []
    late = tmp_path / "late.yaml"
    late.write_text(
        yaml.safe_dump(
            {
                "boardbot": 1,
                "agenda_items": [{"meeting": "hwb-2023-10-05", "number": "11", "title": "WINTER PLAN"}],
            }
        )
    )
    load(on_slack, late)
    [told] = run(on_slack, slack, D("2023-10-04"), 12)
    assert told.startswith("CHWB: :pushpin:") and "late item added: item 11, WINTER PLAN" in told
    load(on_slack, late)
    assert run(on_slack, slack, D("2023-10-04"), 13) == []
    with make_sessions(on_slack)() as session:
        kinds = list(
            session.scalars(select(m.ReminderDelivery.kind).where(m.ReminderDelivery.kind == "agenda_change"))
        )
    assert kinds == ["agenda_change"]
