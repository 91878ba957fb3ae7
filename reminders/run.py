"""One reminder run: derive what is due from the data, claim each delivery in the ledger, send it.

Nothing is scheduled ahead: every run (the clock calls one every few minutes) reads the boards, their
meetings, papers and actions as they are now, so an edited date takes effect at the next run. Deciding
reads only indexed ranges around today (papers of the meetings ahead, actions whose due date puts a
stage in today's window, the ledger's last few days). Sending then goes one message per recipient,
round-robin across workspaces: claimed in batches, posted by a pool of workers within each
workspace's Slack limits, recorded as they come back (reminders/pool.py).

A run is split by workspace (reminders/turns.py): a clock decides and sends each workspace no other
clock is reminding at that moment, so two clocks never decide the same workspace at once and each
workspace's Slack limits are kept in one process. The ledger's claims still make every reminder go
once, whatever clocks run and die.
"""

from __future__ import annotations

import logging
import time as timer
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot import models as m
from bot.config import Settings
from bot.meetings import CHAIR_ROLES
from bot.models.boards import in_force_today
from reminders import (
    actions,
    after_meeting,
    agenda_changes,
    away,
    brief,
    declarations,
    kpi_alerts,
    ledger,
    meetings,
    papers,
    quorum,
    watches,
)
from reminders.delivery import Outcome, Sender, make_client
from reminders.digest import Message, group, start_of_day_utc
from reminders.items import People, Reminder, Sieve
from reminders.ledger import LEASE, Claim, Key
from reminders.limits import Limits
from reminders.pool import Dispatcher, Job, fair_order, post, record
from reminders.timing import BoardDay, Rules, board_day
from reminders.turns import Turns, workspaces

log = logging.getLogger(__name__)
CHUNK = 900  # ids per IN list
EVERY_MINUTES = 5  # the clock starts a run every so many minutes (reminders.scheduler)


@dataclass
class Plan:
    """What a run found due, before any of it is claimed."""

    now: datetime
    days: list[BoardDay] = field(default_factory=list)  # every board in scope
    messages: list[Message] = field(default_factory=list)  # to send now, one per recipient
    unreachable: list[Reminder] = field(default_factory=list)  # nobody on Slack (kept for previews)
    held: list[Reminder] = field(default_factory=list)  # daily-digest people who had today's message
    quiet: list[Reminder] = field(default_factory=list)  # held on a quiet weekday of their receiver
    settled: int = 0  # due, but already delivered or in flight
    unreachable_count: int = 0

    @property
    def due(self) -> list[Reminder]:
        return [r for message in self.messages for r in message.reminders]


@dataclass
class RunResult:
    run_id: str
    now: datetime
    due: int = 0  # reminders found due and not yet delivered
    messages: int = 0  # messages Slack accepted
    delivered: int = 0  # reminders in them
    pending: int = 0  # left for the next run: Slack failed, or did not answer in time
    elsewhere: int = 0  # claimed by another run (another clock) first
    others: int = 0  # workspaces another clock was reminding (reminders/turns.py)
    failed: int = 0  # refused by Slack for good
    held: int = 0
    unreachable: int = 0
    settled: int = 0
    decide_seconds: float = 0.0
    send_seconds: float = 0.0

    def fields(self, team_id: str | None) -> dict[str, object]:
        """The run's log line as fields (bot.logs): the counts and timings, no names or text."""
        return {
            "run": self.run_id,
            "team": team_id or "all",
            "due": self.due,
            "sent": self.delivered,
            "messages": self.messages,
            "pending": self.pending,
            "elsewhere": self.elsewhere,
            "others": self.others,
            "failed": self.failed,
            "held": self.held,
            "unreachable": self.unreachable,
            "settled": self.settled,
            "ms": round((self.decide_seconds + self.send_seconds) * 1000, 1),
        }


# --- Deciding ---------------------------------------------------------------------------------------


