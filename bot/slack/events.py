"""Thin listeners for messages to BoardBot: DMs, thread replies under its messages, @mentions.

Each turns Slack's event into our MessageRequest, runs commands.update in one transaction (run again
if a concurrent twin or writer made it fail on a unique key) before the ack, so that an update that
could not be recorded answers 5xx and Slack delivers it again; the reply in the thread
(chat.postMessage) goes after the ack (bot.slack.after), retried if Slack refuses it. Ignored: messages from bots (BoardBot's own included), edits (`message_changed`:
history is never rewritten, and an edit is not taken as a new update: send a new message instead)
and deletions. A retried event (`X-Slack-Retry-Num`) finds its message claimed and does nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.config import Settings
from bot.db import in_transaction
from bot.reply import Reply
from bot.slack.after import AFTER, SlackUnavailable, failure, lookup_client, reply_client, transient
from bot.slack.payloads import message_request
from bot.updates import SlackProfile
from commands import search, update

log = logging.getLogger(__name__)
ACTION_VALUE_RE = re.compile(r"^action:(\d{1,12})$")


class SlackLookups:
    """What answering a message asks Slack: a user's profile, a permalink, a thread's bot message.

    Asked before the ack, as they decide what is recorded (who may change an action, which action a
    thread reply is about), so with a short timeout (LOOKUP_SECONDS): a lookup without an answer, or
    one Slack refused for now (429, 5xx), fails the request (an event then gets 5xx, and Slack delivers
    it again) rather than guessing; a refusal for good (user_not_found...) is taken as no answer.
    """

    def __init__(self, client: WebClient, context: BoltContext | dict[str, Any]):
        self.client = lookup_client(client)
        self.bot_user_id = context.get("bot_user_id")
        self.bot_id = context.get("bot_id")

    def profile(self, user_id: str) -> SlackProfile | None:
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except SlackApiError as error:
            if transient(error):
                raise SlackUnavailable(f"users.info: {failure(error)}") from error
            log.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            return None
        return SlackProfile(
            email=(user.get("profile") or {}).get("email"),
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
            is_bot=bool(user.get("is_bot")),
            team_id=user.get("team_id"),
        )

    def permalink(self, channel: str, ts: str) -> str | None:
        try:
            return self.client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
        except SlackApiError as error:
            log.warning("chat.getPermalink failed: %s", error.response.get("error"))
            return None

    def thread_action_ids(self, channel: str, thread_ts: str) -> list[int]:
        """The actions the buttons of BoardBot's message at the head of a thread are about."""
        try:
            found = self.client.conversations_replies(channel=channel, ts=thread_ts, limit=1, inclusive=True)
        except SlackApiError as error:
            if transient(error):
                raise SlackUnavailable(f"conversations.replies: {failure(error)}") from error
            log.warning("conversations.replies failed: %s", error.response.get("error"))
            return []
        parent: dict[str, Any] = next(iter(found.get("messages") or []), {})
        ours = parent.get("ts") == thread_ts and (
            (self.bot_id and parent.get("bot_id") == self.bot_id)
            or (self.bot_user_id and parent.get("user") == self.bot_user_id)
        )
        return action_ids_in(parent.get("blocks") or []) if ours else []


def action_ids_in(blocks: list[dict[str, Any]]) -> list[int]:
    """Action ids carried by a message's buttons (`action:<id>` values and block ids)."""
    ids: list[int] = []
    for block in blocks:
        candidates = [block.get("block_id")] + [e.get("value") for e in block.get("elements") or []]
        for value in candidates:
            if isinstance(value, str) and (found := ACTION_VALUE_RE.match(value)):
                ids.append(int(found.group(1)))
    return list(dict.fromkeys(ids))


def _post(client: WebClient, request: update.MessageRequest, reply: Reply) -> None:
    """Reply in the message's thread after the ack."""
    AFTER.later(
        "reply to a message",
        request.user_id,
        lambda: reply_client(client).chat_postMessage(
            channel=request.channel_id,
            thread_ts=request.reply_thread,
            text=reply.text,
            blocks=reply.blocks,
            unfurl_links=False,
        ),
    )


def message_listener(
    sessions: sessionmaker[Session], settings: Settings, *, mention: bool, trust_console: bool = False
):
    """A listener for `message` events (mention=False) or `app_mention` events (mention=True)."""

    def listener(body: dict, client: WebClient, context: BoltContext) -> None:
        request = message_request(
            body,
            clock.now(settings),
            context.get("bot_user_id"),
            mention=mention,
            trust_console=trust_console,
        )
        if request is None:
            return
        lookups = SlackLookups(client, context)
        reply = in_transaction(
            sessions,
            lambda session: search.from_message(request, session) or update.run(request, session, lookups),
        )
        if reply is not None:
            _post(client, request, reply)

    listener.__name__ = "app_mention" if mention else "message"
    return listener
