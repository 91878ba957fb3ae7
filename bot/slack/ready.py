"""/readyz's word on Slack: does Slack take the bot token? Asked with auth.test, remembered a while.

Not ready only when Slack refuses the token (invalid_auth, a revoked token...): the process could
answer commands but no form, reply or reminder would get through, and a restart with the right token
is what mends it. A Slack that is slow or down does not make a process unready: it would make every
web process unready at once, leaving Slack's own retries nothing to reach while commands, which need
no call to Slack, still work; it is reported beside "ready" and asked again sooner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.after import SLACK_FAULTS, failure, lookup_client

REFRESH_SECONDS = 300  # auth.test again after this: a revoked token is noticed within minutes
RECHECK_SECONDS = 30  # sooner while Slack did not answer: its return is noticed soon
REFUSED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


class SlackCheck:
    """auth.test, done once and then at most every REFRESH_SECONDS, in the background after the first."""

    def __init__(self, client: WebClient, clock: Callable[[], float] = time.monotonic):
        self.client = lookup_client(client)
        self.clock = clock
        self.lock = threading.Lock()
        self.checked_at: float | None = None
        self.refusal: str | None = None  # why Slack refuses the token: not ready
        self.outage: str | None = None  # why Slack did not answer just now: ready, and said so
        self.refreshing = False

    def verdict(self, pool: Executor) -> tuple[str | None, str | None]:
        """(why not ready, a note for a ready answer): the first call asks Slack, later ones the cache
        (a stale one is refreshed in `pool`, and the cached answer given meanwhile)."""
        if self.checked_at is None:
            self.check()
        elif self.stale():
            with self.lock:
                start, self.refreshing = not self.refreshing, True
            if start:
                pool.submit(self.check)
        return self.refusal, self.outage

    def stale(self) -> bool:
        age = self.clock() - (self.checked_at or 0.0)
        return age >= (RECHECK_SECONDS if self.outage else REFRESH_SECONDS)

    def check(self) -> None:
        """Ask Slack now and remember its answer."""
        refusal = outage = None
        try:
            self.client.auth_test()
        except SlackApiError as error:
            answer = error.response.get("error") if isinstance(error.response.data, dict) else None
            if answer in REFUSED:
                refusal = f"Slack refuses the bot token ({answer})"
            else:
                outage = f"Slack's auth.test failed just now ({failure(error)})"
        except SLACK_FAULTS as error:
            outage = f"Slack's auth.test failed just now ({failure(error)})"
        finally:
            with self.lock:
                self.refusal, self.outage = refusal, outage
                self.checked_at, self.refreshing = self.clock(), False
