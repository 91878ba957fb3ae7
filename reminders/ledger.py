"""The delivery ledger: each reminder is claimed under its unique key before it is sent.

A claim inserts the rows unclaimed if new (INSERT … ON CONFLICT DO NOTHING on (kind, recipient,
occasion)), then locks the unclaimed ones with SELECT … FOR UPDATE SKIP LOCKED and marks them claimed:
clocks sharing a run divide the rows, each skipping what another is claiming, and only the claimant
sends. A claim lasts a lease (a setting): a run that dies between claim and send leaves its rows
claimed, and only once the lease has run out does a later run claim them again, marked `uncertain`
because the dead run may have reached Slack first.
Rows marked sent (or failed for good) are never claimed again.

Also here: snoozes and the person's delivery preference, which the runs read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import any_, case, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot import models as m
from reminders.items import Reminder
from reminders.timing import next_working_day

LEASE = timedelta(minutes=10)  # longer than the longest delivery (retries and Retry-After included)
CHUNK = 300  # keys per statement
Key = tuple[str, str, str]
T = m.Base.metadata.tables[m.ReminderDelivery.__tablename__]  # the ledger is read and written in Core


@dataclass(frozen=True)
class Claim:
    id: int
    uncertain: bool  # an earlier try may have reached Slack: look before sending again
    created_at: datetime


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(T)
    if dialect == "sqlite":
        return sqlite.insert(T)
    raise NotImplementedError(f"the reminder ledger supports SQLite and PostgreSQL, not {dialect}")


def _one_of(session: Session, column, values: list):
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one parameter, so the statement's
    text is the same whatever the count and the driver parses it once, not once per batch."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(values), postgresql.ARRAY(column.type)))
    return column.in_(values)


def _insert_new(session: Session, rows: list[dict]):
    """INSERT the new rows unclaimed, skipping keys another clock inserted first; returns the
    statement and its parameters. On PostgreSQL the rows go as one array per column (unnest):
    one short statement for any number of rows, instead of a VALUES list the driver must parse."""
    if session.get_bind().dialect.name != "postgresql":
        return _insert(session), rows
    columns = list(rows[0])
    arrays = [literal([row[c] for row in rows], postgresql.ARRAY(T.c[c].type)) for c in columns]
    source = func.unnest(*arrays).table_valued(*columns).render_derived()
    return postgresql.insert(T).from_select(columns, select(*(source.c[c] for c in columns))), None


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they are UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def settled_keys(
    session: Session, since: date, now: datetime, lease: timedelta = LEASE, boards: list[int] | None = None
) -> set[Key]:
    """Keys a run need not try: sent, failed for good, or claimed by a run whose lease still holds.

    Reads the rows first due on or after `since` (of `boards` only, if given): a reminder is only
    due within a few working days of its day, so older rows cannot match.
    """
    cutoff = now - lease
    stmt = select(T.c.kind, T.c.recipient, T.c.occasion, T.c.status, T.c.claimed_at).where(T.c.day >= since)
    if boards is not None:
        stmt = stmt.where(_one_of(session, T.c.board_id, boards))
    rows = session.execute(stmt)
    settled = set()
    for kind, recipient, occasion, status, claimed_at in rows:
        if status != m.DeliveryStatus.PENDING or (claimed_at is not None and _utc(claimed_at) > cutoff):
            settled.add((kind, recipient, occasion))
    return settled


def settled_among(session: Session, keys: list[Key], now: datetime, lease: timedelta = LEASE) -> set[Key]:
    """Which of these keys are settled, however long ago: for ladder rungs reached late (an action
    already weeks overdue when loaded), whose rows may be older than `settled_keys` reads.

    Read by kind and recipient, the unique key's leading columns: the keys of one run name tens of
    thousands of occasions but few recipients (secretaries, chairs, channels), so few statements.
    """
    cutoff = now - lease
    wanted = set(keys)
    kinds = sorted({kind for kind, _, _ in wanted})
    recipients = sorted({recipient for _, recipient, _ in wanted})
    settled: set[Key] = set()
    for start in range(0, len(recipients), CHUNK):
        rows = session.execute(
            select(T.c.kind, T.c.recipient, T.c.occasion, T.c.status, T.c.claimed_at).where(
                _one_of(session, T.c.kind, kinds),
                _one_of(session, T.c.recipient, recipients[start : start + CHUNK]),
            )
        )
        for kind, recipient, occasion, status, claimed_at in rows:
            key = (kind, recipient, occasion)
            if key in wanted and (
                status != m.DeliveryStatus.PENDING or (claimed_at is not None and _utc(claimed_at) > cutoff)
            ):
                settled.add(key)
    return settled


def _rows(reminders: list[Reminder], now: datetime) -> list[dict]:
    """Unclaimed ledger rows for these reminders, in one key order for all runs (no deadlocks)."""
    rows = {
        (r.kind, r.recipient.key, r.occasion): {
            "kind": r.kind,
            "recipient": r.recipient.key,
            "occasion": r.occasion,
            "board_id": r.day.board.id,
            "day": r.day.today,
            "status": m.DeliveryStatus.PENDING.value,
            "attempts": 0,
            "claimed_by": None,
            "claimed_at": None,
            "uncertain": False,
            "created_at": now,
        }
        for r in reminders
    }
    return [rows[key] for key in sorted(rows)]


def claim(
    session: Session, reminders: list[Reminder], run_id: str, now: datetime, lease: timedelta = LEASE
) -> dict[Key, Claim]:
    """Claim what no one else holds: new rows, and pending rows released or past their lease.

    The recipients' rows are read (by the recipient index); new rows are inserted unclaimed (ON
    CONFLICT DO NOTHING: a row another clock inserted a moment ago waits for its commit, then is
    that clock's), then rows are locked by id with SELECT … FOR UPDATE
    SKIP LOCKED and claimed: a row another clock is claiming at this moment is skipped, not waited
    for, and a row is taken only if unclaimed or its holder's lease ran out by `now`. Keys are taken
    in one sorted order by every clock, so the waits cannot form a cycle. On SQLite
    (one clock) the same statements run without the row locks, which SQLite does not have.
    """
    if not reminders:
        return {}
    rows = _rows(reminders, now)
    wanted = {(row["kind"], row["recipient"], row["occasion"]) for row in rows}
    ids: dict[Key, int] = {}
    recipients = sorted({row["recipient"] for row in rows})
    for start in range(0, len(recipients), CHUNK):  # rows already there are not inserted again
        found = session.execute(
            select(T.c.id, T.c.kind, T.c.recipient, T.c.occasion).where(
                _one_of(session, T.c.recipient, recipients[start : start + CHUNK])
            )
        )
        ids.update(((k, r, o), id) for id, k, r, o in found if (k, r, o) in wanted)
    new = [row for row in rows if (row["kind"], row["recipient"], row["occasion"]) not in ids]
    if new:
        statement, parameters = _insert_new(session, new)
        inserted = session.execute(
            statement.on_conflict_do_nothing(index_elements=["kind", "recipient", "occasion"]).returning(
                T.c.id, T.c.kind, T.c.recipient, T.c.occasion
            ),
            parameters,
        )
        ids.update(((k, r, o), id) for id, k, r, o in inserted)
    claims: dict[Key, Claim] = {}
    ordered = sorted(ids.values())
    for start in range(0, len(ordered), CHUNK):
        free = session.scalars(
            select(T.c.id)
            .where(
                _one_of(session, T.c.id, ordered[start : start + CHUNK]),
                T.c.status == m.DeliveryStatus.PENDING,
                or_(T.c.claimed_at.is_(None), T.c.claimed_at < now - lease),
            )
            .order_by(T.c.id)
            .with_for_update(skip_locked=True)
        ).all()
        if not free:
            continue
        taken = session.execute(
            update(T)
            .where(_one_of(session, T.c.id, list(free)))
            .values(
                claimed_by=run_id,
                claimed_at=now,
                # a lease that ran out belonged to a run that may have posted before it died
                uncertain=case((T.c.claimed_by.is_not(None), True), else_=T.c.uncertain),
            )
            .returning(T.c.id, T.c.kind, T.c.recipient, T.c.occasion, T.c.uncertain, T.c.created_at)
        ).all()
        for id, k, r, o, uncertain, created_at in taken:
            claims[(k, r, o)] = Claim(id, bool(uncertain), _utc(created_at))
    return claims


def pending_count(session: Session, since: date) -> int:
    """Rows due on or after `since` still waiting to be sent (claimed or not)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(T)
            .where(T.c.day >= since, T.c.status == m.DeliveryStatus.PENDING)
        )
        or 0
    )


