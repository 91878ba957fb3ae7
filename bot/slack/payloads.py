"""Slack payloads in, our own CommandRequest out."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.render import slack_unescape
from bot.request import CommandRequest


def _is_dm(channel_id: str | None, channel_name: str | None) -> bool:
    return channel_name == "directmessage" or bool(channel_id and channel_id.startswith("D"))


def _console_hints(payload: dict[str, Any], trust_console: bool) -> dict[str, str | None]:
    """The console vouches for a board and a person; nothing from Slack may."""
    hints = payload.get("boardbot_console") if trust_console else None
    hints = hints if isinstance(hints, dict) else {}
    return {"board_hint": hints.get("board"), "person_hint": hints.get("person")}


def command_request(
    name: str, payload: dict[str, Any], now: datetime, *, trust_console: bool = False
) -> CommandRequest:
    channel_id = payload.get("channel_id")
    return CommandRequest.parse(
        name,
        slack_unescape(payload.get("text") or ""),  # Slack sends & < > as entities
        team_id=payload.get("team_id") or "",
        user_id=payload.get("user_id") or "",
        channel_id=channel_id,
        is_direct_message=_is_dm(channel_id, payload.get("channel_name")),
        now=now,
        **_console_hints(payload, trust_console),
    )


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
    channel = body.get("channel") or {}
    user = body.get("user") or {}
    team = body.get("team") or {}
    request = CommandRequest.parse(
        command,
        text + (" share" if state.get("s") else ""),
        team_id=team.get("id") or user.get("team_id") or "",
        user_id=user.get("id") or "",
        channel_id=channel.get("id"),
        is_direct_message=_is_dm(channel.get("id"), channel.get("name")),
        now=now,
        **_console_hints(body, trust_console),
    )
    return request.on_page(page)
