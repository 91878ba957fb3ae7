"""Thin listeners for the buttons on an action (in /actions, update replies and reminders) and its forms.

Done, In progress and Blocked apply at once; New due date is a date picker (or, on a reminder's
button, a form with one); Add note opens a form. Same rules and same history as a message: via
"button", or "form" for what is typed into a modal. Every press is claimed under Slack's action_ts
(a form under its view id), so a double delivery applies once. The answer is shown only to the presser,
after the ack (bot.slack.after), as are the forms: a slow Slack never makes a press late.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot import models as m
from bot.config import Settings
from bot.db import in_transaction, reading
from bot.reply import Reply
from bot.slack.after import AFTER, respond
from bot.slack.events import SlackLookups
from bot.slack.listeners import open_form, tell
from bot.slack.payloads import Origin, form_state, origin_of
from commands import snooze, update

log = logging.getLogger(__name__)
STATUS_BUTTONS = {
    "action_done": m.ActionStatus.DONE,
    "action_in_progress": m.ActionStatus.IN_PROGRESS,
    "action_blocked": m.ActionStatus.BLOCKED,
}
ACTION_RE = re.compile(r"^action:(\d{1,12})$")
STALE = "That button is from an older message; please ask again with `/actions`."


def _action_id(action: dict[str, Any]) -> int | None:
    """Our action's id, from the button's value or (for a date picker) its block's id."""
    for value in (action.get("value"), action.get("block_id")):
        if isinstance(value, str) and (found := ACTION_RE.match(value)):
            return int(found.group(1))
    return None


def _stale(body: dict[str, Any]) -> None:
    """Tell the presser, privately, that the button is from a message we can no longer act on."""
    _answer(body, Reply(text=STALE, blocks=[]))


def _subject(action: dict[str, Any], body: dict[str, Any]) -> int | None:
    """The action a button is about; None (the presser told) when the button is stale."""
    action_id = _action_id(action)
    if action_id is None:
        _stale(body)
    return action_id


def _press(
    sessions: sessionmaker[Session],
    settings: Settings,
    origin: Origin,
    action_id: int,
    values: dict[str, Any],
    key: str,
    client: WebClient,
    context: BoltContext,
    via: m.UpdateVia = m.UpdateVia.BUTTON,
) -> Reply | None:
    request = update.ButtonRequest(
        team_id=origin.team_id,
        user_id=origin.user_id,
        action_id=action_id,
        values=values,
        key=key,
        now=clock.now(settings),
        via=via,
        channel_id=origin.channel_id,
        message_ts=origin.message_ts,
        person_key=origin.person_hint,
    )
    lookups = SlackLookups(client, context)
    return in_transaction(sessions, lambda session: update.press(request, session, lookups))


def _press_key(origin: Origin, body: dict[str, Any], action: dict[str, Any]) -> str:
    """A press is claimed under Slack's action_ts, so a double delivery applies once."""
    return f"button:{origin.team_id}:{origin.user_id}:{action.get('action_ts') or body.get('trigger_id')}"


def _answer(body: dict[str, Any], reply: Reply | None) -> None:
    """Show the presser the answer, privately, by the button's response_url after the ack."""
    if reply is None or (body.get("container") or {}).get("type") == "view":
        return  # a press on the Home tab has no response_url: the tab is published again instead
    url, user = body.get("response_url"), (body.get("user") or {}).get("id")
    message = {
        "replace_original": False,
        "response_type": "ephemeral",
        "text": reply.text,
        "blocks": reply.blocks or None,
    }
    AFTER.later("button answer", user, lambda: respond(url, user, "button answer", **message))


