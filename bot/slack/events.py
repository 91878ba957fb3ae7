"""Thin listeners for messages to BoardBot: DMs, thread replies under its messages, @mentions.

Each turns Slack's event into our MessageRequest, runs commands.update in one transaction (run again
if a concurrent twin or writer made it fail on a unique key) and replies in the thread with
chat.postMessage. Ignored: messages from bots (BoardBot's own included), edits (`message_changed`:
history is never rewritten, and an edit is not taken as a new update: send a new message instead)
and deletions. A retried event (`X-Slack-Retry-Num`) finds its message claimed and does nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.config import Settings
from bot.reply import Reply
from bot.updates import SlackProfile
from commands import update

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 3
ACTION_VALUE_RE = re.compile(r"^action:(\d{1,12})$")
IGNORED_SUBTYPES = {"message_changed", "message_deleted", "bot_message", "message_replied", "channel_join"}


def in_transaction(
    sessions: sessionmaker[Session], work: Callable[[Session], T], attempts: int = ATTEMPTS
) -> T:
    """Run `work` in one transaction; run it again when a concurrent writer made it fail on a key."""
    for attempt in range(1, attempts + 1):
        try:
            with sessions.begin() as session:
                return work(session)
        except (IntegrityError, OperationalError) as error:
            if attempt == attempts or (isinstance(error, OperationalError) and "locked" not in str(error)):
                raise
            log.info("update transaction collided (%s); running it again", type(error.orig).__name__)
    raise AssertionError("unreachable")


class SlackLookups:
    """What answering a message asks Slack: a user's profile, a permalink, a thread's bot message."""

    def __init__(self, client: WebClient, context: BoltContext | dict[str, Any]):
        self.client = client
        self.bot_user_id = context.get("bot_user_id")
        self.bot_id = context.get("bot_id")

    def profile(self, user_id: str) -> SlackProfile | None:
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except SlackApiError as error:
            log.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            return None
        return SlackProfile(
            email=(user.get("profile") or {}).get("email"),
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
            is_bot=bool(user.get("is_bot")),
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
            log.warning("conversations.replies failed: %s", error.response.get("error"))
            return []
        parent = next(iter(found.get("messages") or []), {})
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


def message_request(
    event: dict[str, Any], body: dict[str, Any], settings: Settings, bot_user_id: str | None, *, mention: bool
) -> update.MessageRequest | None:
    """Our request for a message event, or None for one BoardBot does not answer."""
    if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return None
    if event.get("subtype") not in (None, "thread_broadcast", "file_share"):
        return None
    text = event.get("text") or ""
    is_dm = event.get("channel_type") == "im" or str(event.get("channel", "")).startswith("D")
    thread_ts = event.get("thread_ts")
    if not mention:
        if not is_dm and not (thread_ts and thread_ts != event.get("ts")):
            return None  # top-level channel messages reach BoardBot only as mentions
        if not is_dm and bot_user_id and f"<@{bot_user_id}>" in text:
            return None  # the app_mention event answers it
    return update.MessageRequest(
        team_id=body.get("team_id") or event.get("team") or "",
        user_id=event["user"],
        channel_id=event.get("channel") or "",
        ts=event.get("ts") or "",
        text=text,
        now=clock.now(settings),
        is_direct_message=is_dm,
        thread_ts=thread_ts,
        mentioned=mention,
        under_bot_message=bool(bot_user_id and event.get("parent_user_id") == bot_user_id),
    )


def _post(client: WebClient, request: update.MessageRequest, reply: Reply) -> None:
    client.chat_postMessage(
        channel=request.channel_id,
        thread_ts=request.reply_thread,
        text=reply.text,
        blocks=reply.blocks,
        unfurl_links=False,
    )


def message_listener(sessions: sessionmaker[Session], settings: Settings, *, mention: bool):
    """A listener for `message` events (mention=False) or `app_mention` events (mention=True)."""

    def listener(event: dict, body: dict, client: WebClient, context: BoltContext) -> None:
        request = message_request(event, body, settings, context.get("bot_user_id"), mention=mention)
        if request is None:
            return
        lookups = SlackLookups(client, context)
        reply = in_transaction(sessions, lambda session: update.run(request, session, lookups))
        if reply is not None:
            _post(client, request, reply)

    listener.__name__ = "app_mention" if mention else "message"
    return listener
