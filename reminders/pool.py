"""Sending a run's messages: claimed in batches, posted by a bounded pool of threads, fair across
workspaces, within each workspace's Slack limits.

The messages come in round-robin order across workspaces (`fair_order`), so a workspace's k-th
message is claimed after at most k messages of each other workspace, and the dispatcher skips a
workspace that must wait (its rate, a Retry-After) instead of waiting on it: one huge or rate-limited
workspace cannot hold up another's. A workspace's turn is what its own limits allow at once (its
burst, then its pace), so a large one keeps to Slack's pace for it. The bound: with W workspaces
due, each turn at most B messages (the posting burst), P workers and a round trip of R seconds, a
workspace's k-th message is posted within about k·W·B·R/P seconds after sending starts (plus its
own rate limit), however large the largest workspace. Workers only talk to Slack; the dispatcher thread does every
database write (claims, outcomes), each in its own short transaction, so SQLite sees one writer.
"""

from __future__ import annotations

import logging
import time as timer
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from reminders import ledger
from reminders.delivery import Found, Outcome, Sender
from reminders.digest import Message, compose
from reminders.items import Reminder
from reminders.ledger import Claim, Key
from reminders.limits import POST

log = logging.getLogger(__name__)
IDLE = 0.05  # seconds the dispatcher waits at most before looking again


@dataclass
class Job:
    """A message whose reminders this run claimed, for one workspace."""

    message: Message
    team: str
    claims: dict[Key, Claim] = field(default_factory=dict)

    @property
    def reminders(self) -> list[Reminder]:
        return [r for r in self.message.reminders if r.key in self.claims]

    @property
    def ids(self) -> list[int]:
        return [self.claims[r.key].id for r in self.reminders]

    @property
    def target(self) -> str:
        return self.message.recipient.slack_id or ""


@dataclass
class Posted:
    """What one job's try learnt from Slack: the outcome, and rows found there already."""

    outcome: Outcome
    ids: list[int]  # the rows this try posted (or tried to)
    found: Found | None = None
    unchecked: bool = False  # an earlier try may have reached Slack and Slack could not be asked


def fair_order(by_team: dict[str, list[Message]]) -> list[tuple[str, Message]]:
    """Messages round-robin across workspaces, each workspace's in its own order."""
    queues = [(team, deque(found)) for team, found in sorted(by_team.items()) if found]
    ordered = []
    while queues:
        for team, queue in queues:
            ordered.append((team, queue.popleft()))
        queues = [(team, queue) for team, queue in queues if queue]
    return ordered


def post(sender: Sender, job: Job, *, turn_taken: bool = False) -> Posted:
    """Slack's part of a job: look for an earlier try if one may have landed, then post the rest."""
    reminders = job.reminders
    found = None
    if any(job.claims[r.key].uncertain for r in reminders):  # an earlier try may have reached Slack
        found = sender.find_posted(job.target, set(job.ids))
        if found is None:
            return Posted(Outcome("pending", error="could not check Slack for an earlier try"), job.ids,
                          unchecked=True)  # fmt: skip
        reminders = [r for r in reminders if job.claims[r.key].id not in found.ids]
        if not reminders:
            return Posted(Outcome("sent", found.channel, found.ts), [], found)
        turn_taken = False
    blocks, text = compose(Message(job.message.recipient, reminders))
    ids = [job.claims[r.key].id for r in reminders]
    return Posted(sender.deliver(job.target, text, blocks, ids, turn_taken=turn_taken), ids, found)


def kept_after_sent(session: Session, reminders: list[Reminder], now: datetime) -> None:
    """What sent reminders keep (the agenda a notice told), in the transaction marking them sent."""
    for reminder in reminders:
        if reminder.on_sent is not None:
            reminder.on_sent(session, now)


def _sent(job: Job, ids: set[int]) -> list[Reminder]:
    return [r for r in job.reminders if job.claims[r.key].id in ids]