def _held(session: Session, ids: list[int], run_id: str):
    return (_one_of(session, T.c.id, ids), T.c.claimed_by == run_id, T.c.status == m.DeliveryStatus.PENDING)


def mark_sent(
    session: Session, ids: list[int], run_id: str, now: datetime, channel: str | None, ts: str | None
) -> None:
    """Slack accepted the message holding these rows."""
    session.execute(
        update(T)
        .where(*_held(session, ids, run_id))
        .values(
            status=m.DeliveryStatus.SENT,
            sent_at=now,
            channel=channel,
            message_ts=ts,
            attempts=T.c.attempts + 1,
            last_error=None,
        )
    )


def release(session: Session, ids: list[int], run_id: str, error: str, *, uncertain: bool) -> None:
    """Leave the rows pending for the next run (which may claim them at once)."""
    session.execute(
        update(T)
        .where(*_held(session, ids, run_id))
        .values(
            claimed_by=None,
            claimed_at=None,
            attempts=T.c.attempts + 1,
            last_error=error[:2000],
            uncertain=True if uncertain else T.c.uncertain,
        )
    )


def mark_failed(session: Session, ids: list[int], run_id: str, error: str) -> None:
    """Slack refused the message for good (no such user, archived channel …): never retried."""
    session.execute(
        update(T)
        .where(*_held(session, ids, run_id))
        .values(status=m.DeliveryStatus.FAILED, attempts=T.c.attempts + 1, last_error=error[:2000])
    )


