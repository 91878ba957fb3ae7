"""Recording actions and marking papers from Slack: socket-mode payloads through app.dispatch,
the fake Slack Web API recording views.open and the replies."""

from __future__ import annotations

import json

from slack_bolt import BoltRequest
from sqlalchemy import func, select

from bot import models as m
from bot.db import make_sessions
from tests.bot.slack.test_events import link_people
from tests.fake_slack import Scripted, view_of

MARIA = {"id": "UMARIA", "team_id": "local"}
KIRAN = {"id": "UKIRAN", "team_id": "local"}


def dispatch(app, body: dict):
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    return response.status, (json.loads(response.body) if response.body else None)


def shortcut(app, user=MARIA, text="Maria to check the &lt;Q2&gt; figures &amp; report back", trigger="T.1"):
    return dispatch(
        app,
        {
            "type": "message_action",
            "callback_id": "record_action",
            "trigger_id": trigger,
            "team": {"id": "local"},
            "user": user,
            "channel": {"id": "CHWB", "name": "hwb"},
            "message": {"type": "message", "user": "UJOSH", "ts": "1693555200.000100", "text": text},
            "response_url": "http://127.0.0.1:9/unused",
        },
    )


def slash(app, text: str, user_id="UMARIA", channel_id="DMARIA"):
    return dispatch(
        app,
        {
            "command": "/boardbot",
            "text": text,
            "team_id": "local",
            "user_id": user_id,
            "channel_id": channel_id,
            "channel_name": "directmessage",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "T.2",
        },
    )


def submit(app, view: dict, values: dict, user=MARIA, view_id="VREC1"):
    return dispatch(
        app,
        {
            "type": "view_submission",
            "team": {"id": "local"},
            "user": user,
            "trigger_id": "T.3",
            "view": {**view, "id": view_id, "state": {"values": values}},
        },
    )


def values(board_id: int, **extra) -> dict:
    found = {
        "board": {"value": {"type": "static_select", "selected_option": {"value": str(board_id)}}},
        "lead_user": {"value": {"type": "users_select", "selected_user": "UKIRAN"}},
        "description": {"value": {"type": "plain_text_input", "value": "Check the Q2 figures"}},
        "due_on": {"value": {"type": "datepicker", "selected_date": "2023-11-30"}},
    }
    return found | {k: {"value": v} for k, v in extra.items()}


def actions_count(engine) -> int:
    with make_sessions(engine).begin() as session:
        return session.scalar(select(func.count()).select_from(m.Action))


def test_the_shortcut_opens_the_form_prefilled_with_the_message(bolt_app, fake_slack, demo_db):
    link_people(demo_db)
    status, _ = shortcut(bolt_app)
    assert status == 200
    [opened] = fake_slack.calls_to("views.open")
    assert opened.body["trigger_id"] == "T.1"
    view = view_of(opened.body)
    assert view["callback_id"] == "record_action_modal"
    description = next(b for b in view["blocks"] if b["block_id"] == "description")
    assert description["element"]["initial_value"] == "Maria to check the <Q2> figures & report back"
    assert json.loads(view["private_metadata"]) == {"c": "CHWB", "t": "1693555200.000100"}


def test_boardbot_action_add_opens_an_empty_form(bolt_app, fake_slack, demo_db):
    link_people(demo_db)
    status, body = slash(bolt_app, "action add")
    assert status == 200 and not body  # no message: the form is the answer
    [opened] = fake_slack.calls_to("views.open")
    assert opened.body["trigger_id"] == "T.2"
    view = view_of(opened.body)
    description = next(b for b in view["blocks"] if b["block_id"] == "description")
    assert "initial_value" not in description["element"]


def test_the_form_is_not_opened_for_someone_who_may_not_record(bolt_app, fake_slack, demo_db):
    link_people(demo_db)
    shortcut(bolt_app, user=KIRAN)
    status, body = slash(bolt_app, "action add", user_id="UKIRAN")
    assert fake_slack.calls_to("views.open") == []
    [told] = fake_slack.calls_to("chat.postEphemeral")
    assert told.body["user"] == "UKIRAN" and "Sorry: only a board's secretary" in told.body["text"]
    assert "Sorry: only a board's secretary" in body["text"]