def board_days(
    session: Session, now: datetime, *, team_id: str | None = None, day: date | None = None
) -> list[BoardDay]:
    """Every board in scope as the run sees it (boards are few: read whole)."""
    stmt = (
        select(m.Board, m.BoardReminderSettings)
        .join(m.Workspace, m.Board.workspace_id == m.Workspace.id)
        .outerjoin(m.BoardReminderSettings, m.BoardReminderSettings.board_id == m.Board.id)
        .order_by(m.Board.id)
    )
    if team_id is not None:
        stmt = stmt.where(m.Workspace.team_id == team_id)
    return [board_day(board, Rules.of(settings), now, day=day) for board, settings in session.execute(stmt)]


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def load_people(session: Session, person_ids: Iterable[int], today_by_board: dict[int, date]) -> People:
    """The people named by id, and the chairs in force on each board's today."""
    people = People()
    for chunk in _chunks(person_ids):
        people.by_id.update(
            (p.id, p) for p in session.scalars(select(m.Person).where(m.Person.id.in_(chunk)))
        )
    for chunk in _chunks(today_by_board):
        rows = session.execute(
            select(m.Membership.board_id, m.Membership.starts_on, m.Membership.ends_on, m.Person)
            .join(m.Person, m.Membership.person_id == m.Person.id)
            .where(m.Membership.board_id.in_(chunk), m.Membership.role.in_(CHAIR_ROLES))
            .order_by(m.Membership.role, m.Person.name)
        )
        for board_id, starts_on, ends_on, person in rows:
            if in_force_today(
                starts_on, ends_on, today_by_board[board_id]
            ) and person not in people.chairs.get(board_id, []):
                people.chairs.setdefault(board_id, []).append(person)
                people.by_id[person.id] = person
    return people


def plan_reminders(
    session: Session,
    now: datetime,
    *,
    team_id: str | None = None,
    day: date | None = None,
    lease: timedelta = LEASE,
    keep_unreachable: bool = False,
    assume_sent: frozenset[Key] = frozenset(),
) -> Plan:
    """Everything due at `now` (or, with `day`, by the end of that day), grouped into messages.

    Reminders for nobody on Slack are counted; with `keep_unreachable` (previews) they are listed.
    `assume_sent` holds keys a preview counts as sent on the days before the one it shows.
    """
    plan = Plan(now, board_days(session, now, team_id=team_id, day=day))
    open_days = [d for d in plan.days if d.open]
    if not open_days:
        return plan
    own_window = {d.board.id: d.first_nominal for d in open_days}
    if away.anyone_quiet(session):  # what quiet days held: narrowed to whose it was by away.route
        open_days = away.reaching_back(open_days)
    by_board = {d.board.id: d for d in open_days}
    horizon = meetings.NOTICE_AHEAD_DAYS
    paper_days = [d for d in open_days if d.rules.papers or d.rules.secretary_digest]
    if paper_days:
        horizon = max(horizon, *(papers.horizon_days(d) for d in paper_days))
    ahead = meetings.meetings_ahead(session, open_days, horizon)
    awaited = papers.awaited_papers(session, paper_days, ahead) if paper_days else []
    action_days = [d for d in open_days if d.rules.actions]
    dated = actions.dated_open_actions(session, action_days) if action_days else []

    person_ids = {d.board.secretary_id for d in open_days if d.board.secretary_id}
    person_ids |= {author_id for p in awaited for author_id in p.item.author_ids}
    person_ids |= {lead_id for _, _, lead_id, _ in dated if lead_id}
    people = load_people(session, person_ids, {board_id: d.today for board_id, d in by_board.items()})
    first_nominal = min(d.first_nominal for d in open_days)
    snoozes = ledger.snoozes_since(session, first_nominal)

    boards = [d.board.id for d in plan.days] if team_id is not None else None  # one workspace's rows
    settled = ledger.settled_keys(session, first_nominal, now, lease, boards) | assume_sent
    sieve = Sieve(settled, keep_unreachable=keep_unreachable)
    digests, covered = papers.papers_digests(awaited, by_board, ahead, people)
    found: list[Reminder] = [
        *digests,
        *papers.due_paper_reminders(awaited, by_board, people, snoozes, covered, sieve),
        *actions.due_action_reminders(
            session,
            dated,
            by_board,
            people,
            snoozes,
            sieve,
            lambda keys: ledger.settled_among(session, keys, now, lease),
        ),
        *actions.vague_action_digests(session, by_board, people, sieve),
        *meetings.meeting_notices(session, ahead, by_board, people),
        *quorum.quorum_warnings(session, ahead, by_board, people),
        *brief.chair_briefs(session, ahead, by_board, people),
        *agenda_changes.agenda_change_notices(
            session, by_board, people, lambda keys: ledger.settled_among(session, keys, now, lease)
        ),
        *declarations.review_reminders(session, by_board, people),
        *after_meeting.after_meeting_reminders(session, by_board, people, now, lease),
        *kpi_alerts.kpi_alerts(
            session, by_board, now, sieve, lambda k: ledger.settled_among(session, k, now, lease)
        ),
        *watches.watch_notices(
            session, by_board, sieve, lambda keys: ledger.settled_among(session, keys, now, lease)
        ),
    ]
    found, plan.quiet = away.route(session, found, own_window)  # to delegates; held on quiet days
    due = []
    for reminder in found:
        if not sieve.wanted(reminder.kind, reminder.recipient, reminder.occasion):
            continue
        if reminder.recipient.slack_id is None:
            sieve.unreachable_count += 1
            if keep_unreachable:
                plan.unreachable.append(reminder)
        else:
            due.append(reminder)
    plan.settled, plan.unreachable_count = sieve.settled_count, sieve.unreachable_count
    due = _hold_daily_digests(session, due, plan)
    plan.messages = group(due)
    return plan


