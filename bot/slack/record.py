"""Thin listeners for recording an action: the "Record as action" message shortcut and its form.

`/boardbot action add` opens the same form through the slash command's listener (the command's reply
carries the view). The form is checked again on submission; problems go back on the form itself
(response_action=errors) and nothing is written. The result is shown to the sender beside the message
the form came from, else in their DM.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.config import Settings
from bot.slack.buttons import _console_person, _form_state, _tell
from bot.slack.events import SlackLookups, in_transaction
from commands import record

log = logging.getLogger(__name__)


def _team_user(body: dict[str, Any]) -> tuple[str, str]:
    user = body.get("user") or {}
    return (body.get("team") or {}).get("id") or user.get("team_id") or "", user.get("id") or ""


def record_shortcut(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    """The message shortcut `record_action`: the form, prefilled with the message's text."""

    def listener(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        team, user = _team_user(body)
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        lookups = SlackLookups(client, context)
        found = in_transaction(
            sessions,
            lambda session: record.open_form(
                session,
                team,
                user,
                lookups,
                text=message.get("text") or "",
                channel_id=channel,
                message_ts=message.get("ts"),
                person_key=_console_person(body, trust_console),
            ),
        )
        if isinstance(found, dict):
            client.views_open(trigger_id=body["trigger_id"], view=found)
        else:
            _tell(client, user, channel, found)

    listener.__name__ = "record_action_shortcut"
    return listener


def record_submitted(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    """The Record an action form was submitted."""

    def listener(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
        meta, state = _form_state(view)
        team, user = _team_user(body)
        channel, ts = meta.get("c"), meta.get("t")
        lookups = SlackLookups(client, context)
        form = record.Submission(
            team_id=team,
            user_id=user,
            view_id=str(view.get("id") or ""),
            values=state,
            now=clock.now(settings),
            channel_id=channel if isinstance(channel, str) else None,
            message_ts=ts if isinstance(ts, str) else None,
            link=lookups.permalink(channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None,
            person_key=_console_person(body, trust_console),
        )
        try:
            reply = in_transaction(sessions, lambda session: record.submit(session, form, lookups))
        except record.Invalid as problem:
            ack(response_action="errors", errors=problem.errors)
            return
        ack()
        _tell(client, user, form.channel_id, reply)

    listener.__name__ = "record_action_form"
    return listener

