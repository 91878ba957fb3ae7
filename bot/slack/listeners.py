"""Thin listeners: turn Slack's dict into our request, own the session, call the command, reply."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from slack_bolt import Ack, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.config import Settings
from bot.db import DATABASE_FAULTS, in_transaction, reading
from bot.reply import Reply
from bot.request import CommandRequest
from bot.slack.after import AFTER, SLACK_FAULTS, failure, reply_client, respond
from bot.slack.events import SlackLookups
from bot.slack.payloads import BadButton, command_request, page_request
from bot.slack.uploads import upload_chart

CommandFn = Callable[[CommandRequest, Session], Reply]
log = logging.getLogger(__name__)

SORRY = (
    "Sorry, something went wrong on our side and your request was not completed. "
    "It has been logged; please try again in a minute, or tell your board secretary if it keeps happening."
)
UNAVAILABLE = "BoardBot's database is temporarily unavailable; try again in a minute."
LATE = "BoardBot did not answer in time (its database may be temporarily unavailable); try again in a minute."
NOT_RECORDED = "I could not record this message, and nothing was changed; please send it again later."
FORM_FAILED = "Sorry, Slack did not open the form. Please try again in a moment."
STALE_PAGE = "That button is from an older message; please ask again."
SLACK_SLOW = "Slack did not answer BoardBot in time, so nothing was done; please try again in a minute."


def answer(
    run: CommandFn,
    request: CommandRequest,
    sessions: sessionmaker[Session],
    *,
    reads_only: bool,
    lookups: SlackLookups | None = None,
) -> Reply:
    """Run a command: in `reading` when it only reads, else in one transaction (`in_transaction`).
    `lookups` is the Slack directory a command that asks Slack gets as its third argument."""

    def work(session: Session) -> Reply:
        return run(request, session) if lookups is None else run(request, session, lookups)  # type: ignore[call-arg]

    if reads_only:
        with reading(sessions) as session:
            return work(session)
    return in_transaction(sessions, work)


def slash_command(
    name: str,
    run: CommandFn,
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    trust_console: bool = False,
    asks_slack: bool = False,
    reads_only: bool = False,
):
    """The listener for `/name`. `asks_slack`: the command is also given a Slack directory (who is an
    admin, whose e-mail). A reply carrying `extra["view"]` opens that form with the command's trigger_id."""

    def listener(ack: Ack, command: dict, client: WebClient, context: BoltContext) -> None:
        request = command_request(name, command, clock.now(settings), trust_console=trust_console)
        lookups = SlackLookups(client, context) if asks_slack else None
        reply = answer(run, request, sessions, reads_only=reads_only, lookups=lookups)
        view = reply.extra.get("view")
        if view is None:
            ack(**reply.as_slack())  # a fast reply rides on the ack: one round trip
            if (chart := reply.extra.get("chart")) is not None:
                upload_chart(
                    client, chart, command.get("channel_id"), request.user_id, command.get("response_url")
                )
            return
        ack()  # the form opens after the ack: a slow views.open must not make the command late
        open_form(
            client, command.get("trigger_id"), view, command.get("user_id"), command.get("response_url")
        )

    listener.__name__ = f"{name}_command"
    return listener


