"""Thin listeners for BoardBot's Home tab: publish it when opened, and again after the person's own
update; its settings buttons and the Away form.

The view is built by commands/home.py; publishing (views.publish) goes after the ack, on the
bot.slack.after pool. `refreshing` wraps the listeners of the updates (buttons, forms, DMs, `/boardbot`):
once one has run, and its change is committed, the sender's Home tab is published again, so it never
shows an action as open that they have just marked done.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot import models as m
from bot.config import Settings
from bot.db import in_transaction, reading
from bot.render import render_blocks
from bot.slack.after import AFTER, reply_client
from bot.slack.listeners import open_form
from bot.slack.payloads import Origin, form_state, origin_of
from commands import home, settings
from reminders.ledger import set_delivery

log = logging.getLogger(__name__)
# presses and forms that change what someone's Home tab shows (its own settings publish it themselves)
UPDATE_ACTIONS = {
    "action_done",
    "action_in_progress",
    "action_blocked",
    "action_new_date",
    "paper_submitted",
    "attendance_attending",
    "attendance_apologies",
    "watch_stop",
}
UPDATE_FORMS = {"action_new_date_modal", "action_add_note_modal", "record_action_modal"}
UPDATE_COMMANDS = {"/boardbot"}
UPDATE_SUBCOMMANDS = {
    "settings",
    "setting",
    "away",
    "back",
    "paper",
    "action",
    "actions",
    "apologies",
    "attending",
    "watch",
    "unwatch",
}


def person_of(session: Session, origin: Origin) -> m.Person | None:
    """The person a request is from: the console vouches by key; else by Slack user id."""
    who = (
        m.Person.key == origin.person_hint if origin.person_hint else m.Person.slack_user_id == origin.user_id
    )
    return session.scalars(
        select(m.Person)
        .join(m.Workspace, m.Workspace.id == m.Person.workspace_id)
        .where(m.Workspace.team_id == origin.team_id, who)
        .limit(1)
    ).first()


def publish(client: WebClient, sessions: sessionmaker[Session], settings_: Settings, origin: Origin) -> None:
    """Build the person's Home tab now and publish it after the ack."""

    def call() -> None:
        with reading(sessions) as session:
            view = home.home_view(session, person_of(session, origin), clock.now(settings_))
        reply_client(client).views_publish(user_id=origin.user_id, view=view)

    AFTER.later("Home tab", origin.user_id, call)


