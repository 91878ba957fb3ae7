"""create_app: every command, button and handler of the Bolt app, on one screen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import links
from bot.config import Settings
from bot.slack import home, home_search, oauth, watches
from bot.slack.attendance import attendance_button
from bot.slack.buttons import (
    form_submitted,
    new_date_button,
    note_button,
    paper_button,
    snooze_button,
    status_button,
)
from bot.slack.events import message_listener
from bot.slack.listeners import CommandFn, on_error, page_button, slash_command
from bot.slack.minutes import SUBMITS, minutes_form_submitted
from bot.slack.record import record_shortcut, record_submitted
from commands import actions, agenda, help, kpi, nextmeeting


@dataclass(frozen=True)
class Command:
    name: str  # without the slash
    run: CommandFn
    description: str  # shown in Slack's command picker (manifest)
    usage_hint: str
    asks_slack: bool = False  # run also gets a Slack directory (admins, e-mails) as its third argument
    reads_only: bool = False  # never writes: runs without a transaction (bot.db.reading)


COMMANDS = (
    Command(
        "nextmeeting",
        nextmeeting.run,
        "When and where your board meets next, and its agenda",
        "[board]",
        reads_only=True,
    ),
    Command(
        "agenda", agenda.run, "The full agenda of a meeting", "[board] [next|last|date]", reads_only=True
    ),
    Command(
        "kpi", kpi.run, "Headline KPIs, or the KPIs matching your words", "[board] [words]", reads_only=True
    ),
    Command(
        "actions",
        actions.run,
        "Actions by status, lead, meeting or words, or one by reference",
        "[board] [mine|overdue|blocked|in progress|@person|from last|words|A-12]",
        reads_only=True,
    ),
    Command(
        "boardbot",
        help.run,
        "What BoardBot can do; mark a paper submitted; record an action",
        "[help | paper submitted [board] item | action add]",
        asks_slack=True,
    ),
)


@dataclass(frozen=True)
class Shortcut:
    callback_id: str
    name: str  # shown in a message's ⋯ menu (manifest)
    description: str


SHORTCUTS = (Shortcut("record_action", "Record as action", "Record this message as a board action"),)


def create_app(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    console: bool = False,
    installations: oauth.Installations | None = None,
) -> App:
    """The Bolt app. `console` trusts the console's board and person hints and skips Slack's checks.

    With `installations` (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set) it serves every workspace that
    installs it, each with its own bot token; else the one workspace of SLACK_BOT_TOKEN.
    """
    links.configure(settings)  # where calendar feeds are served, for /boardbot calendar and /nextmeeting
    base_url = settings.slack_api_url or WebClient.BASE_URL
    if installations is not None:
        app = App(
            signing_secret=settings.slack_signing_secret or "not-configured",
            client=WebClient(base_url=base_url),
            process_before_response=True,
            oauth_settings=oauth.oauth_settings(settings, installations, sessions),
            request_verification_enabled=not console,
        )
        app_uninstalled, tokens_revoked = oauth.revocation_listeners(installations)
        app.event("app_uninstalled")(app_uninstalled)
        app.event("tokens_revoked")(tokens_revoked)
    else:
        token = settings.slack_bot_token or "xoxb-not-configured"
        app = App(
            signing_secret=settings.slack_signing_secret or "not-configured",
            client=WebClient(token=token, base_url=base_url),
            authorize=oauth.one_workspace(token) if settings.oauth else None,  # Bolt would read them
            process_before_response=True,
            token_verification_enabled=settings.has_slack and not console,
            request_verification_enabled=not console,
        )
        app.event("app_uninstalled")(oauth.token_gone)
        app.event("tokens_revoked")(oauth.token_gone)

    def refresh(listener):  # the sender's Home tab is published again after their own update
        return home.refreshing(listener, sessions, settings, trust_console=console)

    for command in COMMANDS:
        app.command(f"/{command.name}")(
            refresh(
                slash_command(
                    command.name,
                    command.run,
                    sessions,
                    settings,
                    trust_console=console,
                    asks_slack=command.asks_slack,
                    reads_only=command.reads_only,
                )
            )
        )
    app.action(re.compile(r"^page_(next|previous|open_\d+|chart_\d+)$"))(  # open: an item's detail
        page_button(
            {command.name: command.run for command in COMMANDS},
            sessions,
            settings,
            trust_console=console,
            reading_only=frozenset(c.name for c in COMMANDS if c.reads_only),
        )
    )
    app.event("message")(  # DMs, threads under ours
        refresh(message_listener(sessions, settings, mention=False, trust_console=console))
    )
    app.event("app_mention")(
        refresh(message_listener(sessions, settings, mention=True, trust_console=console))
    )
    app.action(re.compile(r"^action_(done|in_progress|blocked)$"))(
        refresh(status_button(sessions, settings, trust_console=console))
    )
    app.action("action_new_date")(refresh(new_date_button(sessions, settings, trust_console=console)))
    app.action("action_add_note")(note_button(sessions, settings))
    app.view("action_new_date_modal")(
        refresh(form_submitted(sessions, settings, "date", trust_console=console))
    )
    app.view("action_add_note_modal")(
        refresh(form_submitted(sessions, settings, "note", trust_console=console))
    )
    app.action("paper_submitted")(refresh(paper_button(sessions, settings)))
    app.action(re.compile(r"^action_snooze_(day|week)$"))(snooze_button(sessions, settings))
    app.action(re.compile(r"^attendance_(attending|apologies)$"))(
        refresh(attendance_button(sessions, settings, trust_console=console))
    )
    app.shortcut("record_action")(record_shortcut(sessions, settings, trust_console=console))
    app.view("record_action_modal")(refresh(record_submitted(sessions, settings, trust_console=console)))
    app.event("app_home_opened")(home.home_opened(sessions, settings, trust_console=console))
    app.action(re.compile(r"^home_delivery_(immediate|daily)$"))(
        home.delivery_button(sessions, settings, trust_console=console)
    )
    app.action("home_quiet")(home.quiet_select(sessions, settings, trust_console=console))
    app.action("home_away")(home.away_button(sessions, settings))
    app.action("home_back")(home.back_button(sessions, settings, trust_console=console))
    app.view("home_away_modal")(home.away_submitted(sessions, settings, trust_console=console))
    app.action(re.compile(r"^home_search(_go)?$"))(
        home_search.search_box(sessions, settings, trust_console=console)
    )
    app.view("home_search_modal")(home_search.search_submitted(sessions, settings, trust_console=console))
    app.action("watch_stop")(refresh(watches.stop_button(sessions, settings, trust_console=console)))
    for callback_id, submit in SUBMITS.items():  # the secretary's decision and minutes forms
        app.view(callback_id)(
            refresh(minutes_form_submitted(sessions, settings, submit, trust_console=console))
        )
    app.error(on_error)
    return app
