"""Slack calls a listener makes after its ack, and the bounded Slack clients every listener uses.

A listener answers Slack first (its ack: the HTTP response, or Socket Mode's envelope) and makes its
Slack calls afterwards on a small pool of threads, so a slow Slack never holds an answer past Slack's
3 seconds. What must be asked before answering (who is an admin, which action a thread is about:
they decide what is recorded) is bounded by LOOKUP_SECONDS. A call after the ack that Slack refused
is tried again where no try can double a change (see `reply_retries`); one still failing is logged
with whom it was for and what it was, never with its text. The update behind a reply is recorded
before the ack, so a lost reply never loses an update.

Bolt's own lazy listeners would do the same, but re-parse a deep copy of the request in the lazy
function and log its failure without a traceback; a closure here keeps the reply already made.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, RetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)

LOOKUP_SECONDS = 2  # before the ack: Slack answers a lookup in well under this; the ack stays in 3 s
REPLY_SECONDS = 10  # after the ack, as the clock's posts: a slow Slack is still heard, a stuck one let go
RETRIES = 2  # further tries of a call Slack refused (429, 500, 503) or never received
MAX_RETRY_AFTER = 10  # seconds: a longer Retry-After gives the reply up rather than hold a thread
AFTER_THREADS = 4  # replies at once; more wait their turn (Slack paces chat.postMessage anyway)


class SlackUnavailable(Exception):
    """Slack could not answer a lookup just now (429 or 5xx): the request should be tried again later."""


def transient(error: SlackApiError) -> bool:
    """Slack refused for now (rate limit, its own failure), not for good."""
    return error.response.status_code == 429 or error.response.status_code >= 500


# What a lookup that got no answer raises (slack_sdk lets urllib's errors through)
SLACK_FAULTS = (SlackUnavailable, urllib.error.URLError, TimeoutError, ConnectionError)


class BoundedRateLimitRetry(RateLimitErrorRetryHandler):
    """Slack's 429: wait as long as it asks, unless that is longer than MAX_RETRY_AFTER."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        values = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), ["1"])
        value = values[0] if isinstance(values, list) and values else values
        return str(value).isdigit() and int(str(value)) <= MAX_RETRY_AFTER


def reply_retries() -> list[RetryHandler]:
    """Retries that cannot double what a reply reports: a 429 (Slack refused it, nothing posted); a
    500/503 (Slack failed it: as a rule nothing posted, and the update behind the reply is recorded once
    under its claim whatever the reply does); a request that never reached Slack (urllib's URLError is
    raised only while connecting and sending). Not retried: no answer after the request was sent (a
    timeout, a dropped connection), since Slack may have posted it and a second post would show twice."""
    return [
        BoundedRateLimitRetry(max_retry_count=RETRIES),
        ServerErrorRetryHandler(max_retry_count=RETRIES),
        ConnectionErrorRetryHandler(max_retry_count=RETRIES, error_types=[urllib.error.URLError]),
    ]


def lookup_client(client: WebClient) -> WebClient:
    """`client` (Bolt's, with this workspace's token) for lookups before the ack: short, no retries."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=LOOKUP_SECONDS, retry_handlers=[])


def reply_client(client: WebClient) -> WebClient:
    """`client` for calls after the ack: REPLY_SECONDS each, refusals retried (reply_retries)."""
    return WebClient(
        token=client.token, base_url=client.base_url, timeout=REPLY_SECONDS, retry_handlers=reply_retries()
    )


def failure(error: BaseException) -> str:
    """What went wrong with a Slack call, in a few words and without what was sent."""
    if isinstance(error, SlackApiError):
        answer = error.response.get("error") if isinstance(error.response.data, dict) else None
        return f"HTTP {error.response.status_code}" + (f" {answer}" if answer else "")
    if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
        return "no answer in time (it may still have been done)"
    return f"{type(error).__name__}: {getattr(error, 'reason', None) or 'connection failed'}"


def respond(response_url: str | None, user: str | None, what: str, **message: Any) -> None:
    """Post `message` to a response_url (a button's or a command's conversation), with reply_retries."""
    if not response_url:
        log.error("%s for %s not sent: the request carried no response_url", what, user)
        return
    hook = WebhookClient(url=response_url, timeout=REPLY_SECONDS, retry_handlers=reply_retries())
    answer = hook.send_dict({k: v for k, v in message.items() if v is not None})
    if answer.status_code != 200:
        log.error("%s for %s not delivered: response_url answered HTTP %s", what, user, answer.status_code)


class AfterAck:
    """The threads that run Slack calls once the ack is on its way; `settle` waits until they are done."""

    def __init__(self, threads: int = AFTER_THREADS):
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="after-ack")
        self.pending = 0
        self.idle = threading.Condition()

    def later(self, what: str, user: str | None, call: Callable[[], object]) -> None:
        """Run `call` after the ack; if Slack fails it for good, log `what` failed for `user`."""
        with self.idle:
            self.pending += 1
        self.pool.submit(self.run, what, user, call).add_done_callback(self.done)

    @staticmethod
    def run(what: str, user: str | None, call: Callable[[], object]) -> None:
        try:
            call()
        except (SlackApiError, *SLACK_FAULTS) as error:
            log.error("%s for %s not delivered: %s", what, user, failure(error))
        except Exception:
            log.exception("%s for %s failed", what, user)

    def done(self, _future: Future) -> None:
        with self.idle:
            self.pending -= 1
            self.idle.notify_all()

    def settle(self, timeout: float = 60.0) -> bool:
        """Wait until every call handed over so far has run (tests, the console, shutdown)."""
        with self.idle:
            return self.idle.wait_for(lambda: self.pending == 0, timeout)


AFTER = AfterAck()  # one pool for the process, as Slack's rate limits are per app and workspace
