"""Asking commands directly, as the Slack listeners do, and reading the replies as text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from bot import models as m
from bot.app import COMMANDS
from bot.db import make_sessions
from bot.render import plain
from bot.reply import Reply
from bot.request import CommandRequest
from bot.slack.listeners import answer

SEPT_2023 = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
_READ_ONLY = {command.run for command in COMMANDS if command.reads_only}


def ask(
    engine,
    run,
    command: str,
    text: str = "",
    *,
    now: datetime = SEPT_2023,
    user_id: str = "UNOBODY",
    channel_id: str | None = "DDIRECT",
    dm: bool = True,
    team_id: str = "local",
    page: int = 1,
    board_hint: str | None = None,
    person_hint: str | None = None,
) -> Reply:
    request = CommandRequest.parse(
        command,
        text,
        team_id=team_id,
        user_id=user_id,
        channel_id=channel_id,
        is_direct_message=dm,
        now=now,
        board_hint=board_hint,
        person_hint=person_hint,
    ).on_page(page)
    return answer(run, request, make_sessions(engine), reads_only=run in _READ_ONLY)  # as the listeners do


def text_of(reply: Reply) -> str:
    """The reply as a person reads it: tokens, escapes and *bold*/_italic_ marks resolved."""
    return re.sub(r"(?<!\w)_|_(?!\w)", "", plain(reply.text).replace("*", ""))


def blocks_text(reply: Reply) -> str:
    """Every block's text as a person reads it (the fallback `text` is clipped for notifications)."""
    parts: list[str] = []
    for block in reply.blocks:
        texts = [block.get("text"), *block.get("elements", []), *block.get("fields", [])]
        parts += [t["text"] for t in texts if isinstance(t, dict) and isinstance(t.get("text"), str)]
    return re.sub(r"(?<!\w)_|_(?!\w)", "", plain("\n".join(parts)).replace("*", ""))


def add_adults_and_health_committee(engine) -> None:
    """A second board whose name shares "health" with the Health & Wellbeing Board's."""
    with make_sessions(engine).begin() as session:
        hwb = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        session.add(
            m.Board(
                workspace_id=hwb.workspace_id,
                key="ahps",
                name="Adults and Health Policy and Scrutiny Committee",
            )
        )
