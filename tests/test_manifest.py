"""The Slack app manifest declares exactly what the registered listeners handle."""

from __future__ import annotations

import json

import yaml
from slack_bolt import BoltRequest

from bot.app import create_app
from bot.config import Settings
from bot.db import make_sessions
from bot.manifest import manifest, manifest_yaml
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
