"""One reminder run: derive what is due from the data, claim each delivery in the ledger, send it.

Nothing is scheduled ahead: every run (the clock calls one every few minutes) reads the boards, their
meetings, papers and actions as they are now, so an edited date takes effect at the next run. Deciding
reads only indexed ranges around today (papers of the meetings ahead, actions whose due date puts a
stage in today's window, the ledger's last few days). Sending then goes one message per recipient:
claim its reminders, post, record the outcome, each in its own short transaction.
"""

from __future__ import annotations

import logging
import time as timer
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot import models as m
from bot.config import Settings
from bot.meetings import CHAIR_ROLES
from bot.models.boards import in_force_today
from reminders import actions, ledger, meetings, papers, watches
from reminders.delivery import Outcome, Sender, make_client
from reminders.digest import Message, compose, group, start_of_day_utc
from reminders.items import People, Reminder, Sieve
from reminders.ledger import LEASE, Claim, Key
from reminders.timing import BoardDay, Rules, board_day

log = logging.getLogger(__name__)
CHUNK = 900  # ids per IN list


@dataclass
class Plan:
    """What a run found due, before any of it is claimed."""

    now: datetime
    days: list[BoardDay] = field(default_factory=list)  # every board in scope
    messages: list[Message] = field(default_factory=list)  # to send now, one per recipient
    unreachable: list[Reminder] = field(default_factory=list)  # nobody on Slack (kept for previews)
    held: list[Reminder] = field(default_factory=list)  # daily-digest people who had today's message
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

    settled = ledger.settled_keys(session, first_nominal, now, lease) | assume_sent
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
        *watches.watch_notices(
            session, by_board, sieve, lambda keys: ledger.settled_among(session, keys, now, lease)
        ),
    ]
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
    """Claim the message's reminders, post what was claimed, record it.

    Returns the outcome (None when another run had claimed them all), how many reminders this run
    claimed, and how many of them are now recorded as sent.
    """
    with sessions.begin() as session:
        claims = ledger.claim(session, message.reminders, run_id, now, lease)
    if not claims:
        return None, 0, 0
    found_ids: set[int] = set()
    reminders = [r for r in message.reminders if r.key in claims]
    target = message.recipient.slack_id or ""
    try:
        if after_claim is not None:
            after_claim(message, claims)
        if any(claims[r.key].uncertain for r in reminders):
            # an earlier try may have reached Slack: look before posting again
            found = sender.find_posted(target, {claims[r.key].id for r in reminders})
            if found is None:
                ids = [claims[r.key].id for r in reminders]
                with sessions.begin() as session:
                    ledger.release(
                        session, ids, run_id, "could not check Slack for an earlier try", uncertain=True
                    )
                return Outcome("pending", error="could not check Slack"), len(claims), 0
            if found.ids:
                with sessions.begin() as session:
                    ledger.mark_sent(session, sorted(found.ids), run_id, now, found.channel, found.ts)
                log.info(
                    "reminders %s were already in Slack (%s); not sent again", sorted(found.ids), found.ts
                )
                found_ids = found.ids
                reminders = [r for r in reminders if claims[r.key].id not in found.ids]
                if not reminders:
                    return Outcome("sent", found.channel, found.ts), len(claims), len(found_ids)
        blocks, text = compose(Message(message.recipient, reminders))
    except BaseException:
        with sessions.begin() as session:
            ids = [claims[r.key].id for r in reminders]
            ledger.release(session, ids, run_id, "the run failed before sending", uncertain=False)
        raise
    ids = [claims[r.key].id for r in reminders]
    outcome = sender.deliver(target, text, blocks, ids)
    with sessions.begin() as session:
        if outcome.status == "sent":
            ledger.mark_sent(session, ids, run_id, now, outcome.channel, outcome.ts)
        elif outcome.status == "failed":
            ledger.mark_failed(session, ids, run_id, outcome.error or "failed")
        else:
            ledger.release(session, ids, run_id, outcome.error or "not sent", uncertain=outcome.uncertain)
    level = logging.INFO if outcome.status == "sent" else logging.WARNING
    log.log(
        level,
        "%s %d reminder(s) to %s: %s",
        outcome.status,
        len(ids),
        message.recipient.key,
        outcome.error or "ok",
    )
    return outcome, len(claims), len(found_ids) + (len(ids) if outcome.status == "sent" else 0)


def run_reminders(
    sessions: sessionmaker[Session],
    sender: Sender,
    *,
    now: datetime,
    team_id: str | None = None,
    run_id: str | None = None,
    lease: timedelta = LEASE,
    after_claim: AfterClaim | None = None,
) -> RunResult:
    """One run: decide what is due at `now`, then claim, send and record each message."""
    result = RunResult(run_id or uuid.uuid4().hex[:16], now)
    started = timer.perf_counter()
    with sessions.begin() as session:
        plan = plan_reminders(session, now, team_id=team_id, lease=lease)
    result.decide_seconds = timer.perf_counter() - started
    result.due = len(plan.due)
    result.held, result.unreachable, result.settled = len(plan.held), plan.unreachable_count, plan.settled
    started = timer.perf_counter()
    run_started = started - result.decide_seconds
    for number, message in enumerate(plan.messages):
        elapsed = timedelta(seconds=timer.perf_counter() - run_started)
        if elapsed > lease / 2:  # claims must never outlive their lease while this run still holds them
            rest = plan.messages[number:]
            result.pending += sum(len(m.reminders) for m in rest)
            log.warning(
                "reminder run out of time after %s; %d messages left for the next run", elapsed, len(rest)
            )
            break
        outcome, claimed, delivered = deliver_message(  # claimed and marked at the real time, not the start
            sessions,
            sender,
            message,
            run_id=result.run_id,
            now=now + elapsed,
            lease=lease,
            after_claim=after_claim,
        )
        result.elsewhere += len(message.reminders) - claimed
        result.delivered += delivered
        if outcome is not None and outcome.status == "sent":
            result.messages += 1 if outcome.tries else 0  # 0 tries: found already in Slack
        elif outcome is not None and outcome.status == "failed":
            result.failed += claimed - delivered
        else:
            result.pending += claimed - delivered
        if outcome is not None and (outcome.stop or sender.paused):
            rest = plan.messages[number + 1 :]
            result.pending += sum(len(m.reminders) for m in rest)
            log.warning(
                "reminder run stopped early (%s); %d messages left for the next run", outcome.error, len(rest)
            )
            break
    result.send_seconds = timer.perf_counter() - started
    log.info("reminder run", extra={"fields": result.fields(team_id)})
    return result


def run_now(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    api_url: str | None = None,
    team_id: str | None = None,
) -> RunResult:
    """One run at the clock's now, through Slack or a stand-in for it at `api_url` (the console)."""
    client = make_client(settings, base_url=api_url)
    return run_reminders(sessions, Sender(client), now=clock.now(settings), team_id=team_id)
