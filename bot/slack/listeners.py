"""Thin listeners: turn Slack's dict into our request, own the session, call the command, reply."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from slack_bolt import Ack, BoltResponse, Respond
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.config import Settings
from bot.reply import Reply
from bot.request import CommandRequest
from bot.slack.payloads import BadButton, command_request, page_request

CommandFn = Callable[[CommandRequest, Session], Reply]
log = logging.getLogger(__name__)

SORRY = (
    "Sorry, something went wrong on our side and your request was not completed. "
    "It has been logged; please try again in a minute, or tell your board secretary if it keeps happening."
)


def slash_command(
    name: str,
    run: CommandFn,
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    trust_console: bool = False,
):
    def listener(ack: Ack, command: dict) -> None:
        request = command_request(name, command, clock.now(settings), trust_console=trust_console)
        with sessions.begin() as session:
            reply = run(request, session)
        ack(**reply.as_slack())  # a fast reply rides on the ack: one round trip

    listener.__name__ = f"{name}_command"
    return listener


def page_button(
    commands: dict[str, CommandFn],
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    trust_console: bool = False,
):
    def listener(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        try:
            request = page_request(
                body, action.get("value", ""), clock.now(settings), trust_console=trust_console
            )
            run = commands[request.command]
        except (BadButton, KeyError):
            respond(
                text="That button is from an older message; please ask again.",
                response_type="ephemeral",
                replace_original=False,
            )
            return
        with sessions.begin() as session:
            reply = run(request, session)
        respond(replace_original=True, **reply.as_slack())

    return listener


def on_error(
    error: Exception, body: dict, logger: logging.Logger, respond: Respond | None = None
) -> BoltResponse:
    """One place for every listener's failure: log it with its traceback, tell the user."""
    logger.error("listener failed: %s", body.get("command") or body.get("type"), exc_info=error)
    reply = {"response_type": "ephemeral", "text": SORRY}
    if body.get("type") == "block_actions" and respond is not None:
        respond(replace_original=False, **reply)  # a button's HTTP reply is not shown: say it in the thread
    return BoltResponse(status=200, body=json.dumps(reply), headers={"content-type": "application/json"})