def home_opened(sessions: sessionmaker[Session], settings_: Settings, *, trust_console: bool = False):
    """`app_home_opened`: publish the Home tab (Slack also sends it for the Messages tab: not then)."""

    def listener(body: dict, event: dict, client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        publish(client, sessions, settings_, origin_of(body, trust_console=trust_console))

    listener.__name__ = "app_home_opened"
    return listener


def _changes_home(body: dict[str, Any]) -> bool:
    kind = body.get("type")
    if kind == "block_actions":
        return any(a.get("action_id") in UPDATE_ACTIONS for a in body.get("actions") or [])
    if kind == "view_submission":
        return (body.get("view") or {}).get("callback_id") in UPDATE_FORMS
    if kind == "event_callback":
        event = body.get("event") or {}
        return (
            event.get("type") in ("message", "app_mention")
            and not event.get("bot_id")
            and "subtype" not in event
        )
    words = str(body.get("text") or "").lower().split()
    return body.get("command") in UPDATE_COMMANDS and bool(words) and words[0] in UPDATE_SUBCOMMANDS


def refreshing(
    listener: Callable[..., Any],
    sessions: sessionmaker[Session],
    settings_: Settings,
    *,
    trust_console: bool = False,
):
    """`listener`, then the sender's Home tab published again when the request may have changed what it
    shows. Bolt passes arguments by the wrapped listener's own names (it unwraps): that listener must
    take `body` (or a slash command's `command`) and `client`."""

    @functools.wraps(listener)
    def wrapper(**kwargs: Any) -> Any:
        answer = listener(**kwargs)
        body = kwargs.get("body") or kwargs.get("command") or {}
        client = kwargs.get("client")
        if client is not None and _changes_home(body):
            origin = origin_of(body, trust_console=trust_console)
            if origin.user_id:
                publish(client, sessions, settings_, origin)
        return answer

    return wrapper


def _with_person(
    sessions: sessionmaker[Session],
    settings_: Settings,
    body: dict,
    client: WebClient,
    trust_console: bool,
    change: Callable[[Session, m.Person], object],
) -> None:
    """Apply a settings change for the presser (someone not in the records changes nothing), then
    publish their Home tab again."""
    origin = origin_of(body, trust_console=trust_console)

    def work(session: Session) -> None:
        person = person_of(session, origin)
        if person is not None:
            change(session, person)

    in_transaction(sessions, work)
    publish(client, sessions, settings_, origin)


def delivery_button(sessions: sessionmaker[Session], settings_: Settings, *, trust_console: bool = False):
    """Each as due / Daily digest (the value names which)."""

    def listener(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        wanted = settings.CHOICES.get(str(action.get("value")))
        if wanted is None:
            return
        now = clock.now(settings_)
        _with_person(
            sessions, settings_, body, client, trust_console, lambda s, p: set_delivery(s, p.id, wanted, now)
        )

    return listener


def quiet_select(sessions: sessionmaker[Session], settings_: Settings, *, trust_console: bool = False):
    """The Quiet days menu: the weekdays chosen, Monday to Friday; at most MAX_QUIET are kept."""

    def listener(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        chosen = [o.get("value") for o in action.get("selected_options") or []]
        days = sorted({int(v) for v in chosen if isinstance(v, str) and v.isdigit() and int(v) < 5})
        now = clock.now(settings_)
        _with_person(
            sessions,
            settings_,
            body,
            client,
            trust_console,
            lambda s, p: settings.set_quiet(s, p, days[: settings.MAX_QUIET], now),
        )

    return listener


def back_button(sessions: sessionmaker[Session], settings_: Settings, *, trust_console: bool = False):
    def listener(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        now = clock.now(settings_)
        _with_person(
            sessions, settings_, body, client, trust_console, lambda s, p: settings.clear_away(s, p, now)
        )

    return listener


def away_button(sessions: sessionmaker[Session], settings_: Settings):
    """Away…: the form asking for the day back and the delegate."""

    def listener(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        suggested = clock.now(settings_).date() + timedelta(days=7)
        view = render_blocks("home_away_modal.json.j2", suggested=suggested)
        user = (body.get("user") or {}).get("id")
        open_form(client, body.get("trigger_id"), view, user, None)  # type: ignore[arg-type]

    return listener


def away_submitted(sessions: sessionmaker[Session], settings_: Settings, *, trust_console: bool = False):
    """The Away form: checked as `/boardbot away` checks it; a problem is shown on its field."""

    def listener(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        _, state = form_state(view)
        origin = origin_of(body, trust_console=trust_console)
        now = clock.now(settings_)
        try:
            until = date.fromisoformat((state.get("until") or {}).get("selected_date") or "")
        except ValueError:
            ack(response_action="errors", errors={"until": "Choose the day you are back."})
            return
        delegate_id = (state.get("delegate") or {}).get("selected_user") or ""

        def work(session: Session) -> dict[str, str]:
            person = person_of(session, origin)
            if person is None:
                return {"delegate": "You are not in the board records, so BoardBot sends you no reminders."}
            delegate = person_of(session, Origin(origin.team_id, delegate_id, None, None, False))
            if delegate is None:
                return {"delegate": "They are not in the board records: choose someone who is."}
            today = settings.today_for(session, person, now)
            problem = settings.away_problem(person, until, delegate, today)
            if problem:
                return {"delegate" if delegate.id == person.id else "until": problem.split(" (e.g.")[0]}
            settings.set_away(session, person, until, delegate, now)
            return {}

        errors = in_transaction(sessions, work)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        publish(client, sessions, settings_, origin)

    listener.__name__ = "away_form"
    return listener
