"""Slack payloads in, our own requests out: the one place that reads who sent a payload and from where."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.render import slack_unescape
from bot.request import CommandRequest
from commands import update

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Text as a member meant it: control characters (NUL and the like, not tab or newline) removed,
    since PostgreSQL refuses NUL in text and none of them is anything a member typed to be kept."""
    return CONTROL_CHARACTERS.sub("", text)


@dataclass(frozen=True)
class Origin:
    """Who sent a payload, from where, and what the console vouches for (never anything from Slack)."""

    team_id: str
    user_id: str
    channel_id: str | None
    message_ts: str | None  # the message a button was on, a shortcut was used on, or the event is
    is_direct_message: bool
    board_hint: str | None = None
    person_hint: str | None = None


def origin_of(payload: dict[str, Any], *, trust_console: bool = False) -> Origin:
    """The origin of a slash command, an interactive payload (button, form, shortcut) or an event."""
    hints = payload.get("boardbot_console") if trust_console else None
    hints = hints if isinstance(hints, dict) else {}
    console = {"board_hint": hints.get("board"), "person_hint": hints.get("person")}
    if payload.get("type") == "event_callback":
        event = payload.get("event") or {}
        channel_id = event.get("channel")
        return Origin(
            team_id=payload.get("team_id") or event.get("team") or "",
            user_id=event.get("user") or "",
            channel_id=channel_id,
            message_ts=event.get("ts"),
            is_direct_message=event.get("channel_type") == "im" or _is_dm(channel_id, None),
            **console,
        )
    user = payload.get("user")
    if isinstance(user, dict):  # block_actions, view_submission, message_action
        channel = payload.get("channel") or {}
        container = payload.get("container") or {}
        channel_id = channel.get("id") or container.get("channel_id")
        return Origin(
            team_id=(payload.get("team") or {}).get("id") or user.get("team_id") or "",
            user_id=user.get("id") or "",
            channel_id=channel_id,
            message_ts=(payload.get("message") or {}).get("ts") or container.get("message_ts"),
            is_direct_message=_is_dm(channel_id, channel.get("name")),
            **console,
        )
    channel_id = payload.get("channel_id")  # a slash command
    return Origin(
        team_id=payload.get("team_id") or "",
        user_id=payload.get("user_id") or "",
        channel_id=channel_id,
        message_ts=None,
        is_direct_message=_is_dm(channel_id, payload.get("channel_name")),
        **console,
    )


def _is_dm(channel_id: str | None, channel_name: str | None) -> bool:
    return channel_name == "directmessage" or bool(channel_id and channel_id.startswith("D"))


def command_request(
    name: str, payload: dict[str, Any], now: datetime, *, trust_console: bool = False
) -> CommandRequest:
    origin = origin_of(payload, trust_console=trust_console)
    text = clean_text(slack_unescape(payload.get("text") or ""))  # Slack sends & < > as entities
    return _parse(name, text, origin, now)


class BadButton(ValueError):
    """A button value we did not make (or from an older version)."""


def page_request(
    body: dict[str, Any], value: str, now: datetime, *, trust_console: bool = False
) -> CommandRequest:
    """The request a page button stands for: the same question, another page."""
    try:
        state = json.loads(value)
        command, text, page = str(state["c"]), str(state["t"]), int(state["p"])
    except (ValueError, KeyError, TypeError):
        raise BadButton(value) from None
    origin = origin_of(body, trust_console=trust_console)
    return _parse(command, text + (" share" if state.get("s") else ""), origin, now).on_page(page)


def _parse(command: str, text: str, origin: Origin, now: datetime) -> CommandRequest:
    return CommandRequest.parse(
        command,
        text,
        team_id=origin.team_id,
        user_id=origin.user_id,
        channel_id=origin.channel_id,
        is_direct_message=origin.is_direct_message,
        now=now,
        board_hint=origin.board_hint,
        person_hint=origin.person_hint,
    )


IGNORED_SUBTYPES = {"message_changed", "message_deleted", "bot_message", "message_replied", "channel_join"}


def message_request(
    body: dict[str, Any],
    now: datetime,
    bot_user_id: str | None,
    *,
    mention: bool,
    trust_console: bool = False,
) -> update.MessageRequest | None:
    """Our request for a message event, or None for one BoardBot does not answer."""
    event = body.get("event") or {}
    if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return None
    if event.get("subtype") not in (None, "thread_broadcast", "file_share"):
        return None
    origin = origin_of(body, trust_console=trust_console)
    text = clean_text(event.get("text") or "")
    thread_ts = event.get("thread_ts")
    if not mention:
        if not origin.is_direct_message and not (thread_ts and thread_ts != origin.message_ts):
            return None  # top-level channel messages reach BoardBot only as mentions
        if not origin.is_direct_message and bot_user_id and f"<@{bot_user_id}>" in text:
            return None  # the app_mention event answers it
    return update.MessageRequest(
        team_id=origin.team_id,
        user_id=origin.user_id,
        channel_id=origin.channel_id or "",
        ts=origin.message_ts or "",
        text=text,
        now=now,
        is_direct_message=origin.is_direct_message,
        thread_ts=thread_ts,
        mentioned=mention,
        under_bot_message=bool(bot_user_id and event.get("parent_user_id") == bot_user_id),
        person_key=origin.person_hint,
        board_key=origin.board_hint,
    )


def form_state(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A submitted form's private metadata and its inputs' values by block id."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    values: dict[str, Any] = {
        block: _cleaned(next(iter(inputs.values()), {}))
        for block, inputs in (view.get("state") or {}).get("values", {}).items()
    }
    return meta, values


def _cleaned(field: Any) -> Any:
    """A form input with its typed text cleaned (clean_text); other inputs as they are."""
    if isinstance(field, dict) and isinstance(field.get("value"), str):
        return {**field, "value": clean_text(field["value"])}
    return field
