"""`boardbot reminders preview`: what would go out, to whom, sending and recording nothing."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from bot import models as m
from bot.config import Settings
from reminders.preview import parse_day, preview
from tests.reminders.world import at_local

D = date.fromisoformat


def settings(world) -> Settings:
    return Settings(database_url="unused", now=at_local(D("2026-11-20")))


def run(world, *args, **kwargs) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = preview(settings(world), world.engine, *args, out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_preview_of_a_day_lists_each_recipient_and_sends_nothing(world, slack):
    world.add_action("A-1", D("2026-11-30"), lead="leo-lead", description="Circulate the <JSNA> & plan")
    world.add_action("A-2", D("2026-11-30"), lead="olly-offline")
    meeting = world.add_meeting(D("2026-12-01"))
    world.add_item(meeting, "1", "Minutes", paper_status=None)
    code, out, _ = run(world, day="30/11/2026")
    assert code == 0
    assert out.splitlines()[0] == "Reminders on Mon 30 Nov 2026: 4 to send in 4 messages."
    assert (
        "To Councillor Cat Chair (@U0CHAIR, direct message): 1 reminder" in out and "the chair's brief" in out
    )
    assert "To Leo Lead (@U0LEO, direct message): 1 reminder" in out
    assert (
        "Action A-1 (Health & Wellbeing Board): due today (Mon 30 Nov 2026): Circulate the <JSNA> & plan"
        in out
    )
    assert "To Sam Secretary (@U0SEC, direct message): 1 reminder" in out and "for Olly Offline" in out
    assert "To HWB channel (#C0HWB): 1 reminder" in out and "meets next working day" in out
    assert world.ledger() == [] and slack.calls == []
    with world.session() as session:
        assert session.scalars(select(m.AgendaNotice)).all() == []  # what the notice told: rolled back


def test_preview_of_a_weekend_says_nothing_goes(world):
    world.add_action("A-1", D("2026-11-28"), lead="leo-lead")
    code, out, _ = run(world, day="2026-11-28")
    assert code == 0 and "Not a working day for any board" in out


def test_preview_now_shows_what_a_run_would_send(world):
    world.add_action("A-1", D("2026-11-20"), lead="leo-lead")
    code, out, _ = run(world)
    assert code == 0 and "at 2026-11-20 09:05 UTC: 1 to send in 1 message." in out


def test_a_bad_date_says_what_would_work(world):
    code, out, err = run(world, day="someday")
    assert code == 2 and out == ""
    assert "'someday' is not a date; use e.g. 2026-11-23, 23/11/2026 or '23 Nov'" in err


def test_dates_are_read_day_first():
    today = D("2026-11-20")
    assert parse_day("5/12/2026", today) == D("2026-12-05")
    assert parse_day("5 Dec", today) == D("2026-12-05")
    assert parse_day("2026-12-05", today) == D("2026-12-05")
