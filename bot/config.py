"""Settings, read once from the environment and passed down."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_DATABASE_URL = "sqlite:///boardbot.sqlite3"
DEFAULT_DATABASE_TIMEOUT = 2.0  # seconds: connect, pool wait and statement, within Slack's three
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
REMINDER_LEASE_SECONDS = 600  # a claim's life: longer than any one delivery, Retry-After included
REMINDER_CUTOFF_SECONDS = 300  # no new claims after this far into a run (at most half the lease)
REMINDER_WORKERS = 32  # messages in flight at once per clock (threads waiting on Slack)
REMINDER_BATCH = 32  # messages claimed per transaction
REMINDER_POSTS_PER_SECOND = 5.0  # per workspace per clock (reminders/limits.py)  # bot.logs: `key=value` text, or one JSON object a line


class ConfigError(ValueError):
    """An environment variable has a value BoardBot cannot use."""


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the Heroku way (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    port: int = 3000
    now: datetime | None = None
    log_level: str = "INFO"
    database_timeout: float = DEFAULT_DATABASE_TIMEOUT
    log_format: str = "text"
    # Many workspaces: Slack's OAuth install flow, a bot token per workspace (bot/slack/oauth.py)
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_redirect_uri: str | None = None  # needed only when the app lists several redirect URLs
    # The reminder run (reminders/run.py, reminders/pool.py)
    reminder_lease: timedelta = timedelta(seconds=REMINDER_LEASE_SECONDS)
    reminder_cutoff: timedelta = timedelta(seconds=REMINDER_CUTOFF_SECONDS)
    reminder_workers: int = REMINDER_WORKERS
    reminder_batch: int = REMINDER_BATCH
    reminder_posts_per_second: float = REMINDER_POSTS_PER_SECOND
    public_url: str | None = None  # BOARDBOT_PUBLIC_URL: where the web process is reached (calendar feeds)

    @property
    def has_slack(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def oauth(self) -> bool:
        """Many workspaces: the install flow and each workspace's own token, not SLACK_BOT_TOKEN."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        now = None
        if env.get("BOARDBOT_NOW"):
            try:
                now = datetime.fromisoformat(env["BOARDBOT_NOW"])
            except ValueError as exc:
                raise ConfigError(
                    f"BOARDBOT_NOW={env['BOARDBOT_NOW']!r} is not an ISO date-time; "
                    "use e.g. 2023-09-01 or 2023-09-01T09:00+01:00"
                ) from exc
        port = env.get("PORT", "3000")
        if not port.isdigit():
            raise ConfigError(f"PORT={port!r} is not a port number; use e.g. 3000")
        log_level = env.get("LOG_LEVEL", "INFO").upper()
        if log_level not in LOG_LEVELS:
            raise ConfigError(
                f"LOG_LEVEL={env['LOG_LEVEL']!r} is not a level; use one of {', '.join(LOG_LEVELS)}"
            )
        log_format = (env.get("LOG_FORMAT") or "text").lower()
        if log_format not in LOG_FORMATS:
            raise ConfigError(
                f"LOG_FORMAT={env['LOG_FORMAT']!r} is not a format; use one of {', '.join(LOG_FORMATS)}"
            )
        database_timeout = env.get("DATABASE_TIMEOUT") or str(DEFAULT_DATABASE_TIMEOUT)
        try:
            timeout = float(database_timeout)
        except ValueError:
            timeout = 0.0
        if not 0 < timeout <= 60:
            raise ConfigError(
                f"DATABASE_TIMEOUT={database_timeout!r} is not a number of seconds from 0 to 60; use e.g. 2"
            )
        if bool(env.get("SLACK_CLIENT_ID")) != bool(env.get("SLACK_CLIENT_SECRET")):
            raise ConfigError(
                "Set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Basic Information > App Credentials) "
                "to serve many workspaces, or neither to serve SLACK_BOT_TOKEN's one"
            )
        lease = _number(env, "REMINDER_LEASE_SECONDS", REMINDER_LEASE_SECONDS, 60, 86400, "600")
        cutoff = _number(env, "REMINDER_CUTOFF_SECONDS", REMINDER_CUTOFF_SECONDS, 10, 43200, "300")
        if cutoff > lease / 2:
            raise ConfigError(
                f"REMINDER_CUTOFF_SECONDS={cutoff:g} is more than half of REMINDER_LEASE_SECONDS={lease:g}: "
                "a claim could outlive its lease; use a cut-off of at most half the lease, e.g. 300 and 600"
            )
        public_url = (env.get("BOARDBOT_PUBLIC_URL") or "").strip().rstrip("/") or None
        if public_url and not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", public_url):
            raise ConfigError(
                f"BOARDBOT_PUBLIC_URL={env['BOARDBOT_PUBLIC_URL']!r} is not a web address; "
                "use e.g. https://boardbot.example.org (where the web process is served)"
            )
        return cls(
            reminder_lease=timedelta(seconds=lease),
            reminder_cutoff=timedelta(seconds=cutoff),
            reminder_workers=int(
                _number(env, "REMINDER_WORKERS", REMINDER_WORKERS, 1, 256, "16", whole=True)
            ),
            reminder_batch=int(_number(env, "REMINDER_BATCH", REMINDER_BATCH, 1, 1000, "32", whole=True)),
            reminder_posts_per_second=_number(
                env, "REMINDER_POSTS_PER_SECOND", REMINDER_POSTS_PER_SECOND, 0.1, 100, "5"
            ),
            database_url=normalise_database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            port=int(port),
            now=now,
            log_level=log_level,
            database_timeout=timeout,
            log_format=log_format,
            slack_client_id=env.get("SLACK_CLIENT_ID") or None,
            slack_client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            slack_redirect_uri=env.get("SLACK_REDIRECT_URI") or None,
            public_url=public_url,
        )


def _number(
    env: Mapping[str, str], name: str, default: float, least: float, most: float, example: str, *, whole=False
) -> float:
    """A number from the environment within [least, most], or a ConfigError saying what would work."""
    text = env.get(name) or str(default)
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not least <= value <= most or (whole and not value.is_integer()):
        kind = "a whole number" if whole else "a number"
        raise ConfigError(f"{name}={text!r} is not {kind} from {least:g} to {most:g}; use e.g. {example}")
    return value