def _hold_daily_digests(session: Session, due: list[Reminder], plan: Plan) -> list[Reminder]:
    """People on a daily digest get one message a day: hold theirs if today's has gone."""
    person_ids = {r.recipient.person_id for r in due if r.recipient.person_id is not None}
    daily = ledger.daily_digest_people(session, list(person_ids))
    if not daily:
        return due
    starts: dict[str, datetime] = {}
    for reminder in due:
        if reminder.recipient.person_id in daily:
            start = start_of_day_utc(reminder)
            starts[reminder.recipient.key] = min(start, starts.get(reminder.recipient.key, start))
    if not starts:
        return due
    sent = ledger.last_sent(session, list(starts), min(starts.values()))
    already = {key for key, at in sent.items() if at >= starts[key]}
    kept: list[Reminder] = []
    for reminder in due:
        (plan.held if reminder.recipient.key in already else kept).append(reminder)
    return kept


# --- Sending ----------------------------------------------------------------------------------------


AfterClaim = Callable[[Message, dict[Key, Claim]], None]
Senders = Sender | Callable[[str], Sender | None]  # one workspace's, or each workspace's by team id


def deliver_message(
    sessions: sessionmaker[Session],
    sender: Sender,
    message: Message,
    *,
    run_id: str,
    now: datetime,
    lease: timedelta = LEASE,
    after_claim: AfterClaim | None = None,
) -> tuple[Outcome | None, int, int]:
    """Claim the message's reminders, post what was claimed, record it (one message, no pool).

    Returns the outcome (None when another run had claimed them all), how many reminders this run
    claimed, and how many of them are now recorded as sent.
    """
    with sessions.begin() as session:
        claims = ledger.claim(session, message.reminders, run_id, now, lease)
    if not claims:
        return None, 0, 0
    job = Job(message, sender.team, claims)
    try:
        if after_claim is not None:
            after_claim(message, claims)
        posted = post(sender, job)
    except BaseException:
        with sessions.begin() as session:
            ledger.release(session, job.ids, run_id, "the run failed before sending", uncertain=False)
        raise
    with sessions.begin() as session:
        delivered = record(session, job, posted, run_id, now)
    return posted.outcome, len(claims), delivered


def next_run_after(now: datetime) -> datetime:
    """When the clock's next run starts (every EVERY_MINUTES minutes, on the UTC clock)."""
    start = now.astimezone(UTC).replace(second=0, microsecond=0)
    return start + timedelta(minutes=EVERY_MINUTES - start.minute % EVERY_MINUTES)