def page_button(
    commands: dict[str, CommandFn],
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    trust_console: bool = False,
    reading_only: frozenset[str] = frozenset(),
):
    """Another page of a command's list; `reading_only` names the commands that only read."""

    def listener(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        url, user = body.get("response_url"), (body.get("user") or {}).get("id")
        try:
            request = page_request(
                body, action.get("value", ""), clock.now(settings), trust_console=trust_console
            )
            run = commands[request.command]
        except (BadButton, KeyError):
            stale = {"text": STALE_PAGE, "response_type": "ephemeral", "replace_original": False}
            AFTER.later(
                "stale-button answer", user, lambda: respond(url, user, "stale-button answer", **stale)
            )
            return
        reply = answer(run, request, sessions, reads_only=request.command in reading_only)
        if (chart := reply.extra.get("chart")) is not None:  # a Chart button: the message stays as it is
            upload_chart(client, chart, (body.get("channel") or {}).get("id"), user, url)
            return
        page = {"replace_original": True, **reply.as_slack()}
        AFTER.later("page", user, lambda: respond(url, user, "page", **page))

    return listener


def open_form(
    client: WebClient, trigger_id: str | None, view: dict, user: str | None, response_url: str | None
) -> None:
    """Open `view` after the ack; if Slack refuses, tell the user by the response_url."""

    def call() -> None:
        try:
            reply_client(client).views_open(trigger_id=trigger_id or "", view=view)
        except SlackApiError as error:
            log.warning("views.open for %s failed: %s", user, failure(error))
            failed = {"text": FORM_FAILED, "response_type": "ephemeral", "replace_original": False}
            respond(response_url, user, "form-failed answer", **failed)

    AFTER.later("views.open", user, call)


def tell(client: WebClient, user: str, channel: str | None, reply: Reply | None) -> None:
    """Show a form's result to its sender after the ack: beside the message it came from, else in
    their DM."""
    if reply is None:
        return

    def call() -> None:
        slack = reply_client(client)
        if channel:
            try:
                slack.chat_postEphemeral(channel=channel, user=user, text=reply.text, blocks=reply.blocks)
                return
            except SlackApiError as error:
                log.info("chat.postEphemeral for %s failed (%s): sending a DM", user, failure(error))
        slack.chat_postMessage(channel=user, text=reply.text, blocks=reply.blocks)

    AFTER.later("form result", user, call)


def on_error(
    error: Exception,
    body: dict,
    logger: logging.Logger,
    request: BoltRequest | None = None,
    client: WebClient | None = None,
) -> BoltResponse:
    """One place for every listener's failure: log it with its traceback, tell the user. A failed event
    answers 500 so that Slack delivers it again (the retry is de-duplicated by its update_requests claim),
    until Slack's last retry, whose sender is told it was not recorded; a database that is down or hung,
    or a Slack lookup without an answer, is said to be so, not reported as our bug. What is said to the
    user goes after the ack (bot.slack.after)."""
    unavailable = isinstance(error, DATABASE_FAULTS)
    slack_slow = isinstance(error, SLACK_FAULTS)  # a lookup before the ack got no answer in time
    if unavailable or slack_slow:
        logger.error(
            "%s unavailable: %s: %s",
            "database" if unavailable else "Slack",
            type(error).__name__,
            (str(error).splitlines() or [""])[0],
        )
    else:
        logger.error("listener failed: %s", body.get("command") or body.get("type"), exc_info=error)
    text = UNAVAILABLE if unavailable else SLACK_SLOW if slack_slow else SORRY
    if body.get("type") == "event_callback":
        if client is None or retry_number(request) < LAST_RETRY:
            return BoltResponse(status=500, body="The event was not recorded; Slack will retry it.")
        not_recorded(client, body.get("event") or {}, text)
        return BoltResponse(status=200, body="The event could not be recorded; its sender was told.")
    if body.get("type") == "block_actions":  # a button's HTTP reply is not shown
        url, user = body.get("response_url"), (body.get("user") or {}).get("id")
        sorry = {"text": text, "response_type": "ephemeral", "replace_original": False}
        AFTER.later("failure answer", user, lambda: respond(url, user, "failure answer", **sorry))
    reply = {"response_type": "ephemeral", "text": text}
    return BoltResponse(status=200, body=json.dumps(reply), headers={"content-type": "application/json"})


LAST_RETRY = 3  # Slack delivers a failed event again three times


def retry_number(request: BoltRequest | None) -> int:
    """Which of Slack's retries this delivery is (0: the first delivery)."""
    value = next(iter((request.headers if request else {}).get("x-slack-retry-num") or []), "0")
    return int(value) if value.isdigit() else 0


def not_recorded(client: WebClient, event: dict, why: str) -> None:
    """Tell the sender of a message Slack will not deliver again that it was not recorded."""
    if not event.get("user") or event.get("bot_id") or not event.get("channel"):
        return
    AFTER.later(
        "not-recorded answer",
        event["user"],
        lambda: reply_client(client).chat_postMessage(
            channel=event["channel"],
            thread_ts=event.get("thread_ts") or event.get("ts"),
            text=f"{NOT_RECORDED} {why}",
        ),
    )
