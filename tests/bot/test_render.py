"""Rendering: an include written in where it stands renders what Jinja's include would."""

from __future__ import annotations

import json
import re

import pytest
from jinja2 import FileSystemLoader

from bot import render
from commands import actions, agenda, kpi, nextmeeting
from tests.helpers import ask


def _included() -> set[str]:
    found = set()
    for path in render.TEMPLATES.glob("*.j2"):
        found |= set(render.INCLUDE_RE.findall(path.read_text()))
    return found


def test_included_templates_set_no_variables_and_define_no_macros():
    """Written in place, a `set` or a macro in an included template would reach the one around it."""
    assert {"_action_buttons.json.j2", "_pager.json.j2", "_meeting_head.json.j2"} <= _included()
    for name in _included():
        assert not re.search(r"\{%-?\s*(set|macro)\b", (render.TEMPLATES / name).read_text()), name


def test_templates_are_loaded_with_their_includes_written_in():
    env = render.environment()
    source = env.loader.get_source(env, "actions.json.j2")[0]
    assert "include" not in source and '"action_id": "action_done"' in source


ASKED = [
    (actions.run, "actions", "fps"),
    (actions.run, "actions", "fps overdue"),
    (actions.run, "actions", "fps FPS-3"),
    (agenda.run, "agenda", "hwb 5 Oct 2023"),
    (nextmeeting.run, "nextmeeting", "hwb"),
    (kpi.run, "kpi", "hwb"),
    (kpi.run, "kpi", "hwb reoffending"),
]


@pytest.mark.parametrize(("run", "command", "text"), ASKED)
def test_an_include_written_in_renders_the_blocks_jinjas_include_does(
    demo_db, monkeypatch, run, command, text
):
    rendered = []
    real = render.render_blocks

    def spy(template, **context):
        blocks = real(template, **context)
        rendered.append((template, context, blocks))
        return blocks

    monkeypatch.setattr(render, "render_blocks", spy)
    ask(demo_db, run, command, text)
    jinjas = render.environment().overlay(loader=FileSystemLoader(render.TEMPLATES), cache_size=0)
    assert "{% include" in jinjas.loader.get_source(jinjas, rendered[0][0])[0]  # Jinja's own include
    for template, context, blocks in rendered:
        text = render.TRAILING_COMMA_RE.sub(r"\1", jinjas.get_template(template).render(**context))
        assert json.loads(text) == blocks


@pytest.mark.parametrize("char", sorted({chr(c) for c in render._SLACK_AND_JSON} | {"a", "é", "∗"}))
def test_every_value_is_escaped_for_json_and_slack_whatever_it_holds(char):
    """A value is escaped only when it holds something to escape; each such character, alone or
    among others, comes out escaped (as JSON for every value, as Slack mrkdwn too unless the value
    is Mrkdwn already)."""
    template = render.environment().from_string('{"t": "{{ plain }}", "m": "{{ marked }}"}')
    for text in (char, f"Ward {char} 5", f"{char}{char}"):
        out = template.render(plain=text, marked=render.Mrkdwn(text))
        plain, marked = text.translate(render._SLACK_AND_JSON), text.translate(render._JSON_STRING)
        assert out == f'{{"t": "{plain}", "m": "{marked}"}}'  # each character as the tables say
        assert json.loads(out) == {"t": render.slack_escape(text), "m": text}
