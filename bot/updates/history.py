"""Changing actions on a person's word: one history row per change, each request once, undo.

- Once: every message, button press or form is claimed under a key (`claim`) in the same transaction
  as its changes; the key is unique, so a Slack retry, or the same message delivered as both a
  `message` and an `app_mention` event, finds it claimed and does nothing.
- In order: the action's row is locked before its current values and last `seq` are read
  (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite a no-op UPDATE takes the database's write lock),
  so two people updating one action at once are recorded one after the other, none lost. Should two
  writers still collide on (action_id, seq), the unique constraint fails one transaction, which the
  caller runs again.
- Undo: a person's last request that changed something, within ten minutes, is reverted with new
  history rows; a field someone else has changed since is left as it is, and said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, aliased

from bot import models as m
from bot.actions.timescales import set_due_by
from bot.boarddata.provenance import note_slack
from bot.updates.who import Actor

UNDO_WINDOW = timedelta(minutes=10)
TRACKED_FIELDS = ("status", "due_on", "rag", "progress")
RECORDED_FIELDS = (
    "meeting",
    "agenda_item",
    "description",
    "lead",
    "lead_text",
    "due_on",
    "timescale",
    "status",
)
MAX_NOTE = 1000  # a history row's note: the request as written, cut here


# --- requests ------------------------------------------------------------------------------------


def seen(session: Session, key: str) -> bool:
    return session.scalar(select(m.UpdateRequest.id).where(m.UpdateRequest.key == key)) is not None


def claim(
    session: Session,
    key: str,
    *,
    team_id: str,
    actor: Actor | None,
    slack_user_id: str | None,
    via: m.UpdateVia,
    now: datetime,
    channel: str | None = None,
    ts: str | None = None,
    thread_ts: str | None = None,
    outcome: m.UpdateOutcome = m.UpdateOutcome.NOT_UNDERSTOOD,
) -> m.UpdateRequest | None:
    """Record a request under its key; None when it was claimed before (a retry or a twin event).

    A twin claiming at the same moment fails on the unique key when this one commits first; the
    caller runs the whole transaction again and then finds the key claimed.
    """
    if seen(session, key):
        return None
    request = m.UpdateRequest(
        key=key[:200],
        team_id=team_id,
        slack_user_id=slack_user_id,
        person_id=actor.person.id if actor and actor.person else None,
        channel=channel,
        ts=ts,
        thread_ts=thread_ts,
        via=m.UpdateVia(via).value,
        received_at=now,
        outcome=m.UpdateOutcome(outcome).value,
    )
    session.add(request)
    session.flush()
    return request


def thread_has_requests(session: Session, team_id: str, channel: str, thread_ts: str) -> bool:
    """Whether BoardBot has taken an update in this thread (so a reply there is meant for it)."""
    R = m.UpdateRequest
    return bool(
        session.scalar(
            select(exists().where(R.team_id == team_id, R.channel == channel, R.thread_ts == thread_ts))
        )
    )


def thread_action_ids(session: Session, team_id: str, channel: str, thread_ts: str) -> list[int]:
    """The actions changed by requests in a thread, most recent first."""
    R, C, U = m.UpdateRequest, m.UpdateRequestChange, m.ActionUpdate
    rows = session.execute(
        select(U.action_id, func.max(U.id))
        .join(C, C.action_update_id == U.id)
        .join(R, R.id == C.request_id)
        .where(R.team_id == team_id, R.channel == channel, R.thread_ts == thread_ts)
        .group_by(U.action_id)
        .order_by(func.max(U.id).desc())
        .limit(10)
    )
    return [action_id for action_id, _ in rows]


# --- changes -------------------------------------------------------------------------------------


def as_text(value: Any) -> str | None:
    """A value as history stores it (dates as ISO), like the loader."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def lock_action(session: Session, action_id: int) -> m.Action:
    """The action, locked against other writers until the transaction ends, with fresh values."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks: a write takes the database's write lock before anything is read
        session.execute(
            update(m.Action).where(m.Action.id == action_id).values(ref=m.Action.ref),
            execution_options={"synchronize_session": False},
        )
    action = session.get(m.Action, action_id, with_for_update=True, populate_existing=True)
    if action is None:
        raise LookupError(f"action {action_id} is gone")
    return action


def last_seq(session: Session, action_id: int) -> int:
    return (
        session.scalar(select(func.max(m.ActionUpdate.seq)).where(m.ActionUpdate.action_id == action_id)) or 0
    )


@dataclass
class Applied:
    """What a request did to one action: its rows (none when every value was already so)."""

    action: m.Action
    rows: list[m.ActionUpdate]


def apply_changes(
    session: Session,
    request: m.UpdateRequest,
    actor: Actor,
    action_id: int,
    values: dict[str, Any],
    *,
    now: datetime,
    note: str | None = None,
    link: str | None = None,
) -> Applied:
    """Set the action's fields and append one history row per field that really changes.

    `values` maps a tracked field (status, due_on, rag, progress) to its new value. The caller has
    checked permission; this locks the action, so `old` is what the value was at this moment.
    """
    action = lock_action(session, action_id)
    seq = last_seq(session, action_id)
    rows = []
    for name in TRACKED_FIELDS:
        if name not in values:
            continue
        new, old = as_text(values[name]), as_text(getattr(action, name))
        if new == old:
            continue
        setattr(action, name, values[name])
        seq += 1
        rows.append(_row(action, seq, name, old, new, actor, request, now, note, link))
    _record(session, request, rows)
    _note_slack(session, action, [row.field for row in rows], actor, request.via, now)
    return Applied(action, rows)


def _note_slack(
    session: Session, action: m.Action, names: list[str], actor: Actor, via: str, now: datetime
) -> None:
    """Provenance, so a reload of the board files keeps these fields (bot/boarddata/merge.py)."""
    note_slack(session, action.board.workspace_id, "actions", action.id, names, by=_name(actor, via), at=now)


def _name(actor: Actor, via: str) -> str:
    return f"{actor.person.name if actor.person else actor.by_text} ({via})"


def _row(
    action: m.Action,
    seq: int,
    name: str,
    old: str | None,
    new: str | None,
    actor: Actor,
    request: m.UpdateRequest,
    now: datetime,
    note: str | None,
    link: str | None,
) -> m.ActionUpdate:
    return m.ActionUpdate(
        action_id=action.id,
        seq=seq,
        at=now,
        field=name,
        old=old,
        new=new,
        by_id=actor.person.id if actor.person else None,
        by_text=actor.by_text,
        note=note if note is None or len(note) <= MAX_NOTE else note[: MAX_NOTE - 1] + "…",
        via=request.via,
        link=link,
    )


def _record(session: Session, request: m.UpdateRequest, rows: list[m.ActionUpdate]) -> None:
    session.add_all(rows)
    session.flush()  # a colliding seq fails here, and the caller runs the transaction again
    session.add_all(m.UpdateRequestChange(request_id=request.id, action_update_id=row.id) for row in rows)
    if rows:
        request.outcome = m.UpdateOutcome.APPLIED.value
    elif request.outcome == m.UpdateOutcome.NOT_UNDERSTOOD:
        request.outcome = m.UpdateOutcome.UNCHANGED.value
    session.flush()


# --- undo ----------------------------------------------------------------------------------------


@dataclass
class Undone:
    """What `undo` did: the request it reverted, the new rows, and the changes it left alone."""

    request: m.UpdateRequest | None  # None: nothing to undo
    rows: list[m.ActionUpdate] = field(default_factory=list)
    kept: list[m.ActionUpdate] = field(default_factory=list)  # changed again since: not reverted
    too_old: datetime | None = None  # the last change, when it is older than the undo window


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite gives naive datetimes back


def undo_last(session: Session, request: m.UpdateRequest, actor: Actor, now: datetime) -> Undone:
    """Revert the actor's last request that changed something, if it is within the undo window."""
    if actor.person is None:
        return Undone(None)
    R = m.UpdateRequest
    undo = aliased(R)
    last = session.scalar(
        select(R)
        .where(
            R.person_id == actor.person.id,
            R.outcome == m.UpdateOutcome.APPLIED.value,
            R.undoes_id.is_(None),
            R.id != request.id,
            ~exists().where(undo.undoes_id == R.id),
        )
        .order_by(R.received_at.desc(), R.id.desc())
        .limit(1)
    )
    if last is None:
        return Undone(None)
    if _utc(last.received_at) < now - UNDO_WINDOW:
        return Undone(None, too_old=_utc(last.received_at))
    changes = list(
        session.scalars(
            select(m.ActionUpdate)
            .join(m.UpdateRequestChange, m.UpdateRequestChange.action_update_id == m.ActionUpdate.id)
            .where(m.UpdateRequestChange.request_id == last.id)
            .order_by(m.ActionUpdate.action_id, m.ActionUpdate.seq.desc())
        )
    )
    result = Undone(last)
    request.undoes_id = last.id
    for action_id in dict.fromkeys(change.action_id for change in changes):
        action = lock_action(session, action_id)
        seq = last_seq(session, action_id)
        for change in (c for c in changes if c.action_id == action_id):
            if as_text(getattr(action, change.field)) != change.new:
                result.kept.append(change)
                continue
            setattr(action, change.field, _typed(change.field, change.old))
            seq += 1
            note = f"undo of change {change.seq}"
            result.rows.append(
                _row(action, seq, change.field, change.new, change.old, actor, request, now, note, None)
            )
        _note_slack(
            session, action, [r.field for r in result.rows if r.action_id == action_id], actor, "undo", now
        )
    _record(session, request, result.rows)
    request.outcome = m.UpdateOutcome.UNDONE.value
    return result


