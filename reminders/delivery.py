"""Sending a reminder message to Slack: Retry-After honoured, 5xx retried with backoff.

Every message carries Slack message metadata naming the ledger rows it delivers. When a try may have
reached Slack without our hearing back (a 5xx, a run that died after claiming), the conversation is
searched for that metadata before posting again, so a retry never doubles a message. A try Slack did
not answer at all (a timeout, a connection dropped after sending) is not tried again in the same run:
Slack may still be posting it and only show it later, after a look would have found nothing, so it is
left pending and uncertain for the next run, whose look finds it or posts it.
That needs the history scopes (`im:history`, `channels:history`, `groups:history`) and `im:write`;
without them the search is skipped and the message is posted again (at least once, never lost).
"""

from __future__ import annotations

import logging
import socket
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from reminders.limits import POST, Limits

log = logging.getLogger(__name__)

EVENT_TYPE = "boardbot_reminder"
# Slack's answers that no retry will change, for this message (its channel or its content).
PERMANENT = {
    "channel_not_found",
    "user_not_found",
    "is_archived",
    "not_in_channel",
    "cannot_dm_bot",
    "user_disabled",
    "invalid_blocks",
    "invalid_blocks_format",
    "msg_too_long",
    "no_text",
    "restricted_action",
    "invalid_metadata_format",
    "invalid_metadata_schema",
    "metadata_too_large",
}
# Answers that mean the bot itself cannot post at all: stop the run, keep everything pending.
STOP = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission"}
HISTORY_PAGES = 10  # of 200 messages: far more than a clock posts to one conversation in a lease
TRANSIENT = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}


@dataclass(frozen=True)
class Policy:
    attempts: int = 4  # tries of one message within a run (429s included)
    backoff: float = 1.0  # seconds before the second try after a 5xx or timeout; doubles each time
    max_backoff: float = 8.0
    max_retry_after: float = 30.0  # a longer Retry-After leaves the rest of the run for the next run
    timeout: int = 10  # seconds per HTTP request


@dataclass
class Outcome:
    status: str  # "sent", "pending" or "failed"
    channel: str | None = None
    ts: str | None = None
    error: str | None = None
    uncertain: bool = False  # pending, and a try may have reached Slack
    stop: bool = False  # the run should stop sending: Slack will not take anything now
    tries: int = 0


@dataclass
class Found:
    """A message already in the conversation that delivered some ledger rows."""

    channel: str
    ts: str
    ids: set[int] = field(default_factory=set)


def make_client(
    settings: Settings, *, base_url: str | None = None, timeout: int = Policy.timeout
) -> WebClient:
    """A WebClient without slack_sdk's own retries: the Sender decides when to try again."""
    return WebClient(
        token=settings.slack_bot_token or "xoxb-not-configured",
        base_url=base_url or settings.slack_api_url or WebClient.BASE_URL,
        timeout=timeout,
        retry_handlers=[],
    )


