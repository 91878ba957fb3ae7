"""Updates by message end to end: Slack-signed event requests to the running app, the fake Slack Web API."""

from __future__ import annotations

import json
import threading
from itertools import count

import pytest
from sqlalchemy import func, select

from bot import models as m
from bot.db import make_sessions
from bot.slack.events import action_ids_in
from tests.bot.slack.conftest import Running
from tests.fake_slack import Scripted

_ts = count(1)
PEOPLE = {"kiran-hayer": "UKIRAN", "maria-burton": "UMARIA"}


@pytest.fixture
def threaded(bolt_app):
    """The served app, whose thread pool runs requests side by side (as `running` also does)."""
    server = Running(bolt_app)
    yield server
    server.close()


def at_once(running, bodies: list[str]) -> list[int]:
    """Send the requests together, each from its own thread; their statuses."""
    statuses: list[int] = []
    start = threading.Barrier(len(bodies))

    def one(body: str) -> None:
        start.wait()
        statuses.append(send(running, body)[0])

    threads = [threading.Thread(target=one, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def link_people(engine, people=PEOPLE):
    with make_sessions(engine).begin() as session:
        for key, user_id in people.items():
            session.scalar(select(m.Person).where(m.Person.key == key)).slack_user_id = user_id


def event_body(event: dict, *, event_id: str | None = None) -> str:
    ts = event.setdefault("ts", f"1693555200.{next(_ts):06d}")
    return json.dumps(
        {
            "token": "x",
            "team_id": "local",
            "api_app_id": "A0BOARDBOT",
            "type": "event_callback",
            "event_id": event_id or f"Ev{ts.replace('.', '')}",
            "event_time": 1693555200,
            "event": {"event_ts": ts, **event},
        }
    )


def dm(text: str, user: str = "UKIRAN", **fields) -> dict:
    return {
        "type": "message",
        "channel": "DKIRAN",
        "channel_type": "im",
        "user": user,
        "text": text,
        **fields,
    }


def send(running, body: str, retry: int | None = None):
    headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
    return running.post(body, content_type="application/json", headers=headers)


def posted(fake_slack) -> list[dict]:
    return [call.body for call in fake_slack.calls_to("chat.postMessage")]


def history(engine, ref: str) -> list[tuple]:
    with make_sessions(engine).begin() as session:
        rows = session.scalars(
            select(m.ActionUpdate).join(m.Action).where(m.Action.ref == ref).order_by(m.ActionUpdate.seq)
        )
        return [(r.seq, r.field, r.old, r.new, r.via, r.by.key if r.by else r.by_text, r.link) for r in rows]


def updates_count(engine) -> int:
    with make_sessions(engine).begin() as session:
        return session.scalar(select(func.count()).select_from(m.ActionUpdate))


def test_a_dm_update_is_applied_and_answered_in_its_thread(running, fake_slack, demo_db):
    link_people(demo_db)
    fake_slack.script(
        "chat.getPermalink",
        Scripted(body={"ok": True, "permalink": "https://x.slack.com/archives/DKIRAN/p1"}),
    )
    event = dm("HWB-2 in progress: waiting for ICB data")
    status, _ = send(running, event_body(event))
    assert status == 200
    [reply] = posted(fake_slack)
    assert reply["channel"] == "DKIRAN" and reply["thread_ts"] == event["ts"]
    assert "Updated *HWB-2*" in reply["text"] and "Open → *In progress*" in reply["text"]
    blocks = json.loads(reply["blocks"]) if isinstance(reply["blocks"], str) else reply["blocks"]
    assert any(e.get("action_id") == "action_done" for b in blocks for e in b.get("elements", []))
    assert history(demo_db, "HWB-2")[0] == (
        1,
        "status",
        "open",
        "in_progress",
        "message",
        "kiran-hayer",
        "https://x.slack.com/archives/DKIRAN/p1",
    )


def test_a_retried_event_applies_once_and_answers_once(running, fake_slack, demo_db):
    link_people(demo_db)
    body = event_body(dm("HWB-2 done"))
    assert send(running, body)[0] == 200
    assert send(running, body, retry=1)[0] == 200
    assert send(running, body, retry=2)[0] == 200
    assert len(posted(fake_slack)) == 1
    assert len(history(demo_db, "HWB-2")) == 1


def test_the_same_event_delivered_twice_at_once_applies_once(threaded, fake_slack, demo_db):
    link_people(demo_db)
    body = event_body(dm("HWB-2 blocked - waiting for sign-off"))
    assert at_once(threaded, [body] * 4) == [200] * 4
    assert len(posted(fake_slack)) == 1
    assert [row[1] for row in history(demo_db, "HWB-2")] == ["status", "progress"]


def test_two_people_updating_one_action_at_once_are_both_recorded_in_order(threaded, fake_slack, demo_db):
    link_people(demo_db)
    bodies = [
        event_body(dm(f"HWB-2 note: {who} {n}", user=user))
        for n in range(3)
        for who, user in (("kiran", "UKIRAN"), ("maria", "UMARIA"))
    ]
    assert at_once(threaded, bodies) == [200] * 6
    assert len(posted(fake_slack)) == 6
    rows = history(demo_db, "HWB-2")
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5, 6]
    for before, after in zip(rows, rows[1:], strict=False):
        assert after[2] == before[3]  # each change starts from the one before: none lost
    assert {row[3] for row in rows} == {f"{who} {n}" for n in range(3) for who in ("kiran", "maria")}


def test_edits_deletions_and_bot_messages_change_nothing(running, fake_slack, demo_db):
    link_people(demo_db)
    ignored = [
        dm("", subtype="message_changed", message={"text": "HWB-2 done", "user": "UKIRAN"}),
        dm("", subtype="message_deleted", deleted_ts="1.2"),
        dm("HWB-2 done", bot_id="BOTHER", subtype="bot_message"),
        dm("HWB-2 done", bot_id="BBOT"),
    ]
    for event in ignored:
        assert send(running, event_body(event))[0] == 200
    assert posted(fake_slack) == [] and updates_count(demo_db) == 0


def test_a_mention_and_its_twin_message_event_are_answered_once(running, fake_slack, demo_db):
    link_people(demo_db)
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Board).where(m.Board.key == "hwb")).slack_channel = "CHWB"
    event = {"channel": "CHWB", "user": "UMARIA", "text": "<@UBOT> HWB-12 done", "ts": "1693555299.000001"}
    assert send(running, event_body({"type": "app_mention", **event}, event_id="Ev1"))[0] == 200
    twin = {"type": "message", "channel_type": "channel", **event}
    assert send(running, event_body(twin, event_id="Ev2"))[0] == 200
    [reply] = posted(fake_slack)
    assert reply["channel"] == "CHWB" and reply["thread_ts"] == "1693555299.000001"
    assert len(history(demo_db, "HWB-12")) == 1