def status_button(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    def listener(ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext):
        ack()
        action_id = _subject(action, body)
        if action_id is None:
            return
        origin = origin_of(body, trust_console=trust_console)
        values = {"status": STATUS_BUTTONS[action["action_id"]]}
        key = _press_key(origin, body, action)
        _answer(body, _press(sessions, settings, origin, action_id, values, key, client, context))

    return listener


def _open_form(
    sessions: sessionmaker[Session],
    form: str,
    body: dict,
    action_id: int,
    client: WebClient,
) -> None:
    """The form for `action_id`, opened after the ack."""
    origin = origin_of(body)
    metadata = json.dumps({"a": action_id, "c": origin.channel_id, "t": origin.message_ts})
    with reading(sessions) as session:
        view = update.form_view(session, origin.team_id, action_id, form, metadata)
    if view is None:
        _stale(body)
        return
    open_form(client, body.get("trigger_id"), view, origin.user_id, body.get("response_url"))


def new_date_button(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    """The date picker on an action (applies the date), or a reminder's New date button (asks for one)."""

    def listener(ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext):
        ack()
        action_id = _subject(action, body)
        if action_id is None:
            return
        if action.get("type") != "datepicker":
            _open_form(sessions, "date", body, action_id, client)
            return
        try:
            day = date.fromisoformat(action.get("selected_date") or "")
        except ValueError:
            return  # the date was cleared: nothing to do
        origin = origin_of(body, trust_console=trust_console)
        key = _press_key(origin, body, action)
        values = {"due_on": day}
        _answer(body, _press(sessions, settings, origin, action_id, values, key, client, context))

    return listener


def note_button(sessions: sessionmaker[Session], settings: Settings):
    def listener(ack: Ack, body: dict, action: dict, client: WebClient):
        ack()
        action_id = _subject(action, body)
        if action_id is None:
            return
        _open_form(sessions, "note", body, action_id, client)

    return listener


def form_submitted(
    sessions: sessionmaker[Session], settings: Settings, form: str, *, trust_console: bool = False
):
    """The New due date form (`date`) or the Add note form (`note`) was submitted."""

    def listener(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
        meta, state = form_state(view)
        action_id = meta.get("a")
        note = ((state.get("note") or {}).get("value") or "").strip() or None
        values: dict[str, Any] = {"progress": note} if note else {}
        if form == "date":
            try:
                values["due_on"] = date.fromisoformat((state.get("due_on") or {}).get("selected_date") or "")
            except ValueError:
                ack(response_action="errors", errors={"due_on": "Choose a date."})
                return
            with reading(sessions) as session:
                today = update.past_due_date(
                    session, int(action_id or 0), values["due_on"], clock.now(settings)
                )
            if today is not None:
                ack(
                    response_action="errors",
                    errors={"due_on": f"That date has passed: choose {today:%d %b %Y} or later."},
                )
                return
        if not values or not isinstance(action_id, int):
            ack(response_action="errors", errors={"note": "Write the progress so far."})
            return
        ack()
        # a form's payload names no message: the one its button was on is in the form's metadata
        origin = dataclasses.replace(
            origin_of(body, trust_console=trust_console), channel_id=meta.get("c"), message_ts=meta.get("t")
        )
        key = f"form:{origin.team_id}:{view.get('id')}"
        reply = _press(sessions, settings, origin, action_id, values, key, client, context, m.UpdateVia.FORM)
        tell(client, origin.user_id, origin.channel_id, reply)

    listener.__name__ = f"{form}_form"
    return listener


PAPER_RE = re.compile(r"^paper:(\d{1,12})$")
SNOOZE_RE = re.compile(r"^(action|paper):(\d{1,12})$")
SNOOZE_DAYS = {"action_snooze_day": 1, "action_snooze_week": 7}


def _value_button(sessions: sessionmaker[Session], value_re: re.Pattern, press) -> Callable:
    """A button whose value names what it is about: ack, read the value, run `press`, answer.

    `press(session, team, user, found, action, lookups) -> Reply`; a value we did not make is stale.
    """

    def listener(ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext):
        ack()
        found = value_re.match(action.get("value") or "")
        if found is None:
            _stale(body)
            return
        origin = origin_of(body)
        team, user = origin.team_id, origin.user_id
        lookups = SlackLookups(client, context)
        _answer(
            body,
            in_transaction(sessions, lambda session: press(session, team, user, found, action, lookups)),
        )

    return listener


def paper_button(sessions: sessionmaker[Session], settings: Settings):
    """A paper reminder's Submitted button (value `paper:<agenda item id>`)."""
    return _value_button(
        sessions,
        PAPER_RE,
        lambda session, team, user, found, action, lookups: update.press_paper(
            team, user, int(found.group(1)), session, lookups
        ),
    )


def snooze_button(sessions: sessionmaker[Session], settings: Settings):
    """A reminder's Snooze 1 day / 1 week buttons (`action:<id>` or `paper:<item id>`): that reminder only."""
    return _value_button(
        sessions,
        SNOOZE_RE,
        lambda session, team, user, found, action, lookups: snooze.press_snooze(
            team,
            user,
            (found.group(1), int(found.group(2))),
            SNOOZE_DAYS[action["action_id"]],
            clock.now(settings),
            session,
            lookups,
        ),
    )
