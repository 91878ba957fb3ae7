"""The Home tab end to end: Slack-signed requests to the running app, views.publish at the fake Slack."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from urllib.parse import urlencode

from slack_sdk.models.views import View
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from tests.bot.slack.test_events import event_body, link_people, send
from tests.fake_slack import view_of
from tests.slack_limits import check_view

HEAVY = "UHEAVY"


def open_home(running, user: str) -> None:
    status, _ = send(
        running, event_body({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D1"})
    )
    assert status == 200


def published(fake_slack, user: str) -> list[dict]:
    """The views published to `user`'s Home tab, checked as Slack would check them."""
    views = []
    for call in fake_slack.calls_to("views.publish"):
        if call.body["user_id"] == user:
            view = view_of(call.body)
            View(**view).validate_json()
            check_view(view, "home")
            assert len(view["blocks"]) <= 100
            views.append(view)
    return views


def words(view: dict) -> str:
    found = []
    for block in view["blocks"]:
        if block.get("text"):
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(found).replace("*", "")


def press_on_home(running, user: str, element: dict) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": "local"},
        "user": {"id": user, "team_id": "local"},
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home"},
        "trigger_id": "1.2.3",
        "actions": [{"action_ts": "1693555300.000001", "type": "button", **element}],
    }
    status, _ = running.post(urlencode({"payload": json.dumps(payload)}))
    assert status == 200


def test_opening_the_home_tab_publishes_the_persons_view(running, fake_slack, demo_db):
    link_people(demo_db)
    open_home(running, "UKIRAN")
    [view] = published(fake_slack, "UKIRAN")
    assert view["type"] == "home"
    assert "Your papers due" in words(view) and "HWB-2 (HWB)" in words(view)


def test_pressing_done_on_the_home_tab_updates_the_action_and_republishes(running, fake_slack, demo_db):
    link_people(demo_db)
    with make_sessions(demo_db)() as session:
        hwb2 = session.scalar(select(m.Action.id).where(m.Action.ref == "HWB-2"))
    press_on_home(
        running,
        "UKIRAN",
        {"action_id": "action_done", "block_id": f"action:{hwb2}", "value": f"action:{hwb2}"},
    )
    [after] = published(fake_slack, "UKIRAN")
    assert "HWB-2" not in words(after) and "You lead no open actions." in words(after)
    assert fake_slack.calls_to("respond") == []  # a Home press has no response_url: the tab is the answer
    with make_sessions(demo_db)() as session:
        assert session.get(m.Action, hwb2).status == "done"


def test_settings_change_from_the_home_tab_and_from_boardbot_settings(running, fake_slack, demo_db):
    link_people(demo_db)
    press_on_home(running, "UKIRAN", {"action_id": "home_delivery_daily", "value": "daily"})
    assert "Once a day, together" in words(published(fake_slack, "UKIRAN")[-1])
    press_on_home(
        running,
        "UKIRAN",
        {
            "action_id": "home_quiet",
            "type": "multi_static_select",
            "selected_options": [{"value": "0"}, {"value": "4"}],
        },
    )
    assert "Quiet days: Monday, Friday" in words(published(fake_slack, "UKIRAN")[-1])
    status, reply = running.command("/boardbot", "away until 14 Sept delegate maria burton", user_id="UKIRAN")
    assert "until Thu 14 Sep 2023 your reminders go to Maria Burton" in reply["text"]
    assert "Away until Thu 14 Sep 2023: Maria Burton gets your reminders" in words(
        published(fake_slack, "UKIRAN")[-1]
    )
    running.command("/boardbot", "help", user_id="UKIRAN")
    assert len(published(fake_slack, "UKIRAN")) == 3  # help changes nothing: not republished


def submit_away(running, user: str, until: str, delegate: str):
    payload = {
        "type": "view_submission",
        "team": {"id": "local"},
        "user": {"id": user, "team_id": "local"},
        "view": {
            "id": "VAWAY",
            "type": "modal",
            "callback_id": "home_away_modal",
            "private_metadata": "",
            "state": {
                "values": {
                    "until": {"until": {"type": "datepicker", "selected_date": until}},
                    "delegate": {"delegate": {"type": "users_select", "selected_user": delegate}},
                }
            },
        },
    }
    status, body = running.post(urlencode({"payload": json.dumps(payload)}))
    return status, json.loads(body) if body else {}


def test_the_away_form_refuses_a_past_day_and_oneself_and_saves_a_good_answer(running, fake_slack, demo_db):
    link_people(demo_db)
    press_on_home(running, "UKIRAN", {"action_id": "home_away", "value": "away"})
    [form] = [view_of(c.body) for c in fake_slack.calls_to("views.open")]
    assert form["callback_id"] == "home_away_modal"
    _, answer = submit_away(running, "UKIRAN", "2023-08-31", "UMARIA")
    assert "has passed" in answer["errors"]["until"]
    _, answer = submit_away(running, "UKIRAN", "2023-09-14", "UKIRAN")
    assert "own delegate" in answer["errors"]["delegate"]
    _, answer = submit_away(running, "UKIRAN", "2023-09-14", "USTRANGER")
    assert "not in the board records" in answer["errors"]["delegate"]
    assert submit_away(running, "UKIRAN", "2023-09-14", "UMARIA")[0] == 200
    assert "Away until Thu 14 Sep 2023: Maria Burton" in words(published(fake_slack, "UKIRAN")[-1])