def test_channel_chatter_outside_boardbots_threads_is_ignored(running, fake_slack, demo_db):
    link_people(demo_db)
    top = {"type": "message", "channel": "CHWB", "channel_type": "channel", "user": "UMARIA"}
    send(running, event_body({**top, "text": "HWB-12 done"}))
    send(running, event_body({**top, "text": "HWB-12 done", "thread_ts": "1.000001", "parent_user_id": "UX"}))
    assert posted(fake_slack) == [] and updates_count(demo_db) == 0


def test_done_in_the_thread_of_a_reminder_updates_the_reminders_action(running, fake_slack, demo_db):
    link_people(demo_db)
    with make_sessions(demo_db).begin() as session:
        hwb2 = session.scalar(select(m.Action).where(m.Action.ref == "HWB-2")).id
    parent = {
        "ts": "1693555000.000100",
        "bot_id": "BBOT",
        "user": "UBOT",
        "blocks": [
            {"type": "actions", "elements": [{"action_id": "action_done", "value": f"action:{hwb2}"}]}
        ],
    }
    fake_slack.script("conversations.replies", Scripted(body={"ok": True, "messages": [parent]}))
    event = dm("done", thread_ts="1693555000.000100", parent_user_id="UBOT")
    assert send(running, event_body(event))[0] == 200
    [reply] = posted(fake_slack)
    assert reply["thread_ts"] == "1693555000.000100" and "Updated *HWB-2*" in reply["text"]
    [call] = fake_slack.calls_to("conversations.replies")
    assert call.body["ts"] == "1693555000.000100"


def test_a_new_slack_user_is_matched_by_email_and_remembered(running, fake_slack, demo_db):
    profile = {"ok": True, "user": {"id": "UNEW", "profile": {"email": "KHayer@westminster.gov.uk"}}}
    fake_slack.script("users.info", Scripted(body=profile))
    send(running, event_body(dm("HWB-2 done", user="UNEW")))
    send(running, event_body(dm("HWB-2 amber", user="UNEW")))
    assert len(fake_slack.calls_to("users.info")) == 1
    assert [row[5] for row in history(demo_db, "HWB-2")] == ["kiran-hayer", "kiran-hayer"]


def test_someone_not_in_the_data_is_answered_politely_and_nothing_changes(running, fake_slack, demo_db):
    send(running, event_body(dm("HWB-2 done", user="USTRANGER")))
    [reply] = posted(fake_slack)
    assert "The board secretary, Maria Burton" in reply["text"] and "Nothing was changed" in reply["text"]
    assert updates_count(demo_db) == 0


def test_undo_in_the_thread_reverts_the_last_change(running, fake_slack, demo_db):
    link_people(demo_db)
    first = dm("HWB-2 done")
    send(running, event_body(first))
    send(running, event_body(dm("undo", thread_ts=first["ts"])))
    assert [row[1:4] for row in history(demo_db, "HWB-2")] == [
        ("status", "open", "done"),
        ("status", "done", "open"),
    ]
    assert "Undone *HWB-2*" in posted(fake_slack)[-1]["text"]


def test_action_ids_are_read_from_buttons_and_block_ids():
    blocks = [
        {"type": "section", "block_id": "x"},
        {
            "type": "actions",
            "block_id": "action:7",
            "elements": [{"value": "action:7"}, {"value": "paper:3"}],
        },
        {"type": "actions", "elements": [{"value": "action:9"}]},
    ]
    assert action_ids_in(blocks) == [7, 9]


def test_every_declared_bot_event_has_a_listener(bolt_app):
    from slack_bolt import BoltRequest

    from bot.manifest import BOT_EVENTS, BOT_SCOPES

    for name in BOT_EVENTS:
        kind, _, channel_type = name.partition(".")
        event = {"type": kind, "channel": "C1", "user": "U1", "text": "hi", "ts": "1.000001"}
        if channel_type:
            event["channel_type"] = channel_type
        body = json.loads(event_body(event))
        assert bolt_app.dispatch(BoltRequest(body=body, mode="socket_mode")).status == 200, name
    assert {"app_mentions:read", "im:history", "channels:history", "chat:write"} <= set(BOT_SCOPES)
    assert {"users:read", "users:read.email"} <= set(BOT_SCOPES)
