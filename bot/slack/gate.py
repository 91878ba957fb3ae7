"""What every HTTP request passes before Bolt sees it: size limit, Slack's signature, a parsable body.

The checks run on the raw bytes, so an unsigned, oversized or malformed body is refused (413, 401,
400) without Bolt parsing or logging it; what is logged of a refusal is its reason and size, never
its content (Slack's bodies carry the verification token and response_url). The ASGI app the web
process serves (bot.slack.asgi) runs them before handing the request to Bolt.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from slack_bolt import BoltRequest

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATHS = ("/healthz", "/readyz")  # the process is up; it can serve (database reachable, schema current)
INSTALL_PATH = "/slack/install"  # many workspaces: where an install begins (a browser, not Slack)
REDIRECT_PATH = "/slack/oauth_redirect"  # where Slack sends the installer back with a code
INSTALL_PATHS = (INSTALL_PATH, REDIRECT_PATH)  # not signed by Slack: Bolt's OAuthFlow checks the state
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are a few KB; its largest (view submissions) well under this
MAX_SKEW_SECONDS = 300  # Slack's window for X-Slack-Request-Timestamp, as slack_sdk checks it


@dataclass(frozen=True)
class Refusal:
    """An answer given instead of Bolt's: the status and a short reason (sent and logged, body never)."""

    status: int
    reason: str

    def log(self, path: str, size: str) -> None:
        """One line: status, path, reason and the body's size (`size`, e.g. "195 bytes"), never its content."""
        log.warning("refused %s %s: %s (body of %s, not logged)", self.status, path, self.reason, size)


def route(method: str, path: str, *, installs: bool = False) -> Refusal | None:
    """POST /slack/events is served, GET (or HEAD) of the probes /healthz and /readyz, and with
    `installs` (many workspaces) GET of the install flow's /slack/install and /slack/oauth_redirect."""
    if path in HEALTH_PATHS or (installs and path in INSTALL_PATHS):
        return None if method in ("GET", "HEAD") else Refusal(405, "This page is read with GET.")
    if path != EVENTS_PATH:
        return Refusal(404, "Not found. BoardBot listens at /slack/events.")
    if method != "POST":
        return Refusal(405, "Slack posts its requests here.")
    return None


def declared_length(value: str | None) -> int | Refusal | None:
    """The Content-Length a client declared (None when it streams without one), refused when too big."""
    if value is None:
        return None
    if not value.strip().isdigit():
        return Refusal(400, "Content-Length is not a number.")
    length = int(value)
    if length > MAX_BODY_BYTES:
        return too_large()
    return length


def too_large() -> Refusal:
    return Refusal(413, f"The body is over {MAX_BODY_BYTES:,} bytes; Slack's requests are far smaller.")


def signed(secret: bytes, raw: bytes, headers: Mapping[str, str], now: float) -> bool:
    """Slack's v0 signature (HMAC-SHA256 of `v0:timestamp:body`) with a timestamp within five minutes.

    Computed here on the bytes, as Slack signs them: slack_sdk's verifier decodes the body first and
    would raise on one that is not UTF-8 or on a timestamp that is not a number.
    """
    timestamp = headers.get("x-slack-request-timestamp") or ""
    signature = headers.get("x-slack-signature") or ""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    expected = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest("v0=" + expected, signature)


def admit(
    secret: bytes, raw: bytes, headers: Mapping[str, str], query: str = "", now: float | None = None
) -> BoltRequest | Refusal:
    """The request for Bolt when the raw body is Slack-signed and parses to a payload, else a refusal.

    `headers` have lower-case names. Slack's unsigned `ssl_check` ping is answered by Bolt unverified,
    so it is let through as Bolt would (it carries no payload and runs no listener).
    """
    now = time.time() if now is None else now
    if not signed(secret, raw, headers, now) and not is_ssl_check(raw):
        return Refusal(401, "The request is not signed with this app's signing secret, or is stale.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "The body is not UTF-8 text.")
    try:
        request = BoltRequest(body=text, query=query, headers=dict(headers))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as exc:
        # ValueError covers json's decode errors; the others come from Bolt reading ids from a
        # payload that is not an object (a list, a string, nested too deep).
        return Refusal(400, f"The body is not a Slack payload ({type(exc).__name__}).")
    if not isinstance(request.body, dict):
        return Refusal(400, "The body is not a Slack payload (not an object).")
    problem = misshapen(request.body)
    if problem:
        return Refusal(400, f"The body is not a Slack payload ({problem}).")
    return request


def misshapen(body: dict) -> str | None:
    """What is missing from a payload where Bolt's matchers index without looking (None when fine)."""
    kind = body.get("type")
    if kind == "block_actions":
        actions = body.get("actions")
        if not (isinstance(actions, list) and actions):
            return "block_actions without actions"
        if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
            return "an action without an action_id"
    elif kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not (isinstance(view, dict) and isinstance(view.get("callback_id"), str)):
            return f"{kind} without a view and its callback_id"
    elif kind == "event_callback":
        event = body.get("event")
        if not (isinstance(event, dict) and isinstance(event.get("type"), str)):
            return "event_callback without an event type"
    elif kind in ("shortcut", "message_action") and not isinstance(body.get("callback_id"), str):
        return f"{kind} without a callback_id"
    return None


def is_ssl_check(raw: bytes) -> bool:
    """Slack's certificate check: a small form with ssl_check=1 and no payload."""
    if len(raw) > 512:
        return False
    fields = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    return fields.get("ssl_check") == "1" and "payload" not in fields and "command" not in fields
