"""The fake Slack Web API the tests run against: bot/slack/fake.py (the console uses it too)."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.fake import Call, FakeSlack, Scripted

__all__ = ["Call", "FakeSlack", "Scripted", "view_of"]


def view_of(call_body: dict[str, Any]) -> dict[str, Any]:
    """A view as a Web API call carried it (JSON text in a form post, an object in JSON)."""
    view = call_body["view"]
    return json.loads(view) if isinstance(view, str) else view
