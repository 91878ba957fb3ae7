"""Slack's rate limits as BoardBot keeps to them: per workspace and method, and per conversation.

Slack counts "per API method per app per workspace" (https://docs.slack.dev/apis/web-api/rate-limits):
Tier 3 methods (conversations.open, conversations.history) allow 50+ a minute with sporadic bursts;
chat.postMessage is of the special tier, "one message per second per channel" with short bursts,
"while also maintaining a workspace-wide limit" that the page does not quantify. Each limit is a
GCRA bucket (a rate and a burst) keyed by workspace and method, or workspace and conversation; a 429's
Retry-After pauses only the workspace and method that got it. Thread-safe; the clock is injected.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

POST = "chat.postMessage"


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int = 1  # calls that may go at once after a quiet spell

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second


TIER_3 = Rate(50 / 60, 2)  # a burst of 2, not 3: one call kept back for the jitter before Slack sees it
# chat.postMessage's workspace-wide limit is not published: 5 a second (300 a minute) is BoardBot's own
# ceiling, a setting (REMINDER_POSTS_PER_SECOND); the per-conversation limit is Slack's 1 a second.
METHODS = {POST: Rate(5.0, 10), "conversations.open": TIER_3, "conversations.history": TIER_3}
CONVERSATION = Rate(1.0, 1)


class Limits:
    """When each (workspace, method) and (workspace, conversation) may next be called."""

    def __init__(
        self,
        methods: dict[str, Rate] | None = None,
        conversation: Rate = CONVERSATION,
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.methods = dict(METHODS if methods is None else methods)
        self.conversation = conversation
        self.clock = clock
        self.lock = threading.Lock()
        self.due: dict[tuple[str, str], float] = {}  # GCRA's theoretical arrival time per key
        self.paused: dict[tuple[str, str], float] = {}  # (team, method) -> no call before this

    def _keys(self, team: str, method: str, conversation: str | None) -> list[tuple[tuple[str, str], Rate]]:
        keys = []
        if method in self.methods:
            keys.append(((team, method), self.methods[method]))
        if method == POST and conversation:
            keys.append(((team, "conversation:" + conversation), self.conversation))
        return keys

    def _start(self, key: tuple[str, str], rate: Rate, now: float) -> float:
        """The earliest time a call on this key fits its bucket."""
        arrival = max(self.due.get(key, now), now)
        return max(now, arrival - (rate.burst - 1) * rate.interval)

    @classmethod
    def posting(cls, per_second: float, *, clock: Callable[[], float] = time.monotonic) -> Limits:
        """Slack's limits with this deployment's ceiling for chat.postMessage per workspace."""
        return cls({**METHODS, POST: Rate(per_second, 2 * math.ceil(per_second))}, clock=clock)

    def wait(self, team: str, method: str, conversation: str | None = None) -> float:
        """Seconds until a call may go (0: now), without taking the turn."""
        with self.lock:
            now = self.clock()
            start = max([now, self.paused.get((team, method), now)] +
                        [self._start(key, rate, now) for key, rate in self._keys(team, method, conversation)])  # fmt: skip
            return start - now

    def take(self, team: str, method: str, conversation: str | None = None) -> float:
        """Reserve the next turn for a call; returns the seconds to wait before making it."""
        with self.lock:
            now = self.clock()
            keys = self._keys(team, method, conversation)
            start = max([now, self.paused.get((team, method), now)] +
                        [self._start(key, rate, now) for key, rate in keys])  # fmt: skip
            for key, rate in keys:
                self.due[key] = max(self.due.get(key, now), start) + rate.interval
            return start - now

    def paused_for(self, team: str, method: str) -> float:
        """Seconds left of a Retry-After for this workspace and method (0: none)."""
        with self.lock:
            return max(0.0, self.paused.get((team, method), 0.0) - self.clock())

    def retry_after(self, team: str, method: str, seconds: float) -> None:
        """Slack answered 429: no call of this method in this workspace for `seconds`."""
        with self.lock:
            until = self.clock() + seconds
            self.paused[(team, method)] = max(until, self.paused.get((team, method), until))
