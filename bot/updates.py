"""Changing actions on a person's word: who may, one history row per change, each request once.

Slack-free: the Slack layer passes a `Directory` that can look a Slack user up (e-mail, admin).

- Who may: the action's lead, the board's secretary, its chairs and co-chairs, and Slack workspace
  admins and owners. Anyone else is refused and nothing changes.
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
from typing import Any, Protocol

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, aliased

from bot import models as m

UNDO_WINDOW = timedelta(minutes=10)
TRACKED_FIELDS = ("status", "due_on", "rag", "progress")
EDITING_ROLES = {
    m.MembershipRole.CHAIR: "chair",
    m.MembershipRole.CO_CHAIR: "co-chair",
    m.MembershipRole.SECRETARY: "secretary",
}
MAX_NOTE = 1000  # a history row's note: the request as written, cut here


@dataclass(frozen=True)
class SlackProfile:
    """What Slack says about a user (users.info)."""

    email: str | None = None
    is_admin: bool = False  # a workspace admin or owner
    is_bot: bool = False


class Directory(Protocol):
    def profile(self, user_id: str) -> SlackProfile | None: ...


class NoDirectory:
    """No Slack to ask (the console, tests): nobody is found by e-mail or is an admin."""

    def profile(self, user_id: str) -> SlackProfile | None:
        return None


@dataclass
class Actor:
    """Who asked: their Slack id, the person they are in the data (if any), and Slack's word on them."""

    slack_user_id: str
    person: m.Person | None
    directory: Directory = field(default_factory=NoDirectory)
    _profile: SlackProfile | None = None
    _looked_up: bool = False

    def profile(self) -> SlackProfile | None:
        if not self._looked_up:
            self._profile, self._looked_up = self.directory.profile(self.slack_user_id), True
        return self._profile

    def is_admin(self) -> bool:
        profile = self.profile()
        return bool(profile and profile.is_admin)

    @property
    def by_text(self) -> str | None:
        """How history names someone who is not a person in the data."""
        return None if self.person else f"Slack user {self.slack_user_id}"


def identify(
    session: Session,
    workspace_id: int,
    slack_user_id: str,
    directory: Directory,
    *,
    person_key: str | None = None,
) -> Actor:
    """The person a Slack user is: by Slack user id, or the first time by e-mail, then remembered.

    `person_key` is a person the surface vouches for (the console's --as), never anything from Slack.
    """
    who = m.Person.key == person_key if person_key else m.Person.slack_user_id == slack_user_id
    person = session.scalar(select(m.Person).where(m.Person.workspace_id == workspace_id, who))
    if person_key:
        return Actor(slack_user_id, person, directory)
    actor = Actor(slack_user_id, person, directory)
    if person is not None or not slack_user_id:
        return actor
    profile = actor.profile()
    if profile is None or not profile.email or profile.is_bot:
        return actor
    found = list(
        session.scalars(
            select(m.Person)
            .where(
                m.Person.workspace_id == workspace_id,
                func.lower(m.Person.email) == profile.email.strip().lower(),
                m.Person.slack_user_id.is_(None),
            )
            .limit(2)
        )
    )
    if len(found) == 1:  # two people with one address: leave it to the secretary
        actor.person = found[0]
        found[0].slack_user_id = slack_user_id
    return actor


def permission(session: Session, actor: Actor, action: m.Action) -> str | None:
    """Why the actor may change the action ("lead", "secretary", "chair", "co-chair", "admin"), or None."""
    person = actor.person
    if person is not None:
        if action.lead_id == person.id:
            return "lead"
        if action.board.secretary_id == person.id:
            return "secretary"
        role = session.scalar(
            select(m.Membership.role).where(
                m.Membership.board_id == action.board_id, m.Membership.person_id == person.id
            )
        )
        if role in EDITING_ROLES:
            return EDITING_ROLES[role]
    if actor.is_admin():
        return "admin"
    return None


def editors(session: Session, board: m.Board) -> list[m.Person]:
    """The board's secretary first, then its chairs and co-chairs: who to ask instead."""
    people = [board.secretary] if board.secretary else []
    people += session.scalars(
        select(m.Person)
        .join(m.Membership, m.Membership.person_id == m.Person.id)
        .where(m.Membership.board_id == board.id, m.Membership.role.in_(list(EDITING_ROLES)))
        .order_by(m.Membership.role.desc(), m.Person.name)
    )
    seen: set[int] = set()
    return [p for p in people if not (p.id in seen or seen.add(p.id))]


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
    return Applied(action, rows)


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
    _record(session, request, result.rows)
    request.outcome = m.UpdateOutcome.UNDONE.value
    return result


def _typed(name: str, text: str | None) -> Any:
    if text is None:
        return None
    return date.fromisoformat(text) if name == "due_on" else text


# --- papers --------------------------------------------------------------------------------------


def paper_permission(session: Session, actor: Actor, item: m.AgendaItem) -> str | None:
    """Why the actor may mark the item's paper ("author", "secretary", "chair", …), or None."""
    if actor.person is not None and item.report_author_id == actor.person.id:
        return "author"
    return board_permission(session, actor, item.meeting.board)


def mark_paper_submitted(session: Session, item_id: int) -> tuple[m.AgendaItem, str | None]:
    """Mark an agenda item's paper submitted (pressing twice changes nothing); its status before."""
    item = session.get(m.AgendaItem, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise LookupError(f"agenda item {item_id} is gone")
    before = item.paper_status
    if before not in (m.PaperStatus.SUBMITTED, m.PaperStatus.PUBLISHED):
        item.paper_status = m.PaperStatus.SUBMITTED.value
    return item, before


# --- recording actions ---------------------------------------------------------------------------


def board_permission(session: Session, actor: Actor, board: m.Board) -> str | None:
    """Why the actor may record actions on the board ("secretary", "chair", "co-chair", "admin"), or None."""
    person = actor.person
    if person is not None:
        if board.secretary_id == person.id:
            return "secretary"
        role = session.scalar(
            select(m.Membership.role).where(
                m.Membership.board_id == board.id, m.Membership.person_id == person.id
            )
        )
        if role in EDITING_ROLES:
            return EDITING_ROLES[role]
    return "admin" if actor.is_admin() else None


def editable_boards(session: Session, actor: Actor, workspace_id: int, limit: int = 100) -> list[m.Board]:
    """The boards the actor may record actions on, by name: every board for an admin."""
    in_workspace = m.Board.workspace_id == workspace_id
    if actor.is_admin():
        return list(session.scalars(select(m.Board).where(in_workspace).order_by(m.Board.name).limit(limit)))
    if actor.person is None:
        return []
    roles = select(m.Membership.board_id).where(
        m.Membership.person_id == actor.person.id, m.Membership.role.in_(list(EDITING_ROLES))
    )
    return list(
        session.scalars(
            select(m.Board)
            .where(in_workspace, (m.Board.secretary_id == actor.person.id) | m.Board.id.in_(roles))
            .order_by(m.Board.name)
            .limit(limit)
        )
    )


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
    session.add(action)
    session.flush()  # a ref taken meanwhile fails here, and the caller runs the transaction again
    row = _row(action, 1, "status", None, action.status, actor, request, now, "recorded from Slack", link)
    _record(session, request, [row])
    return action