def test_an_admin_unknown_to_the_data_may_record(bolt_app, fake_slack, demo_db):
    admin = {"ok": True, "user": {"id": "UADMIN", "team_id": "local", "is_admin": True, "profile": {}}}
    fake_slack.script("users.info", Scripted(body=admin))
    slash(bolt_app, "action add", user_id="UADMIN")
    [opened] = fake_slack.calls_to("views.open")
    assert len(view_of(opened.body)["blocks"][0]["element"]["options"]) >= 2


def test_submitting_the_form_records_the_action_and_tells_the_sender(bolt_app, fake_slack, demo_db):
    link_people(demo_db)
    fake_slack.script(
        "chat.getPermalink", Scripted(body={"ok": True, "permalink": "https://example.slack.com/x"})
    )
    shortcut(bolt_app)
    view = view_of(fake_slack.calls_to("views.open")[0].body)
    hwb = int(view["blocks"][0]["element"]["initial_option"]["value"])
    before = actions_count(demo_db)
    status, body = submit(bolt_app, view, values(hwb))
    assert status == 200 and not body  # the form closes
    submit(bolt_app, view, values(hwb))  # delivered twice: recorded once
    assert actions_count(demo_db) == before + 1
    with make_sessions(demo_db).begin() as session:
        action = session.scalar(select(m.Action).order_by(m.Action.id.desc()).limit(1))
        assert (action.description, action.lead.key, action.status) == (
            "Check the Q2 figures",
            "kiran-hayer",
            "open",
        )
        [row] = session.scalars(select(m.ActionUpdate).where(m.ActionUpdate.action_id == action.id))
        assert (row.via, row.by.key, row.link) == ("form", "maria-burton", "https://example.slack.com/x")
        ref = action.ref
    [told, *_] = fake_slack.calls_to("chat.postEphemeral")
    assert told.body["channel"] == "CHWB" and f"Recorded *{ref}*" in told.body["text"]


def test_a_bad_form_shows_its_errors_and_writes_nothing(bolt_app, fake_slack, demo_db):
    link_people(demo_db)
    slash(bolt_app, "action add")
    view = view_of(fake_slack.calls_to("views.open")[0].body)
    hwb = int(view["blocks"][0]["element"]["initial_option"]["value"])
    before = actions_count(demo_db)
    bad = values(hwb, due_on={"type": "datepicker", "selected_date": "2023-01-01"})
    bad["description"] = {"value": {"type": "plain_text_input", "value": ""}}
    status, body = submit(bolt_app, view, bad)
    assert status == 200 and body["response_action"] == "errors"
    assert set(body["errors"]) == {"due_on", "description"}
    assert actions_count(demo_db) == before
    assert fake_slack.calls_to("chat.postEphemeral") == fake_slack.calls_to("chat.postMessage") == []


def test_permission_is_checked_again_on_submission(bolt_app, fake_slack, demo_db):
    link_people(demo_db)
    slash(bolt_app, "action add")
    view = view_of(fake_slack.calls_to("views.open")[0].body)
    hwb = int(view["blocks"][0]["element"]["initial_option"]["value"])
    with make_sessions(demo_db).begin() as session:  # Maria stops being the secretary meanwhile
        board = session.get(m.Board, hwb)
        for membership in session.scalars(
            select(m.Membership).where(
                m.Membership.board_id == hwb, m.Membership.person_id == board.secretary_id
            )
        ):
            session.delete(membership)
        board.secretary_id = None
    before = actions_count(demo_db)
    status, body = submit(bolt_app, view, values(hwb))
    assert body["response_action"] == "errors" and body["errors"]["board"].startswith("Only the secretary")
    assert actions_count(demo_db) == before


def test_paper_submitted_through_slack(bolt_app, fake_slack, demo_db):
    link_people(demo_db)
    status, body = slash(bolt_app, "paper submitted hwb 7")
    assert status == 200 and "is marked as submitted" in body["text"]
    status, body = slash(bolt_app, "paper submitted hwb 6", user_id="UKIRAN")  # Sarah Newman's paper
    assert body["text"].startswith("Sorry: only the paper's author")
    status, body = slash(bolt_app, "help")
    assert "/boardbot paper submitted" in body["text"]


def test_every_declared_shortcut_has_a_listener(bolt_app, fake_slack, demo_db):
    from bot.manifest import manifest

    declared = manifest()["features"]["shortcuts"]
    assert [(s["callback_id"], s["type"]) for s in declared] == [("record_action", "message")]
    assert shortcut(bolt_app)[0] == 200
    body = {"type": "message_action", "callback_id": "undeclared", "team": {"id": "local"}, "user": MARIA}
    assert dispatch(bolt_app, body)[0] == 404
