"""The buttons on an action and their forms, end to end through Slack-signed requests."""

from __future__ import annotations

import json
from itertools import count
from urllib.parse import urlencode

from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from tests.bot.slack.test_events import history, link_people, posted

_ts = count(1)
KIRAN = {"id": "UKIRAN", "team_id": "local"}


def action_id(engine, ref: str) -> int:
    with make_sessions(engine).begin() as session:
        return session.scalar(select(m.Action.id).where(m.Action.ref == ref))


def action(engine, ref: str) -> m.Action:
    with make_sessions(engine).begin() as session:
        return session.scalar(select(m.Action).where(m.Action.ref == ref))


def press(running, fake_slack, button: str, ref_id: int, *, user=KIRAN, action_ts=None, **extra):
    element = {
        "action_id": button,
        "block_id": f"action:{ref_id}",
        "value": f"action:{ref_id}",
        "type": "button",
        "action_ts": action_ts or f"1693555300.{next(_ts):06d}",
        **extra,
    }
    return running.button(element, user=user, response_url=fake_slack.response_url())


def responses(fake_slack) -> list[str]:
    return [call.body["text"] for call in fake_slack.calls_to("respond")]


def submit(running, callback_id: str, metadata: dict, values: dict, *, user=KIRAN, view_id="V1"):
    payload = {
        "type": "view_submission",
        "team": {"id": "local"},
        "user": user,
        "trigger_id": "1.2.3",
        "view": {
            "id": view_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": json.dumps(metadata),
            "state": {"values": values},
        },
    }
    return running.post(urlencode({"payload": json.dumps(payload)}))


def test_actions_lists_carry_update_buttons_on_open_actions(running, demo_db):
    link_people(demo_db)  # the buttons are for who may update: here the board's secretary
    status, reply = running.command("/actions", "hwb", user_id="UMARIA")
    elements = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    ids = {e["action_id"] for e in elements}
    assert {
        "action_done",
        "action_in_progress",
        "action_blocked",
        "action_new_date",
        "action_add_note",
    } <= ids
    assert all(
        e.get("value", "action:1").startswith("action:") for e in elements if e["action_id"] != "page_next"
    )


def test_done_button_marks_the_action_done_via_button(running, fake_slack, demo_db):
    link_people(demo_db)
    hwb2 = action_id(demo_db, "HWB-2")
    status, _ = press(running, fake_slack, "action_done", hwb2)
    assert status == 200
    [text] = responses(fake_slack)
    assert "Updated *HWB-2*" in text and "Open → *Done*" in text
    assert history(demo_db, "HWB-2")[0][:6] == (1, "status", "open", "done", "button", "kiran-hayer")


def test_the_same_press_delivered_twice_applies_once(running, fake_slack, demo_db):
    link_people(demo_db)
    hwb2 = action_id(demo_db, "HWB-2")
    press(running, fake_slack, "action_blocked", hwb2, action_ts="1693555300.999999")
    press(running, fake_slack, "action_blocked", hwb2, action_ts="1693555300.999999")
    assert len(history(demo_db, "HWB-2")) == 1


def test_someone_elses_action_is_refused_politely(running, fake_slack, demo_db):
    link_people(demo_db)
    press(running, fake_slack, "action_in_progress", action_id(demo_db, "HWB-12"))
    [text] = responses(fake_slack)
    assert text.startswith("Sorry: only the lead of *HWB-12*") and "Nothing was changed" in text
    assert history(demo_db, "HWB-12") == []


def test_the_date_picker_sets_a_new_due_date_but_not_a_past_one(running, fake_slack, demo_db):
    link_people(demo_db)
    hwb2 = action_id(demo_db, "HWB-2")
    press(
        running,
        fake_slack,
        "action_new_date",
        hwb2,
        type="datepicker",
        selected_date="2023-12-15",
        value=None,
    )
    press(
        running,
        fake_slack,
        "action_new_date",
        hwb2,
        type="datepicker",
        selected_date="2023-08-01",
        value=None,
    )
    first, second = responses(fake_slack)
    assert "due date: none → *Fri 15 Dec 2023*" in first
    assert "is in the past" in second and "Nothing was changed" in second
    assert [row[1:5] for row in history(demo_db, "HWB-2")] == [("due_on", None, "2023-12-15", "button")]


def test_a_reminders_new_date_button_opens_a_form_that_sets_the_date(running, fake_slack, demo_db):
    link_people(demo_db)
    hwb2 = action_id(demo_db, "HWB-2")
    press(running, fake_slack, "action_new_date", hwb2, trigger_id="9.9.9")
    [opened] = fake_slack.calls_to("views.open")
    view = json.loads(opened.body["view"]) if isinstance(opened.body["view"], str) else opened.body["view"]
    assert view["callback_id"] == "action_new_date_modal"
    metadata = json.loads(view["private_metadata"])
    assert metadata["a"] == hwb2
    values = {
        "due_on": {"value": {"type": "datepicker", "selected_date": "2023-10-31"}},
        "note": {"value": {"type": "plain_text_input", "value": "waiting for the autumn data"}},
    }
    status, body = submit(running, "action_new_date_modal", metadata, values)
    assert status == 200 and not body  # the form closes
    assert action(demo_db, "HWB-2").due_on.isoformat() == "2023-10-31"
    assert [row[1] for row in history(demo_db, "HWB-2")] == ["due_on", "progress"]
    assert {row[4] for row in history(demo_db, "HWB-2")} == {"form"}
    [told] = fake_slack.calls_to("chat.postEphemeral")
    assert told.body["user"] == "UKIRAN" and "Updated *HWB-2*" in told.body["text"]


