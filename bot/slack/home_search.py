"""Thin listeners for searching from the Home tab: its box (Enter, or its Search button) opens the
results in a modal, and the modal's own box searches again (`response_action: update`).

The search itself is commands/home_search.py, the same as `/boardbot search`; a Home tab press is
never a DM, so restricted passages stay out (that module says why).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.config import Settings
from bot.db import reading
from bot.request import MAX_TEXT, CommandRequest
from bot.slack.listeners import open_form
from bot.slack.payloads import Origin, clean_text, form_state, origin_of
from commands import home_search

BOX = "home_search"  # the Home tab's input: block id and action id (Enter dispatches it)


def _request(origin: Origin, typed: str, now: datetime) -> CommandRequest:
    """The words as typed (spaces tidied, cut as any request is): a trailing "share" is a word here."""
    return home_search.home_request(
        CommandRequest(
            command="boardbot",
            team_id=origin.team_id,
            user_id=origin.user_id,
            channel_id=None,
            is_direct_message=False,
            text=" ".join(clean_text(typed).split())[:MAX_TEXT],
            now=now,
            board_hint=origin.board_hint,
            person_hint=origin.person_hint,
        )
    )


def typed_on_home(body: dict[str, Any], action: dict[str, Any]) -> str:
    """The words in the Home tab's box: Enter sends them as the action's value; the Search button's
    press carries the tab's state."""
    if action.get("action_id") == BOX:
        return str(action.get("value") or "")
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return str(((values.get(BOX) or {}).get(BOX) or {}).get("value") or "")


def search_box(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    """Enter in the Home tab's search box, or its Search button: the results, in a modal."""

    def listener(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        origin = origin_of(body, trust_console=trust_console)
        request = _request(origin, typed_on_home(body, action), clock.now(settings))
        with reading(sessions) as session:
            view = home_search.search_view(session, request)
        open_form(client, body.get("trigger_id"), view, origin.user_id, None)

    listener.__name__ = "home_search"
    return listener


def search_submitted(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    """The modal's Search: its results replace the modal's; an empty box is told so beside it."""

    def listener(ack: Ack, body: dict, view: dict) -> None:
        _, state = form_state(view)
        typed = str((state.get(home_search.BOX) or {}).get("value") or "").strip()
        if not typed:
            ack(response_action="errors", errors={home_search.BOX: home_search.EMPTY_BOX})
            return
        origin = origin_of(body, trust_console=trust_console)
        with reading(sessions) as session:
            results = home_search.search_view(session, _request(origin, typed, clock.now(settings)))
        ack(response_action="update", view=results)

    listener.__name__ = "home_search_form"
    return listener
