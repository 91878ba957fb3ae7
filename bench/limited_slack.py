"""A fake Slack on loopback that behaves like a busy one: a round trip, rate limits, 5xx and timeouts.

Grows from bot.slack.fake.FakeSlack. Every call waits `rtt` seconds before its answer. Limits are
token buckets of its own (not BoardBot's limiter): chat.postMessage per workspace (the bot token
names the workspace) and per conversation, Tier 3 per workspace for conversations.open/history.
A call over a limit gets 429 with Retry-After and is counted as a violation; so is any call made
while an earlier Retry-After for that workspace and method is still running, once its answer had
reached the client (calls already on their way when it was given are counted apart, as in flight). Some calls, at random,
answer 500 (nothing posted) or take longer than the client waits (posted or not, at random), as
Slack's do. Accepted messages are kept per conversation for conversations.history, with metadata.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from bot.slack.fake import Call, FakeSlack, Scripted


@dataclass
class Bucket:
    rate: float
    burst: float
    tokens: float = 0.0
    at: float = 0.0

    def take(self, now: float) -> float:
        """Take a token: 0 if there was one, else the seconds until there is."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate) if self.at else self.burst
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class Shape:
    rtt: float = 0.25  # seconds before each answer
    post_rate: float = 10.0  # chat.postMessage per workspace per second
    post_burst: float = 25.0
    channel_rate: float = 1.0  # chat.postMessage per conversation per second
    channel_burst: float = 3.0
    tier3_per_minute: float = 50.0
    p_5xx: float = 0.005
    p_timeout: float = 0.003
    p_429: float = 0.002  # a Retry-After: 1 for no reason Slack gives (a busy shard)
    timeout_after: float = 3.0  # seconds a timed-out call takes to answer (longer than the client waits)
    seed: int = 20


@dataclass
class Counts:
    accepted: int = 0
    over_limit: Counter = field(default_factory=Counter)  # calls over a limit: BoardBot was too fast
    during_retry_after: Counter = field(default_factory=Counter)  # calls that ignored a Retry-After
    in_flight: Counter = field(default_factory=Counter)  # sent before the client could hear of one
    injected_429: int = 0
    errors_5xx: int = 0
    timeouts: int = 0
    first_at: float = 0.0
    last_at: float = 0.0
    ignored: list = field(default_factory=list)  # (when, team, method, told, until) of each such call
    by_team: Counter = field(default_factory=Counter)  # accepted messages per workspace
    team_last_at: dict[str, float] = field(default_factory=dict)  # each workspace's last accepted
    team_first_at: dict[str, float] = field(default_factory=dict)  # and its first


class LimitedSlack(FakeSlack):
    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.rng = random.Random(shape.seed)
        self.counts = Counts()
        self.buckets: dict[tuple[str, str], Bucket] = {}
        self.paused: dict[tuple[str, str], tuple[float, float]] = {}  # (told at, until)
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.delivered: Counter = Counter()  # ledger row id -> accepted messages carrying it
        self.state = threading.Lock()
        super().__init__()

    def time_passes(self) -> None:
        """The minutes between two runs go by: every bucket drains and every Retry-After ends."""
        with self.state:
            self.buckets.clear()
            self.paused.clear()

    def _bucket(self, key: tuple[str, str], rate: float, burst: float) -> Bucket:
        if key not in self.buckets:
            self.buckets[key] = Bucket(rate, burst)
        return self.buckets[key]

    def _record(self, call: Call) -> Scripted:
        shape, now = self.shape, time.monotonic()
        team = call.headers.get("Authorization", "").removeprefix("Bearer xoxb-")
        method = call.method
        with self.state:
            told, until = self.paused.get((team, method), (0.0, 0.0))
            if until > now:  # still limited: a violation only if the client had been told when it sent
                (self.counts.during_retry_after if now >= told else self.counts.in_flight)[method] += 1
                if now >= told:
                    self.counts.ignored.append((now, team, method, told, until))
                return self._retry(team, method, until - now)
            waits = []
            if method == "chat.postMessage":
                waits.append(self._bucket((team, method), shape.post_rate, shape.post_burst).take(now))
                channel = self._dm(str(call.body.get("channel")))
                waits.append(self._bucket((team, channel), shape.channel_rate, shape.channel_burst).take(now))
            elif method in ("conversations.open", "conversations.history"):
                waits.append(self._bucket((team, method), shape.tier3_per_minute / 60, 3).take(now))
            if any(waits):
                self.counts.over_limit[method] += 1
                return self._retry(team, method, max(waits))
            roll = self.rng.random()
            if roll < shape.p_429:
                self.counts.injected_429 += 1
                return self._retry(team, method, 1.0)
            if roll < shape.p_429 + shape.p_5xx:
                self.counts.errors_5xx += 1
                return Scripted(500, {"ok": False, "error": "internal_error"}, delay=shape.rtt)
            timed_out = roll < shape.p_429 + shape.p_5xx + shape.p_timeout
            if timed_out:
                self.counts.timeouts += 1
                if self.rng.random() < 0.5:  # Slack did not keep it
                    return Scripted(503, {"ok": False, "error": "request_timeout"}, delay=shape.timeout_after)
            body = self._answer(call, now)
        return Scripted(200, body, delay=shape.timeout_after if timed_out else shape.rtt)

    def _retry(self, team: str, method: str, seconds: float) -> Scripted:
        """A 429: a new pause counts as told when its answer is written, not when decided (a busy
        fake writes late, and the client cannot know before)."""
        after = max(1, math.ceil(seconds))
        now = time.monotonic()
        told, until = self.paused.get((team, method), (0.0, 0.0))
        new = until <= now
        if new:
            told = math.inf
        self.paused[(team, method)] = (told, max(until, now + after))

        def sent() -> None:
            with self.state:
                if (team, method) in self.paused:  # not emptied by time_passes meanwhile
                    told_at, until_at = self.paused[(team, method)]
                    self.paused[(team, method)] = (min(told_at, time.monotonic()), until_at)

        return Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(after)}, self.shape.rtt,
                        sent if new else None)  # fmt: skip

    @staticmethod
    def _dm(channel: str) -> str:
        return f"D{channel}" if channel.startswith(("U", "W")) else channel

    def _answer(self, call: Call, now: float) -> dict[str, Any]:
        if call.method == "conversations.open":
            return {"ok": True, "channel": {"id": self._dm(str(call.body.get("users")))}}
        if call.method == "conversations.history":
            return {"ok": True, "messages": list(reversed(self.history[str(call.body.get("channel"))]))}
        if call.method != "chat.postMessage":
            return {"ok": True}
        channel = self._dm(str(call.body.get("channel")))
        ts = f"{1_700_000_000 + self.counts.accepted}.000100"
        metadata = call.body.get("metadata")
        self.history[channel].append({"ts": ts, "metadata": metadata})
        payload = (metadata or {}).get("event_payload") or {}
        for part in str(payload.get("deliveries", "")).split(","):
            if part:
                self.delivered[int(part)] += 1
        self.counts.accepted += 1
        self.counts.first_at = self.counts.first_at or now
        self.counts.last_at = now
        team = call.headers.get("Authorization", "").removeprefix("Bearer xoxb-")
        self.counts.by_team[team] += 1
        self.counts.team_last_at[team] = now
        self.counts.team_first_at.setdefault(team, now)
        return {"ok": True, "channel": channel, "ts": ts}
