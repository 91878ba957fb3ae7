"""Many workspaces: Slack's OAuth install flow, a bot token per workspace, uninstalls.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, any workspace can install BoardBot at
GET /slack/install; Slack sends the installer back to GET /slack/oauth_redirect, where Bolt's
OAuthFlow trades the code for that workspace's bot token and keeps it with slack_sdk's SQLAlchemy
installation store, in BoardBot's own database (tables from migration 0013). Each request is then
answered with the token of the workspace it came from (Bolt's installation-store authorize), and
the clock posts each workspace's reminders with its own (`bot_token`). `app_uninstalled` and
`tokens_revoked` delete the workspace's tokens; its board data stays, its reminders stop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, delete
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db import reading
from bot.slack.gate import INSTALL_PATH, REDIRECT_PATH
from bot.workspaces import board_count

log = logging.getLogger(__name__)

STATE_SECONDS = 600  # an install begun at /slack/install must come back within this


def store_metadata() -> MetaData:
    """The stores' tables as slack_sdk defines them, to check migration 0013 against."""
    metadata = MetaData()
    installations = SQLAlchemyInstallationStore
    installations.build_installations_table(metadata, installations.default_installations_table_name)
    installations.build_bots_table(metadata, installations.default_bots_table_name)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, SQLAlchemyOAuthStateStore.default_table_name)
    return metadata


@dataclass(frozen=True)
class Installations:
    """Where installs are kept: each workspace's bot token, and the state of installs under way."""

    store: SQLAlchemyInstallationStore
    states: SQLAlchemyOAuthStateStore

    @classmethod
    def on(cls, settings: Settings, engine: Engine) -> Installations:
        if not settings.slack_client_id:
            raise ValueError("Installations need SLACK_CLIENT_ID (many-workspace mode)")
        return cls(
            SQLAlchemyInstallationStore(settings.slack_client_id, engine, logger=log),
            SQLAlchemyOAuthStateStore(STATE_SECONDS, engine, logger=log),
        )

    def bot_token(self, team_id: str) -> str | None:
        """The workspace's newest bot token, None when BoardBot is not installed there (or was removed)."""
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot else None

    def forget_abandoned(self, now: datetime) -> int:
        """Delete the states of installs begun but never finished (the store deletes only used ones)."""
        states = self.states.oauth_states
        with self.states.engine.begin() as connection:
            done = connection.execute(
                delete(states).where(states.c.expire_at < now.astimezone(UTC).replace(tzinfo=None))
            )
        return done.rowcount


def oauth_settings(
    settings: Settings, installations: Installations, sessions: sessionmaker[Session]
) -> OAuthSettings:
    """Bolt's install flow at /slack/install and /slack/oauth_redirect, asking the manifest's scopes."""
    from bot.manifest import BOT_SCOPES  # bot.manifest reads bot.app's command table, which imports this

    flow = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=BOT_SCOPES,
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations.store,
        installation_store_bot_only=True,
        state_store=installations.states,
        state_expiration_seconds=STATE_SECONDS,
        callback_options=CallbackOptions(success=installed(sessions), failure=not_installed),
        logger=log,
    )
    # Each request's bot token comes from the store, as Bolt's own authorize does it, but cached per
    # token: Slack's auth.test is asked once a token, not before every ack. A deleted token is no
    # longer found in the store, so it is never served from the cache.
    flow.authorize = InstallationStoreAuthorize(
        logger=log,
        installation_store=installations.store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        bot_only=True,
        cache_enabled=True,
    )
    return flow


def installed(sessions: sessionmaker[Session]):
    def success(args: SuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id or "(no team: an organisation-wide install)"
        with reading(sessions) as session:
            boards = board_count(session, team_id)
        if boards:
            log.info("BoardBot installed in workspace %s; it has %d boards here", team_id, boards)
        else:
            log.warning(
                "BoardBot installed in workspace %s, which has no boards here yet: "
                "`boardbot load --workspace %s FILE…`",
                team_id,
                team_id,
            )
        return args.default.success(args)

    return success


def not_installed(args: FailureArgs) -> BoltResponse:
    log.warning("An install did not complete: %s", args.reason)
    return args.default.failure(args)


def revocation_listeners(installations: Installations):
    """`app_uninstalled` and `tokens_revoked`: forget the workspace's tokens, keep its boards."""
    revoke = TokenRevocationListeners(installations.store)

    def app_uninstalled(context: BoltContext) -> None:
        revoke.handle_app_uninstalled_events(context)
        log.warning(
            "BoardBot was uninstalled from workspace %s: its tokens are deleted, its boards kept; "
            "its reminders stop until it is installed again",
            context.team_id,
        )

    def tokens_revoked(event: dict, context: BoltContext) -> None:
        revoke.handle_tokens_revoked_events(event, context)
        log.warning(
            "Workspace %s revoked BoardBot's tokens (%s): deleted, boards kept; its reminders stop "
            "until it is installed again",
            context.team_id,
            ", ".join(sorted(event.get("tokens", {}))) or "none named",
        )

    return app_uninstalled, tokens_revoked


def token_gone(event: dict, context: BoltContext) -> None:
    """One workspace (SLACK_BOT_TOKEN's): an uninstall or revocation is told to the operator."""
    log.error(
        "Slack says %s for workspace %s: SLACK_BOT_TOKEN no longer works there, so nothing is "
        "answered or reminded until BoardBot is reinstalled and the new token set",
        event.get("type"),
        context.team_id,
    )


def one_workspace(token: str) -> Callable[[BoltContext], AuthorizeResult]:
    """Every request on one token, as Bolt's single-workspace authorize does (auth.test asked once).

    For a process serving one workspace (the console, Socket Mode) while SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET are in the environment: given no authorize, Bolt would read them and answer
    every request from an install flow of its own, with nothing installed in it.
    """
    known: list[AuthorizeResult] = []

    def authorize(context: BoltContext) -> AuthorizeResult:
        if not known:
            answer = context.client.auth_test(token=token)
            known.append(AuthorizeResult.from_auth_test_response(auth_test_response=answer, bot_token=token))
        return known[0]

    return authorize
