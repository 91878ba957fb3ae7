"""The Slack app manifest declares exactly what the registered listeners handle."""

from __future__ import annotations

import json

import pytest
import yaml
from slack_bolt import App, BoltRequest

from bot.app import create_app
from bot.config import Settings
from bot.db import make_sessions
from bot.manifest import EVENT_SUBSCRIPTIONS, manifest, manifest_yaml
from tests.conftest import ROOT


def dispatch(app, body):
    return app.dispatch(BoltRequest(body=body, mode="socket_mode"))


def command(name):
    return {
        "command": name,
        "text": "",
        "team_id": "local",
        "user_id": "U1",
        "channel_id": "D1",
        "channel_name": "directmessage",
    }


def test_manifest_file_is_what_boardbot_manifest_prints():
    assert (ROOT / "manifest.yml").read_text() == manifest_yaml()


def test_every_declared_command_has_a_listener_and_nothing_else_does(fresh_db, fake_slack):
    app = create_app(Settings(slack_api_url=fake_slack.api_url), make_sessions(fresh_db))
    declared = [c["command"] for c in manifest()["features"]["slash_commands"]]
    assert len(declared) == len(set(declared))
    for name in declared:
        assert dispatch(app, command(name)).status == 200, name
    assert dispatch(app, command("/undeclared")).status == 404


def test_interactivity_is_declared_for_the_page_buttons(fresh_db, fake_slack):
    app = create_app(Settings(slack_api_url=fake_slack.api_url), make_sessions(fresh_db))
    assert manifest()["settings"]["interactivity"]["is_enabled"] is True
    body = {
        "type": "block_actions",
        "team": {"id": "local"},
        "user": {"id": "U1"},
        "channel": {"id": "D1"},
        "response_url": "http://127.0.0.1:9/x",
        "actions": [{"action_id": "page_next", "value": json.dumps({"c": "boardbot", "t": "", "p": 2})}],
    }
    assert dispatch(app, {**body, "actions": [{"action_id": "unknown_button", "value": ""}]}).status == 404
    assert body["actions"][0]["action_id"] in {"page_next", "page_previous"}


def test_socket_mode_manifest_has_no_urls():
    text = yaml.safe_dump(manifest(socket_mode=True))
    assert "url" not in text and manifest(socket_mode=True)["settings"]["socket_mode_enabled"] is True


def test_every_event_the_listeners_handle_is_subscribed(fresh_db, fake_slack, monkeypatch):
    registered: list[str] = []
    event = App.event

    def recording(self, event_type, *args, **kwargs):
        registered.append(event_type)
        return event(self, event_type, *args, **kwargs)

    monkeypatch.setattr(App, "event", recording)
    create_app(Settings(slack_api_url=fake_slack.api_url), make_sessions(fresh_db))
    subscribed = manifest()["settings"]["event_subscriptions"]["bot_events"]
    assert registered and set(registered) == set(EVENT_SUBSCRIPTIONS)
    for name in registered:
        assert set(EVENT_SUBSCRIPTIONS[name]) <= set(subscribed), name
    assert len(subscribed) == len(set(subscribed))


@pytest.mark.parametrize("channel_type", ["channel", "group"])
def test_a_thread_reply_in_a_public_or_private_channel_reaches_the_listener(
    fresh_db, fake_slack, channel_type
):
    """Private board channels send `message.groups`; the `message` listener takes both kinds."""
    assert f"message.{channel_type}s" in manifest()["settings"]["event_subscriptions"]["bot_events"]
    app = create_app(Settings(slack_api_url=fake_slack.api_url), make_sessions(fresh_db))
    event = {
        "type": "message",
        "channel_type": channel_type,
        "channel": "G0PRIVATE" if channel_type == "group" else "C0PUBLIC",
        "user": "U1",
        "text": "done",
        "ts": "1693555300.000002",
        "thread_ts": "1693555300.000001",
    }
    body = {"type": "event_callback", "team_id": "local", "event_id": "Ev1", "event": event}
    assert dispatch(app, body).status == 200
    assert dispatch(app, {**body, "event": {**event, "type": "reaction_added"}}).status == 404
