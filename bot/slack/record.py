"""Thin listeners for recording an action: the "Record as action" message shortcut and its form.

`/boardbot action add` opens the same form through the slash command's listener (the command's reply
carries the view). The form is checked again on submission; problems go back on the form itself
(response_action=errors) and nothing is written. The result is shown to the sender beside the message
the form came from, else in their DM. The form opens, and the result is shown, after the ack.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.config import Settings
from bot.db import in_transaction
from bot.slack.events import SlackLookups
from bot.slack.listeners import open_form, tell
from bot.slack.payloads import form_state, origin_of
from commands import record

log = logging.getLogger(__name__)


def record_shortcut(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    """The message shortcut `record_action`: the form, prefilled with the message's text."""

    def listener(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        origin = origin_of(body, trust_console=trust_console)
        lookups = SlackLookups(client, context)
        found = in_transaction(
            sessions,
            lambda session: record.open_form(
                session,
                origin.team_id,
                origin.user_id,
                lookups,
                text=(body.get("message") or {}).get("text") or "",
                channel_id=origin.channel_id,
                message_ts=origin.message_ts,
                person_key=origin.person_hint,
            ),
        )
        if isinstance(found, dict):
            open_form(client, body.get("trigger_id"), found, origin.user_id, body.get("response_url"))
        else:
            tell(client, origin.user_id, origin.channel_id, found)

    listener.__name__ = "record_action_shortcut"
    return listener


def record_submitted(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    """The Record an action form was submitted."""

    def listener(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
        meta, state = form_state(view)
        origin = origin_of(body, trust_console=trust_console)
        channel, ts = meta.get("c"), meta.get("t")
        lookups = SlackLookups(client, context)
        form = record.Submission(
            team_id=origin.team_id,
            user_id=origin.user_id,
            view_id=str(view.get("id") or ""),
            values=state,
            now=clock.now(settings),
            channel_id=channel if isinstance(channel, str) else None,
            message_ts=ts if isinstance(ts, str) else None,
            link=lookups.permalink(channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None,
            person_key=origin.person_hint,
        )
        try:
            reply = in_transaction(sessions, lambda session: record.submit(session, form, lookups))
        except record.Invalid as problem:
            ack(response_action="errors", errors=problem.errors)
            return
        ack()
        tell(client, origin.user_id, form.channel_id, reply)

    listener.__name__ = "record_action_form"
    return listener
