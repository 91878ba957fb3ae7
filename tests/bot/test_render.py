"""Rendering: every value is escaped for the JSON string it sits in and for Slack mrkdwn."""

from __future__ import annotations

import json

import pytest

from bot import render


@pytest.mark.parametrize("char", sorted({chr(c) for c in render.SLACK_AND_JSON} | {"a", "é", "∗"}))
def test_every_value_is_escaped_for_json_and_slack_whatever_it_holds(char):
    """Each character that needs it, alone or among others, comes out escaped (as JSON for every
    value, as Slack mrkdwn too unless the value is Mrkdwn already)."""
    template = render.environment().from_string('{"t": "{{ plain }}", "m": "{{ marked }}"}')
    for text in (char, f"Ward {char} 5", f"{char}{char}"):
        out = template.render(plain=text, marked=render.Mrkdwn(text))
        plain, marked = text.translate(render.SLACK_AND_JSON), text.translate(render.JSON_STRING)
        assert out == f'{{"t": "{plain}", "m": "{marked}"}}'  # each character as the tables say
        assert json.loads(out) == {"t": render.slack_escape(text), "m": text}