def _typed(name: str, text: str | None) -> Any:
    if text is None:
        return None
    return date.fromisoformat(text) if name == "due_on" else text


def mark_paper_submitted(
    session: Session, item_id: int, actor: Actor | None = None, now: datetime | None = None
) -> tuple[m.AgendaItem, str | None]:
    """Mark an agenda item's paper submitted (pressing twice changes nothing); its status before."""
    item = session.get(m.AgendaItem, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise LookupError(f"agenda item {item_id} is gone")
    before = item.paper_status
    if before not in (m.PaperStatus.SUBMITTED, m.PaperStatus.PUBLISHED):
        item.paper_status = m.PaperStatus.SUBMITTED.value
        workspace_id = item.meeting.board.workspace_id
        by = _name(actor, "paper") if actor else None
        note_slack(session, workspace_id, "agenda_items", item.id, ["paper_status"], by=by, at=now)
    return item, before


REF_NUMBER_RE = re.compile(r"^(.+)-(\d{1,9})$")


def next_ref(session: Session, board: m.Board) -> str:
    """The next free reference on the board: the prefix of its latest action (else `A`), number + 1."""
    latest = session.scalar(
        select(m.Action.ref).where(m.Action.board_id == board.id).order_by(m.Action.id.desc()).limit(1)
    )
    found = REF_NUMBER_RE.match(latest or "")
    prefix = found.group(1) if found else "A"
    refs = session.scalars(
        select(m.Action.ref).where(m.Action.board_id == board.id, m.Action.ref.like(f"{prefix}-%"))
    )
    numbers = [int(f.group(2)) for r in refs if (f := REF_NUMBER_RE.match(r)) and f.group(1) == prefix]
    return f"{prefix}-{max(numbers, default=0) + 1}"


def record_action(
    session: Session,
    request: m.UpdateRequest,
    actor: Actor,
    action: m.Action,
    *,
    now: datetime,
    link: str | None = None,
) -> m.Action:
    """Add a new action (its ref and status set by the caller) and its first history row."""
    set_due_by(session, action)
    session.add(action)
    session.flush()  # a ref taken meanwhile fails here, and the caller runs the transaction again
    row = _row(action, 1, "status", None, action.status, actor, request, now, "recorded from Slack", link)
    _record(session, request, [row])
    _note_slack(session, action, list(RECORDED_FIELDS), actor, request.via, now)
    return action