def last_sent(session: Session, recipients: list[str], since: datetime) -> dict[str, datetime]:
    """When each of these recipients was last sent something, if at or after `since` (UTC)."""
    if not recipients:
        return {}
    rows = session.execute(
        select(T.c.recipient, func.max(T.c.sent_at))
        .where(
            T.c.recipient.in_(recipients),
            T.c.status == m.DeliveryStatus.SENT,
            T.c.sent_at >= since,
        )
        .group_by(T.c.recipient)
    )
    return {recipient: _utc(at) for recipient, at in rows}


# --- Snoozes and preferences ------------------------------------------------------------------------


def snooze(
    session: Session, person_id: int, subject_kind: str, subject_id: int, until: date, now: datetime
) -> m.ReminderSnooze:
    """No reminders of this action or paper to this person before `until`; the due date stays.

    For the Snooze buttons (action_snooze_day, action_snooze_week; value `action:<id>` or
    `paper:<agenda item id>`). Snoozing again replaces the day. On `until` the reminder comes back.
    """
    if subject_kind not in ("action", "paper"):
        raise ValueError(f"can snooze an action or a paper, not {subject_kind!r}")
    found = session.scalar(
        select(m.ReminderSnooze).where(
            m.ReminderSnooze.person_id == person_id,
            m.ReminderSnooze.subject_kind == subject_kind,
            m.ReminderSnooze.subject_id == subject_id,
        )
    )
    if found is None:
        found = m.ReminderSnooze(person_id=person_id, subject_kind=subject_kind, subject_id=subject_id)
        session.add(found)
    found.until = until
    found.created_at = now
    session.flush()
    return found


def snooze_for(
    session: Session,
    person_id: int,
    subject_kind: str,
    subject_id: int,
    *,
    days: int,
    today: date,
    region: str,
    now: datetime,
) -> m.ReminderSnooze:
    """Snooze for 1 day or 7 (the buttons): back on the first working day on or after today + days."""
    return snooze(
        session,
        person_id,
        subject_kind,
        subject_id,
        next_working_day(today + timedelta(days=days), region),
        now,
    )


def snoozes_since(session: Session, since: date) -> dict[tuple[int | None, str, int], date]:
    """Snoozes still holding, or ended recently enough that their end is a reminder today."""
    rows = session.execute(
        select(
            m.ReminderSnooze.person_id,
            m.ReminderSnooze.subject_kind,
            m.ReminderSnooze.subject_id,
            m.ReminderSnooze.until,
        ).where(m.ReminderSnooze.until >= since)
    )
    return {(person, kind, subject): until for person, kind, subject, until in rows}


def set_delivery(session: Session, person_id: int, delivery: m.DeliveryPreference, now: datetime) -> None:
    """Immediate or daily digest: for `/boardbot settings`."""
    found = session.get(m.ReminderPreference, person_id)
    if found is None:
        found = m.ReminderPreference(person_id=person_id)
        session.add(found)
    found.delivery = m.DeliveryPreference(delivery).value
    found.updated_at = now
    session.flush()


def daily_digest_people(session: Session, person_ids: list[int]) -> set[int]:
    if not person_ids:
        return set()
    rows = session.scalars(
        select(m.ReminderPreference.person_id).where(
            m.ReminderPreference.person_id.in_(person_ids),
            m.ReminderPreference.delivery == m.DeliveryPreference.DAILY,
        )
    )
    return set(rows)
