"""Slack modals on a terminal: a form the app opened, shown as its fields, filled in with `!form`.

`!form name=value name="several words"` sets the inputs named by their block ids (shown in brackets)
and submits the form as Slack would, as a `view_submission`; `!form` alone shows it again and `!cancel`
closes it. A choice takes its option's text (a unique part of it), or a board's key, a date is 2023-10-31, a
Slack user is a person's key.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.render import plain

INPUTS = {
    "plain_text_input": "text",
    "datepicker": "date, e.g. 2023-10-31",
    "static_select": "one of",
    "users_select": "a person's key",
}


class FormProblem(ValueError):
    """A `!form` line that does not fit the form: says what would."""


@dataclass
class Form:
    """An open modal: the view the app sent (views.open) and the values typed so far."""

    view: dict[str, Any]
    typed: dict[str, str] = field(default_factory=dict)

    @property
    def inputs(self) -> list[dict[str, Any]]:
        return [b for b in self.view.get("blocks", []) if b.get("type") == "input"]

    def show(self) -> str:
        title = (self.view.get("title") or {}).get("text", "Form")
        lines = [f"Form: {title}"]
        for block in self.view.get("blocks", []):
            if block.get("type") == "section" and block.get("text"):
                lines.append(plain(block["text"]["text"]))
        for block in self.inputs:
            element = block.get("element") or {}
            label = (block.get("label") or {}).get("text", "")
            kind = INPUTS.get(element.get("type", ""), element.get("type", ""))
            if element.get("type") == "static_select":
                kind += " " + " | ".join(o["text"]["text"] for o in element.get("options", []))
            now = self.typed.get(block["block_id"]) or _initial(element)
            optional = " (optional)" if block.get("optional") else ""
            shown = f" = {now}" if now else ""
            lines.append(f"  [{block['block_id']}] {label}{optional}: {kind}{shown}")
        submit = (self.view.get("submit") or {}).get("text", "Submit")
        lines.append(
            f'Fill in and press {submit} with: !form name=value name="several words"  (!cancel to close)'
        )
        return "\n".join(lines)

    def fill(self, line: str, user_ids: dict[str, str], aliases: dict[str, str]) -> dict[str, Any]:
        """Take `name=value` pairs and return the view's state with them; FormProblem names the
        field or value that is wrong, and the values typed stay as they were."""
        before = dict(self.typed)
        try:
            self._take(line)
            return self.state(user_ids, aliases)
        except FormProblem:
            self.typed = before
            raise

    def _take(self, line: str) -> None:
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise FormProblem(f"Could not read that ({exc}); put values with spaces in quotes.") from None
        names = {b["block_id"] for b in self.inputs}
        for word in words:
            name, equals, value = word.partition("=")
            if not equals or name not in names:
                known = ", ".join(sorted(names))
                raise FormProblem(f"{word!r} is not name=value for a field of this form ({known}).")
            self.typed[name] = value

    def state(self, user_ids: dict[str, str], aliases: dict[str, str]) -> dict[str, Any]:
        """Slack's view.state for the values typed, as a submission carries it; `aliases` are other
        names of choices (a board's key for its name)."""
        values: dict[str, Any] = {}
        for block in self.inputs:
            element = block.get("element") or {}
            typed = self.typed.get(block["block_id"])
            if typed and element.get("type") == "static_select":
                typed = aliases.get(typed, typed)
            values[block["block_id"]] = {
                element.get("action_id", "value"): _value(element, typed, user_ids, block["block_id"])
            }
        return {"values": values}


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _initial(element: dict[str, Any]) -> str:
    option = element.get("initial_option")
    return (
        element.get("initial_value")
        or element.get("initial_date")
        or (option or {}).get("text", {}).get("text", "")
    )


def _value(element: dict[str, Any], typed: str | None, user_ids: dict[str, str], name: str) -> dict[str, Any]:
    kind = element.get("type", "")
    if kind == "plain_text_input":
        return {"type": kind, "value": typed if typed is not None else element.get("initial_value")}
    if kind == "datepicker":
        if typed and not _is_date(typed):
            raise FormProblem(f"{name}: {typed!r} is not a date; Slack's date picker gives e.g. 2023-10-31.")
        return {"type": kind, "selected_date": typed or element.get("initial_date")}
    if kind == "users_select":
        if typed and typed not in user_ids:
            raise FormProblem(
                f"{name}: {typed!r} is not a person on Slack here: give the key of one who is, "
                "or leave it out (the console's --slack-ids demo puts everyone on Slack)."
            )
        return {"type": kind, "selected_user": user_ids.get(typed or "")}
    if kind == "static_select":
        options = element.get("options", [])
        if not typed:
            return {"type": kind, "selected_option": element.get("initial_option")}
        exact = [o for o in options if typed in (o["value"], o["text"]["text"])]
        part = [o for o in options if typed.lower() in o["text"]["text"].lower()]
        found = exact or part
        if len(found) != 1:
            choices = " | ".join(o["text"]["text"] for o in options)
            raise FormProblem(
                f"{name}: {typed!r} names {len(found)} of the choices; choose one of {choices}."
            )
        return {"type": kind, "selected_option": found[0]}
    return {"type": kind, "value": typed}
