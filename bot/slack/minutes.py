"""Thin listeners for the secretary's Record a decision and Minutes forms (commands/minutes.py).

`/boardbot decision add` and `/boardbot minutes` open them through the slash command's listener (the
reply carries the view). On submission the form is checked again; problems go back on the form
(response_action=errors) and nothing is written; the result is shown to the sender after the ack.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import clock, updates
from bot.config import Settings
from bot.db import in_transaction
from bot.reply import Reply
from bot.slack.events import SlackLookups
from bot.slack.listeners import tell
from bot.slack.payloads import form_state, origin_of
from commands import minutes, record

Submit = Callable[[Session, record.Submission, updates.Directory | None], Reply | None]


def minutes_form_submitted(
    sessions: sessionmaker[Session], settings: Settings, submit: Submit, *, trust_console: bool = False
):
    """A Record a decision or Minutes form was submitted: `submit` checks and records it."""

    def listener(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
        meta, state = form_state(view)
        origin = origin_of(body, trust_console=trust_console)
        channel = meta.get("c")
        form = record.Submission(
            team_id=origin.team_id,
            user_id=origin.user_id,
            view_id=str(view.get("id") or ""),
            values=state,
            now=clock.now(settings),
            channel_id=channel if isinstance(channel, str) else None,
            person_key=origin.person_hint,
        )
        lookups = SlackLookups(client, context)
        try:
            reply = in_transaction(sessions, lambda session: submit(session, form, lookups))
        except record.Invalid as problem:
            ack(response_action="errors", errors=problem.errors)
            return
        ack()
        tell(client, origin.user_id, form.channel_id, reply)

    listener.__name__ = f"{submit.__name__}_form"
    return listener


SUBMITS: dict[str, Submit] = {
    "decision_modal": minutes.submit_decision,
    "minutes_modal": minutes.submit_minutes,
}