def record(session: Session, job: Job, posted: Posted, run_id: str, now: datetime) -> int:
    """The ledger's part: mark what Slack has, release what it may not; returns rows now sent."""
    delivered = 0
    if posted.unchecked:
        ledger.release(session, posted.ids, run_id, posted.outcome.error or "unchecked", uncertain=True)
        return 0
    if posted.found is not None and posted.found.ids:
        ledger.mark_sent(
            session, sorted(posted.found.ids), run_id, now, posted.found.channel, posted.found.ts
        )
        kept_after_sent(session, _sent(job, set(posted.found.ids)), now)
        log.info("reminders %s were already in Slack (%s); not sent again", sorted(posted.found.ids),
                 posted.found.ts)  # fmt: skip
        delivered = len(posted.found.ids)
    if not posted.ids:
        return delivered
    outcome = posted.outcome
    if outcome.status == "sent":
        ledger.mark_sent(session, posted.ids, run_id, now, outcome.channel, outcome.ts)
        kept_after_sent(session, _sent(job, set(posted.ids)), now)
        delivered += len(posted.ids)
    elif outcome.status == "failed":
        ledger.mark_failed(session, posted.ids, run_id, outcome.error or "failed")
    else:
        ledger.release(session, posted.ids, run_id, outcome.error or "not sent", uncertain=outcome.uncertain)
    level = logging.INFO if outcome.status == "sent" else logging.WARNING
    log.log(level, "%s %d reminder(s) to %s: %s", outcome.status, len(posted.ids), job.message.recipient.key,
            outcome.error or "ok")  # fmt: skip
    return delivered


@dataclass
class Tally:
    messages: int = 0  # messages Slack accepted from this run
    delivered: int = 0
    pending: int = 0
    elsewhere: int = 0
    failed: int = 0
    left: int = 0  # reminders not tried: the run ran out of time or a workspace stopped it
    stopped: set[str] = field(default_factory=set)  # workspaces Slack would not take more from