def test_the_date_form_refuses_a_past_date_on_the_form_itself(running, fake_slack, demo_db):
    link_people(demo_db)
    metadata = {"a": action_id(demo_db, "HWB-2"), "c": "DKIRAN", "t": None}
    values = {"due_on": {"value": {"type": "datepicker", "selected_date": "2023-08-31"}}}
    status, body = submit(running, "action_new_date_modal", metadata, values)
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors" and "has passed" in answer["errors"]["due_on"]
    assert history(demo_db, "HWB-2") == []


def test_add_note_opens_a_form_and_records_the_progress(running, fake_slack, demo_db):
    link_people(demo_db)
    hwb2 = action_id(demo_db, "HWB-2")
    press(running, fake_slack, "action_add_note", hwb2)
    [opened] = fake_slack.calls_to("views.open")
    view = json.loads(opened.body["view"]) if isinstance(opened.body["view"], str) else opened.body["view"]
    assert view["callback_id"] == "action_add_note_modal"
    values = {"note": {"value": {"type": "plain_text_input", "value": "Draft <b>sent</b> & agreed"}}}
    submit(running, "action_add_note_modal", json.loads(view["private_metadata"]), values)
    assert action(demo_db, "HWB-2").progress == "Draft <b>sent</b> & agreed"
    [told] = fake_slack.calls_to("chat.postEphemeral")
    assert "Draft &lt;b&gt;sent&lt;/b&gt; &amp; agreed" in told.body["text"]  # escaped for Slack


def test_a_button_for_an_action_that_is_gone_says_so(running, fake_slack):
    press(running, fake_slack, "action_done", 999999)
    [text] = responses(fake_slack)
    assert "older message" in text


def test_a_forged_button_value_changes_nothing(running, fake_slack, demo_db):
    link_people(demo_db)
    element = {"action_id": "action_done", "value": "action:abc", "type": "button", "block_id": "x"}
    running.button(element, user=KIRAN, response_url=fake_slack.response_url())
    assert "older message" in responses(fake_slack)[0]
    assert posted(fake_slack) == []


def paper_item(engine, meeting_key: str, number: str) -> m.AgendaItem:
    with make_sessions(engine).begin() as session:
        return session.scalar(
            select(m.AgendaItem)
            .join(m.Meeting)
            .where(m.Meeting.key == meeting_key, m.AgendaItem.number == number)
        )


def test_a_papers_submitted_button_marks_it_submitted_for_the_secretary(running, fake_slack, demo_db):
    link_people(demo_db)
    item = paper_item(demo_db, "hwb-2023-10-05", "7")
    element = {
        "action_id": "paper_submitted",
        "value": f"paper:{item.id}",
        "type": "button",
        "action_ts": "1.5",
    }
    maria = {"id": "UMARIA", "team_id": "local"}
    running.button(element, user=maria, response_url=fake_slack.response_url())
    running.button(element, user=maria, response_url=fake_slack.response_url())
    first, second = responses(fake_slack)
    assert "is marked as submitted" in first and "already submitted: nothing changed" in second
    assert paper_item(demo_db, "hwb-2023-10-05", "7").paper_status == "submitted"


def test_only_the_author_secretary_or_a_chair_may_mark_a_paper(running, fake_slack, demo_db):
    link_people(demo_db)
    item = paper_item(demo_db, "hwb-2023-10-05", "6")  # Sarah Newman's: Kiran is a stranger to it
    element = {
        "action_id": "paper_submitted",
        "value": f"paper:{item.id}",
        "type": "button",
        "action_ts": "1.6",
    }
    running.button(element, user=KIRAN, response_url=fake_slack.response_url())
    [text] = responses(fake_slack)
    assert text.startswith("Sorry: only the paper's author") and "Nothing was changed" in text
    assert paper_item(demo_db, "hwb-2023-10-05", "6").paper_status == item.paper_status


def test_the_second_author_of_a_paper_may_mark_it_submitted(running, fake_slack, demo_db):
    # item 7 names two authors, Jyoti Morar (RBKC) and Kiran Hayer (WCC): both are linked
    link_people(demo_db)
    item = paper_item(demo_db, "hwb-2023-10-05", "7")
    element = {
        "action_id": "paper_submitted",
        "value": f"paper:{item.id}",
        "type": "button",
        "action_ts": "1.7",
    }
    running.button(element, user=KIRAN, response_url=fake_slack.response_url())
    [text] = responses(fake_slack)
    assert "is marked as submitted" in text
    assert paper_item(demo_db, "hwb-2023-10-05", "7").paper_status == "submitted"


def test_a_papers_author_may_mark_it_submitted(running, fake_slack, demo_db):
    link_people(demo_db, {"sarah-newman": "USARAH"})
    item = paper_item(demo_db, "hwb-2023-10-05", "6")
    element = {
        "action_id": "paper_submitted",
        "value": f"paper:{item.id}",
        "type": "button",
        "action_ts": "1.7",
    }
    running.button(element, user={"id": "USARAH", "team_id": "local"}, response_url=fake_slack.response_url())
    assert "is marked as submitted" in responses(fake_slack)[0]
