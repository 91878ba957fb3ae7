"""The Home tab as members see it on the demo boards: their meetings, papers, actions and settings."""

from __future__ import annotations

from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from bot.render import plain
from commands.home import home_view
from tests.helpers import SEPT_2023
from tests.slack_limits import assert_fits_slack


def person(session, key: str) -> m.Person:
    return session.scalar(select(m.Person).where(m.Person.key == key))


def home_of(engine, key: str | None) -> dict:
    with make_sessions(engine)() as session:
        view = home_view(session, person(session, key) if key else None, SEPT_2023)
    assert_fits_slack(view, f"home of {key}")
    return view


def text(view: dict) -> str:
    parts = []
    for block in view["blocks"]:
        if block.get("text"):
            parts.append(block["text"]["text"])
        parts += [e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return plain("\n".join(parts)).replace("*", "")


def elements(view: dict) -> list[dict]:
    found = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    return found + [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_a_report_author_sees_their_paper_due_with_working_days_and_a_submitted_button(demo_db):
    view = home_of(demo_db, "kiran-hayer")
    said = text(view)
    assert (
        "YOUTH JUSTICE PLANS (item 7) for the HWB meeting on Thu 5 Oct 2023: due in 14 working days" in said
    )
    assert "deadline Thu 21 Sep 2023, 10 working days before the meeting" in said
    submitted = [e for e in elements(view) if e["action_id"] == "paper_submitted"]
    assert len(submitted) == 1 and submitted[0]["value"].startswith("paper:")


def test_a_lead_sees_their_action_with_its_derived_due_date_marked_and_update_buttons(demo_db):
    view = home_of(demo_db, "kiran-hayer")
    said = text(view)
    assert "HWB-2 (HWB)" in said
    assert "Due by end of Autumn 2023 (30 Nov 2023), from the timescale as written" in said
    assert "0 overdue · 0 due in the next 14 days · 1 other open" in said
    ids = {
        e["action_id"] for e in elements(view) if e.get("value") == f"action:{action_id(demo_db, 'HWB-2')}"
    }
    assert {"action_done", "action_in_progress", "action_blocked", "action_add_note"} <= ids


def action_id(engine, ref: str) -> int:
    with make_sessions(engine)() as session:
        return session.scalar(select(m.Action.id).where(m.Action.ref == ref))


def test_the_secretary_sees_papers_outstanding_overdue_actions_by_lead_and_escalations(demo_db):
    said = text(home_of(demo_db, "maria-burton"))
    assert "Health & Wellbeing Board (as secretary)" in said
    assert "Papers: 2 outstanding for Thu 5 Oct 2023" in said
    assert "Overdue actions by lead: no lead recorded 6" in said
    assert "Escalated (14+ days overdue): 7: HWB-89" in said
    assert "Boards you run" not in text(home_of(demo_db, "kiran-hayer"))


def test_a_member_sees_the_next_meeting_in_their_zone_with_calendar_links(demo_db):
    view = home_of(demo_db, "maria-burton")
    said = text(view)
    assert "Health & Wellbeing Board\nThursday 5 October 2023 · Museum of Brands" in said
    assert "papers link not recorded" in said
    raw = " ".join(b.get("text", {}).get("text", "") for b in view["blocks"])
    assert "<!date^" in raw and "calendar.google.com" in raw and "outlook.office.com" in raw


def test_kpi_headlines_say_how_new_since_the_last_meeting_is_derived(demo_db):
    said = text(home_of(demo_db, "maria-burton"))
    assert "KPIs have figures for periods ending after the last meeting (Thu 8 Jun 2023)" in said
    assert "when a figure arrived is not recorded" in said


def test_restricted_actions_never_appear_only_a_count(demo_db):
    with make_sessions(demo_db).begin() as session:
        action = session.scalar(select(m.Action).where(m.Action.ref == "HWB-2"))
        action.agenda_item.restricted = True
    said = text(home_of(demo_db, "kiran-hayer"))
    assert "HWB-2" not in said and "Re-offending" not in said
    assert "1 restricted (Part 2), not shown here" in said
    assert "YOUTH JUSTICE PLANS" not in said  # its paper is for the same, now restricted, item


def test_someone_not_in_the_records_is_told_so(demo_db):
    said = text(home_of(demo_db, None))
    assert "I can't find you in the board records" in said


def test_settings_show_on_the_home_tab_with_their_controls(demo_db):
    from commands import settings

    with make_sessions(demo_db).begin() as session:
        josh, kiran = person(session, "josh-rendall"), person(session, "kiran-hayer")
        settings.set_quiet(session, josh, [4], SEPT_2023)
        settings.set_away(session, josh, SEPT_2023.date().replace(day=14), kiran, SEPT_2023)
    view = home_of(demo_db, "josh-rendall")
    said = text(view)
    assert (
        "Quiet days: Friday" in said and "Away until Thu 14 Sep 2023: Kiran Hayer gets your reminders" in said
    )
    ids = {e["action_id"] for e in elements(view)}
    assert {"home_delivery_immediate", "home_delivery_daily", "home_quiet", "home_back"} <= ids
    [quiet] = [e for e in elements(view) if e["action_id"] == "home_quiet"]
    assert [o["value"] for o in quiet["initial_options"]] == ["4"]