def run_reminders(
    sessions: sessionmaker[Session],
    sender: Senders,
    *,
    now: datetime,
    team_id: str | None = None,
    run_id: str | None = None,
    lease: timedelta = LEASE,
    cutoff: timedelta | None = None,
    workers: int = 1,
    batch: int = 1,
    after_claim: AfterClaim | None = None,
) -> RunResult:
    """One run: decide what is due at `now`, then claim, send and record its messages.

    `sender` is one workspace's Sender, or gives each workspace's by team id (None: not installed,
    its reminders wait). `workers` threads post at once; reminders are claimed `batch` messages at a
    time; no batch is claimed after `cutoff` (by default half the lease, so claims never outlive it).
    """
    result = RunResult(run_id or uuid.uuid4().hex[:16], now)
    cutoff = lease / 2 if cutoff is None else min(cutoff, lease / 2)
    senders = _senders(sender)
    started = timer.perf_counter()
    with Turns(sessions) as turns:
        by_team: dict[str, list[Message]] = {}
        with sessions() as session:
            teams = workspaces(session, team_id)
        for team in teams:  # taken one at a time, each decided before the next: clocks share them out
            if not turns.take(team):  # another clock is reminding it now
                result.others += 1
                continue
            with sessions.begin() as session:
                plan = plan_reminders(session, now, team_id=team, lease=lease)
            result.due += len(plan.due)
            result.held += len(plan.held)
            result.unreachable += plan.unreachable_count
            result.settled += plan.settled
            if senders(team) is None:
                result.pending += len(plan.due)
            else:
                by_team[team] = plan.messages
        result.decide_seconds = timer.perf_counter() - started
        dispatcher = Dispatcher(
            sessions,
            _known(senders),
            run_id=result.run_id,
            now=now + timedelta(seconds=result.decide_seconds),  # claimed and marked at the real time
            lease=lease,
            cutoff=cutoff - timedelta(seconds=result.decide_seconds),
            workers=workers,
            batch=batch,
            after_claim=after_claim,
        )
        tally = dispatcher.run(fair_order(by_team))
    result.messages, result.delivered, result.failed = tally.messages, tally.delivered, tally.failed
    result.elsewhere, result.pending = tally.elsewhere, result.pending + tally.pending + tally.left
    if tally.left and dispatcher.out_of_time():
        log.warning(
            "reminder run out of time after %s: %d reminders left, to go at the next run (%s UTC)",
            timedelta(seconds=round(timer.perf_counter() - started)),
            tally.left,
            f"{next_run_after(dispatcher.at()):%H:%M}",
        )
    result.send_seconds = timer.perf_counter() - started - result.decide_seconds
    log.info("reminder run", extra={"fields": result.fields(team_id)})
    return result


def _senders(sender: Senders) -> Callable[[str], Sender | None]:
    if isinstance(sender, Sender):
        return lambda _team: sender
    cache: dict[str, Sender | None] = {}

    def senders(team: str) -> Sender | None:
        if team not in cache:
            cache[team] = sender(team)
        return cache[team]

    return senders


def run_now(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    api_url: str | None = None,
    team_id: str | None = None,
) -> RunResult:
    """One run at the clock's now, through Slack or a stand-in for it at `api_url` (the console)."""
    client = make_client(settings, base_url=api_url)
    sender = Sender(client, limits=Limits.posting(settings.reminder_posts_per_second), team=team_id or "")
    return run_reminders(sessions, sender, now=clock.now(settings), team_id=team_id, **run_options(settings))


def run_options(settings: Settings) -> dict[str, Any]:
    """The run's settings: its lease and cut-off, its workers and claim batch."""
    return {
        "lease": settings.reminder_lease,
        "cutoff": settings.reminder_cutoff,
        "workers": settings.reminder_workers,
        "batch": settings.reminder_batch,
    }


def _known(senders: Callable[[str], Sender | None]) -> Callable[[str], Sender]:
    """For the dispatcher, which only sees workspaces that have a sender."""

    def known(team: str) -> Sender:
        found = senders(team)
        if found is None:
            raise LookupError(f"no Slack sender for workspace {team}")
        return found

    return known