def _transport_error(exc: BaseException) -> tuple[str, bool]:
    """(what happened, whether the request may have reached Slack)."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError | socket.gaierror):
        return f"cannot connect to Slack: {reason}", False
    if isinstance(reason, TimeoutError | socket.timeout):
        return "Slack did not answer in time", True
    return f"connection to Slack failed: {reason}", True


class Sender:
    """Posts messages through one WebClient, pacing itself after a 429 for the rest of the run."""

    def __init__(
        self,
        client: WebClient,
        policy: Policy = Policy(),
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        limits: Limits | None = None,
        team: str = "",
    ):
        self.client = client
        self.limits = limits  # shared by a run's senders: each workspace's own limits
        self.team = team
        self.policy = policy
        self.sleep = sleep
        self.clock = clock
        self.not_before = 0.0  # monotonic time before which Slack asked us not to call
        self.paused = False  # a Retry-After longer than the policy allows: nothing more this run
        self.history_unavailable = False
        self.dm_channels: dict[str, str] = {}

    def _wait_turn(self, method: str = POST, conversation: str | None = None) -> None:
        wait = self.not_before - self.clock()
        if self.limits is not None:
            wait = max(wait, self.limits.take(self.team, method, conversation))
        if wait > 0:
            self.sleep(wait)

    def _rate_limited(self, method: str, retry_after: float) -> None:
        if self.limits is not None:  # only this workspace's calls of this method wait
            self.limits.retry_after(self.team, method, retry_after)
        else:
            self.not_before = self.clock() + retry_after

    def _backoff(self, failures: int) -> None:
        self.sleep(min(self.policy.backoff * 2 ** (failures - 1), self.policy.max_backoff))

    def deliver(
        self,
        target: str,
        text: str,
        blocks: list[dict[str, Any]],
        ids: list[int],
        *,
        turn_taken: bool = False,
    ) -> Outcome:
        """Post one message; retry within the policy; never post it twice if Slack may have it.

        `turn_taken`: the caller already reserved this call's turn in `limits` (the run's dispatcher).
        """
        uncertain = False
        failures = 0
        last_error = "not tried"
        for attempt in range(1, self.policy.attempts + 1):
            if self.paused:
                return Outcome(
                    "pending", error="rate limited by Slack: left for the next run", tries=attempt - 1
                )
            if uncertain:
                found = self.find_posted(target, set(ids))
                if found is None:
                    return Outcome("pending", error=last_error, uncertain=True, tries=attempt - 1)
                if found.ids >= set(ids):
                    return Outcome("sent", found.channel, found.ts, tries=attempt - 1)
            if not turn_taken:
                self._wait_turn(POST, target)
            elif self.limits is not None and (pause := self.limits.paused_for(self.team, POST)) > 0:
                self.sleep(pause)  # a Retry-After heard since the dispatcher gave this call its turn
            turn_taken = False
            try:
                response = self.client.chat_postMessage(
                    channel=target,
                    text=text,
                    blocks=blocks,
                    metadata={"event_type": EVENT_TYPE, "event_payload": {"deliveries": _ids(ids)}},
                    unfurl_links=False,
                    unfurl_media=False,
                )
                return Outcome("sent", response.get("channel"), response.get("ts"), tries=attempt)
            except SlackApiError as exc:
                status = exc.response.status_code
                error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
                if status == 429 or error == "ratelimited":
                    retry_after = _retry_after(exc.response.headers)
                    self._rate_limited(POST, retry_after)
                    last_error = f"rate limited: Retry-After {retry_after:g} s"
                    if retry_after > self.policy.max_retry_after:
                        self.paused = True
                    continue
                if status >= 500 or error in TRANSIENT:
                    uncertain = True
                    failures += 1
                    last_error = f"Slack answered HTTP {status}" + (f" ({error})" if error else "")
                    self._backoff(failures)
                    continue
                if error in STOP:
                    return Outcome(
                        "pending", error=f"Slack refused the bot: {error}", stop=True, tries=attempt
                    )
                if error in PERMANENT:
                    return Outcome("failed", error=f"Slack refused the message: {error}", tries=attempt)
                return Outcome(
                    "pending", error=f"Slack answered {status} {error or ''}".strip(), uncertain=uncertain,
                    tries=attempt,
                )  # fmt: skip
            except (urllib.error.URLError, OSError) as exc:
                last_error, maybe_sent = _transport_error(exc)
                if maybe_sent:  # Slack may still be posting it: the next run looks, then posts or not
                    return Outcome("pending", error=last_error, uncertain=True, tries=attempt)
                failures += 1
                self._backoff(failures)
        return Outcome("pending", error=last_error, uncertain=uncertain, tries=self.policy.attempts)

    def find_posted(self, target: str, ids: set[int]) -> Found | None:
        """The latest message in the conversation that delivered any of `ids` (an empty Found: none).

        Looks through the newest HISTORY_PAGES pages. None when Slack could not be asked just now
        (the caller leaves the rows for the next run). Without the history scopes it cannot look and
        returns an empty Found.
        """
        if self.history_unavailable:
            return Found("", "")
        try:
            channel = self._conversation(target)
            cursor = None
            for _page in range(HISTORY_PAGES):
                self._wait_turn("conversations.history")
                page = self.client.conversations_history(
                    channel=channel, limit=200, include_all_metadata=True, cursor=cursor
                )
                messages: list[dict] = page.get("messages", [])
                for message in messages:
                    metadata = message.get("metadata") or {}
                    if metadata.get("event_type") != EVENT_TYPE:
                        continue
                    posted = set(_parse_ids(metadata.get("event_payload", {}).get("deliveries", "")))
                    if posted & ids:
                        return Found(channel, message.get("ts", ""), posted & ids)
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
            return Found(channel, "")
        except SlackApiError as exc:
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            if error in ("missing_scope", "not_allowed_token_type", "method_not_supported_for_channel_type"):
                log.warning(
                    "cannot search Slack for sent reminders (%s): retries may repeat a message", error
                )
                self.history_unavailable = True
                return Found("", "")
            if exc.response.status_code == 429:
                self._rate_limited(
                    exc.response.api_url.rsplit("/", 1)[-1], _retry_after(exc.response.headers)
                )
            log.warning("could not check Slack for an earlier try: %s", error or exc.response.status_code)
            return None
        except (urllib.error.URLError, OSError) as exc:
            log.warning("could not check Slack for an earlier try: %s", _transport_error(exc)[0])
            return None

    def _conversation(self, target: str) -> str:
        """A user's DM channel (conversations.open), or the channel itself."""
        if not target.startswith(("U", "W")):
            return target
        if target not in self.dm_channels:
            self._wait_turn("conversations.open")
            opened = self.client.conversations_open(users=target)
            self.dm_channels[target] = opened["channel"]["id"]
        return self.dm_channels[target]


def _ids(ids: list[int]) -> str:
    return ",".join(str(i) for i in ids)


def _parse_ids(text: Any) -> list[int]:
    if isinstance(text, list):
        return [int(i) for i in text]
    return [int(part) for part in str(text).split(",") if part.strip().isdigit()]


def _retry_after(headers: Any) -> float:
    value = None
    for name in ("Retry-After", "retry-after"):
        if headers and name in headers:
            value = headers[name]
            break
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(float(value), 0.0) if value is not None else 1.0
    except ValueError:
        return 1.0