class Dispatcher:
    """Claims a batch whenever a workspace has less than a batch claimed and waiting, hands each job
    to a worker when its workspace may post, and records outcomes as they come back."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: Callable[[str], Sender],
        *,
        run_id: str,
        now: datetime,
        lease: timedelta,
        cutoff: timedelta,
        workers: int,
        batch: int,
        after_claim: Callable[[Message, dict[Key, Claim]], None] | None = None,
    ):
        self.sessions, self.senders, self.run_id = sessions, senders, run_id
        self.now, self.lease, self.cutoff = now, lease, cutoff
        self.workers, self.batch, self.after_claim = max(1, workers), max(1, batch), after_claim
        self.started = timer.monotonic()
        self.tally = Tally()
        self.queues: dict[str, deque[Job]] = {}
        self.rotation: deque[str] = deque()
        self.running: dict[Future[Posted], Job] = {}
        self.claimed_turns = 0  # where the next claim's round-robin starts

    def at(self) -> datetime:
        """The run's now, moved on by the time it has taken: claims and marks carry the real time."""
        return self.now + timedelta(seconds=timer.monotonic() - self.started)

    def out_of_time(self) -> bool:
        return timer.monotonic() - self.started > self.cutoff.total_seconds()

    def run(self, ordered: list[tuple[str, Message]]) -> Tally:
        todo: dict[str, deque[Message]] = {}
        for team, message in ordered:
            todo.setdefault(team, deque()).append(message)
        failure: BaseException | None = None
        with ThreadPoolExecutor(self.workers, thread_name_prefix="reminders") as pool:
            while True:
                if failure is None and not self.out_of_time():
                    chunk = self._wanted(todo)
                    if chunk:
                        self._claim(chunk)
                if failure is None and not self.out_of_time():
                    try:
                        self._dispatch(pool)
                    except BaseException as exc:  # noqa: BLE001 (re-raised once the workers are done)
                        failure = exc
                if not self.running and (failure is not None or self.out_of_time() or
                                         (not any(todo.values()) and not any(self.queues.values()))):  # fmt: skip
                    break
                if not self.running:
                    timer.sleep(self._idle())
                    continue
                done, _ = wait(list(self.running), timeout=self._idle(), return_when=FIRST_COMPLETED)
                failure = self._finish([(future, self.running.pop(future)) for future in done]) or failure
        self._leave([job for queue in self.queues.values() for job in queue], "the run ran out of time")
        self.tally.left += sum(len(message.reminders) for queue in todo.values() for message in queue)
        if failure is not None:
            raise failure
        return self.tally

    def _wanted(self, todo: dict[str, deque[Message]]) -> list[tuple[str, Message]]:
        """The next batch to claim: round-robin across the workspaces (taking up where the last
        batch stopped) that have fewer than a batch of claimed jobs waiting, so each workspace has
        work ready whenever its limits let it post."""
        room = {team: self.batch - len(self.queues.get(team, ())) for team, queue in todo.items() if queue}
        turns = deque(team for team in todo if room.get(team, 0) > 0)
        turns.rotate(-self.claimed_turns % len(turns) if turns else 0)
        chunk: list[tuple[str, Message]] = []
        while turns and len(chunk) < self.batch:
            team = turns.popleft()
            chunk.append((team, todo[team].popleft()))
            self.claimed_turns += 1
            room[team] -= 1
            if room[team] and todo[team]:
                turns.append(team)
        return chunk

    def _claim(self, chunk: list[tuple[str, Message]]) -> None:
        """Claim a batch (one transaction); queue what this run got, count what another clock holds."""
        self.tally.left += sum(len(m.reminders) for team, m in chunk if team in self.tally.stopped)
        chunk = [(team, m) for team, m in chunk if team not in self.tally.stopped]
        if not chunk:
            return
        with self.sessions.begin() as session:
            claims = ledger.claim(session, [r for _, m in chunk for r in m.reminders], self.run_id, self.at(),
                                  self.lease)  # fmt: skip
        for team, message in chunk:
            mine = {r.key: claims[r.key] for r in message.reminders if r.key in claims}
            self.tally.elsewhere += len(message.reminders) - len(mine)
            if not mine:
                continue
            if team not in self.queues:
                self.queues[team] = deque()
                self.rotation.append(team)
            self.queues[team].append(Job(message, team, mine))

    def _wait(self, team: str, queue: deque[Job]) -> float:
        sender = self.senders(team)
        if not queue or sender.limits is None:
            return 0.0
        return sender.limits.wait(team, POST, queue[0].target)

    def _dispatch(self, pool: ThreadPoolExecutor) -> None:
        """Hand jobs to free workers, one workspace after another, skipping workspaces that must wait.

        A workspace's turn is as many jobs as its limits allow at once (one without limits): a large
        workspace keeps to its own Slack pace while the others still get a turn every round."""
        idle = 0
        while len(self.running) < self.workers and self.rotation and idle < len(self.rotation):
            team = self.rotation[0]
            self.rotation.rotate(-1)
            queue = self.queues[team]
            if not queue or self._wait(team, queue) > 0:
                idle += 1
                continue
            idle = 0
            sender = self.senders(team)
            while True:
                self._start(pool, sender, team, queue.popleft())
                if sender.limits is None or not queue or len(self.running) >= self.workers:
                    break
                if self._wait(team, queue) > 0:
                    break

    def _start(self, pool: ThreadPoolExecutor, sender: Sender, team: str, job: Job) -> None:
        taken = sender.limits is not None
        if sender.limits is not None:
            sender.limits.take(team, POST, job.target)
        try:
            if self.after_claim is not None:
                self.after_claim(job.message, job.claims)
        except BaseException:
            self._leave([job], "the run failed before sending")
            raise
        self.running[pool.submit(post, sender, job, turn_taken=taken)] = job

    def _idle(self) -> float:
        waits = [self._wait(team, queue) for team, queue in self.queues.items() if queue]
        return min([IDLE, *[w for w in waits if w > 0]]) if waits or self.running else 0.0

    def _finish(self, done: list[tuple[Future[Posted], Job]]) -> BaseException | None:
        """Record what came back, all of it in one transaction (one commit, not one per message)."""
        failure: BaseException | None = None
        finished: list[tuple[Job, Posted]] = []
        for future, job in done:
            try:
                finished.append((job, future.result()))
            except BaseException as exc:  # noqa: BLE001 (the run re-raises it after the others finish)
                self._leave([job], "the run failed before sending")
                failure = exc
        if finished:
            with self.sessions.begin() as session:
                now = self.at()
                delivered = [record(session, job, posted, self.run_id, now) for job, posted in finished]
            for (job, posted), count in zip(finished, delivered, strict=True):
                self._count(job, posted.outcome, count)
        return failure

    def _count(self, job: Job, outcome: Outcome, delivered: int) -> None:
        claimed = len(job.claims)
        self.tally.delivered += delivered
        if outcome.status == "sent":
            self.tally.messages += 1 if outcome.tries else 0  # 0 tries: found already in Slack
        elif outcome.status == "failed":
            self.tally.failed += claimed - delivered
        else:
            self.tally.pending += claimed - delivered
        sender = self.senders(job.team)
        if (outcome.stop or sender.paused) and job.team not in self.tally.stopped:
            self.tally.stopped.add(job.team)
            log.warning("reminders for workspace %s stopped early (%s); the rest are left for the next run",
                        job.team or "-", outcome.error)  # fmt: skip
        if job.team in self.tally.stopped:
            self._leave(
                list(self.queues.get(job.team, ())), "Slack would not take more for this workspace now"
            )
            self.queues.get(job.team, deque()).clear()

    def _leave(self, jobs: list[Job], why: str) -> None:
        """Release claims this run will not send now, so the next run may take them at once."""
        if not jobs:
            return
        with self.sessions.begin() as session:
            ledger.release(session, [i for job in jobs for i in job.ids], self.run_id, why, uncertain=False)
        self.tally.pending += sum(len(job.claims) for job in jobs)