def add_heavy_user(engine) -> None:
    """Five boards, each chaired and run by one person who leads 50 actions and writes 20 papers."""
    with make_sessions(engine).begin() as s:
        workspace = s.scalar(select(m.Workspace).where(m.Workspace.team_id == "local"))
        heavy = m.Person(workspace_id=workspace.id, key="heavy-user", name="Heavy User", slack_user_id=HEAVY)
        other = m.Person(workspace_id=workspace.id, key="other-lead", name="Other Lead")
        s.add_all([heavy, other])
        s.flush()
        today = date(2023, 9, 1)
        for n in range(5):
            board = m.Board(
                workspace_id=workspace.id, key=f"heavy{n}", name=f"Heavy Board {n}", secretary_id=heavy.id
            )
            s.add(board)
            s.flush()
            s.add(m.Membership(board_id=board.id, person_id=heavy.id, role=m.MembershipRole.CHAIR))
            last = m.Meeting(
                board_id=board.id, key=f"h{n}-last", meets_on=today - timedelta(days=60), status="confirmed"
            )
            meeting = m.Meeting(
                board_id=board.id, key=f"h{n}-next", meets_on=today + timedelta(days=20 + n), starts_at=time(14, 0),
                status="confirmed", venue="Room " * 60, papers_url="https://example.org/papers",
            )  # fmt: skip
            s.add_all([last, meeting])
            s.flush()
            for i in range(4):
                s.add(m.AgendaItem(meeting_id=meeting.id, number=str(i + 1), position=i, title="A paper " * 40,
                                   report_author_id=heavy.id, paper_status="awaited"))  # fmt: skip
            for i in range(10):
                due = today + timedelta(days=(i - 5) * 9)
                s.add(m.Action(board_id=board.id, ref=f"H{n}-{i}", description="Something long to do. " * 30,
                               lead_id=heavy.id, due_on=due if i % 3 else None, timescale=None if i % 3 else "Autumn 2023",
                               due_by=None if i % 3 else date(2023, 11, 30), status="open"))  # fmt: skip
                s.add(m.Action(board_id=board.id, ref=f"O{n}-{i}", description="Late", lead_id=other.id,
                               due_on=today - timedelta(days=20 + i), status="open"))  # fmt: skip
            for i in range(6):
                kpi = m.Kpi(
                    board_id=board.id, key=f"k{n}-{i}", name=f"KPI {i} " * 20, scope="borough", unit="%"
                )
                s.add(kpi)
                s.flush()
                s.add(m.KpiValue(kpi_id=kpi.id, area="Westminster", period="2023 Q2", period_end=date(2023, 6, 30),
                                 value=40.0 + i))  # fmt: skip


def test_a_heavy_users_home_fits_in_100_blocks_and_points_to_the_full_lists(running, fake_slack, demo_db):
    add_heavy_user(demo_db)
    open_home(running, HEAVY)
    [view] = published(fake_slack, HEAVY)
    said = words(view)
    assert len(view["blocks"]) <= 100
    assert "Showing 8 of 50, most urgent first: `/actions mine` lists them all" in said
    assert "And 15 more, later" in said
    assert said.count("(as secretary)") == 5 and "Other Lead 10" in said
    assert "15 overdue · 5 due in the next 14 days · 30 other open" in said
    assert said.count("Was due") == 8  # the most urgent first: the overdue ones


def test_sending_apologies_from_the_home_tab_records_them_says_so_by_dm_and_shows_the_reply(
    running, fake_slack, demo_db
):
    link_people(demo_db, {"sarah-newman": "USARAH"})
    open_home(running, "USARAH")
    [before] = published(fake_slack, "USARAH")
    assert "Your reply: not said yet" in words(before)
    [button] = [
        e
        for block in before["blocks"]
        if block.get("type") == "actions" and block.get("block_id", "").startswith("home_attendance:")
        for e in block["elements"]
        if e["action_id"] == "attendance_apologies"
    ]
    press_on_home(running, "USARAH", {"action_id": button["action_id"], "value": button["value"]})
    after = published(fake_slack, "USARAH")[-1]
    assert "Your reply: apologies sent (no substitute named)" in words(after)
    [dm] = [c.body for c in fake_slack.calls_to("chat.postMessage") if c.body.get("channel") == "USARAH"]
    assert "Apologies recorded from Sarah Newman" in dm["text"].replace("*", "")
    with make_sessions(demo_db)() as session:
        row = session.scalar(select(m.Attendance).where(m.Attendance.minuted.is_(False)))
        assert (row.person.key, row.status) == ("sarah-newman", "apologies")
