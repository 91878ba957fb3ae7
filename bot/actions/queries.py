"""A board's action lists, their tallies and one action's history: plain ORM reads, one board each.

A list is one ordered, paged `select(Action)` with each action's lead; the last update of the
actions shown comes in one more query. `Among` narrows a list to a lead, a meeting, a status or
what a search found. The order is due date, then the board's own actions (raised at a meeting)
before those from other documents, then the reference in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from bot import models as m
from bot.actions.format import (
    OPEN_STATUSES,
    Change,
    derived_due,
    describe_update,
    lead_name,
    overdue_days,
    shorten,
)


class Scope(StrEnum):
    """Which actions a list shows."""

    OPEN = "open"  # open, in progress or blocked
    OVERDUE = "overdue"  # open with a due date (set, or derived from the timescale) that has passed
    DONE = "done"
    CANCELLED = "cancelled"
    ALL = "all"  # whatever their status: what a search or a meeting finds


@dataclass(frozen=True)
class Among:
    """Which of a board's actions a list keeps, besides its scope. Empty: all of them."""

    lead_id: int | None = None  # led by this person...
    led_as_written: tuple[int, ...] | None = None  # ...or these, whose lead as written names them
    found: tuple[int, ...] | None = None  # the actions a word search found
    meeting_id: int | None = None  # raised at this meeting
    status: str | None = None  # only this one of the open statuses (in progress, blocked)

    def where(self, board: m.Board) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = [m.Action.board_id == board.id]
        whose = []
        if self.lead_id is not None:
            whose.append(m.Action.lead_id == self.lead_id)
        if self.led_as_written is not None:
            whose.append(m.Action.id.in_(self.led_as_written))
        if whose:
            where.append(or_(*whose))
        if self.found is not None:
            where.append(m.Action.id.in_(self.found))
        if self.meeting_id is not None:
            where.append(m.Action.meeting_id == self.meeting_id)
        if self.status is not None:
            where.append(m.Action.status == self.status)
        return where


@dataclass
class ActionRow:
    action: m.Action
    summary: str  # the description on one line, cut short
    lead: str
    overdue_days: int  # > 0 when its due date (set or derived) has passed and the action is still open
    derived: str | None  # "by end of June 2023 (from the timescale as written)" when derived
    last: Change | None


@dataclass
class Counts:
    by_status: dict[str, int]
    overdue_by_status: dict[str, int]

    @property
    def overdue(self) -> int:
        return sum(self.overdue_by_status.get(s, 0) for s in OPEN_STATUSES)

    @property
    def open(self) -> int:
        return sum(self.by_status.get(s, 0) for s in OPEN_STATUSES)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class Undated:
    """Open actions that cannot be overdue: a timescale naming no period, or no date at all."""

    with_timescale: int
    without_any_date: int
    first: list[m.Action]  # the first few with a timescale, by reference


def _in_scope(board: m.Board, scope: Scope, today: date, among: Among) -> list[ColumnElement[bool]]:
    where = among.where(board)
    if scope is Scope.ALL:
        return where
    if scope is Scope.OPEN:
        where.append(m.Action.status.in_(OPEN_STATUSES))
    elif scope is Scope.OVERDUE:
        where += [m.Action.status.in_(OPEN_STATUSES), m.Action.deadline < today]
    else:
        where.append(m.Action.status == scope.value)
    return where


def _order(scope: Scope) -> list[ColumnElement]:
    """Overdue: most overdue first (derived dates too); open: set dates first, soonest first; all: open ones first. Then
    the board's own actions, raised at its meetings, before those from other documents (partner
    plans), each by reference, prefix then number (FPS-2 before FPS-10)."""
    by_ref = [m.Action.meeting_id.is_(None), *m.ref_order(m.Action.ref)]
    if scope is Scope.OVERDUE:
        return [m.Action.deadline, *by_ref]
    if scope is Scope.OPEN:
        return [m.Action.due_on.is_(None), m.Action.due_on, *by_ref]  # the index's order: set dates
    if scope is Scope.ALL:
        return [case((m.Action.status.in_(OPEN_STATUSES), 0), else_=1), *by_ref]
    return by_ref


def action_rows(
    session: Session,
    board: m.Board,
    scope: Scope,
    today: date,
    *,
    among: Among = Among(),
    offset: int = 0,
    limit: int = 8,
) -> list[ActionRow]:
    """One page of a list, each action with its lead and its last update."""
    stmt = (
        select(m.Action)
        .where(*_in_scope(board, scope, today, among))
        .options(joinedload(m.Action.lead))
        .order_by(*_order(scope))
        .offset(offset)
        .limit(limit)
    )
    actions = session.scalars(stmt).all()
    latest = latest_updates(session, [action.id for action in actions])
    return [
        ActionRow(
            action,
            shorten(action.description, 200),
            lead_name(action),
            overdue_days(action, today),
            derived_due(action),
            describe_update(latest[action.id], board.timezone, value_limit=60)
            if action.id in latest
            else None,
        )
        for action in actions
    ]


EARLIER_OR_LATER = aliased(m.ActionUpdate, name="other_update")  # the same action's other entries


def latest_updates(session: Session, action_ids: list[int]) -> dict[int, m.ActionUpdate]:
    """Each action's newest history entry, with who made it, by action id."""
    if not action_ids:
        return {}
    other = EARLIER_OR_LATER
    newest = select(func.max(other.seq)).where(other.action_id == m.ActionUpdate.action_id).scalar_subquery()
    stmt = (
        select(m.ActionUpdate)
        .where(m.ActionUpdate.action_id.in_(action_ids), m.ActionUpdate.seq == newest)
        .options(joinedload(m.ActionUpdate.by))
    )
    return {update.action_id: update for update in session.scalars(stmt)}


def counts(session: Session, board: m.Board, today: date, *, among: Among = Among()) -> Counts:
    """How many of the actions kept have each status, and how many of each are overdue (the
    status asked for is left to `scope_total`, so the tally still shows the others)."""
    kept = Among(among.lead_id, among.led_as_written, among.found, among.meeting_id)
    stmt = (
        select(m.Action.status, func.count(), func.count().filter(m.Action.deadline < today))
        .where(*kept.where(board))
        .group_by(m.Action.status)
    )
    found = session.execute(stmt).all()
    return Counts({status: n for status, n, _ in found}, {status: late for status, _, late in found})


def scope_total(tally: Counts, scope: Scope, status: str | None = None) -> int:
    """How many actions a list shows, from the tally: of the scope, and of the status when one is asked."""
    if status is not None:
        late = scope is Scope.OVERDUE
        return (tally.overdue_by_status if late else tally.by_status).get(status, 0)
    if scope is Scope.OPEN:
        return tally.open
    if scope is Scope.OVERDUE:
        return tally.overdue
    if scope is Scope.ALL:
        return tally.total
    return tally.by_status.get(scope.value, 0)


def undated(session: Session, board: m.Board, *, among: Among = Among(), first: int = 5) -> Undated:
    """The open actions with no due date, set or derived: how many, how many of them have a
    timescale (one naming no period: "Ongoing"), and the first few of those by reference."""
    where = [*among.where(board), m.Action.status.in_(OPEN_STATUSES), m.Action.deadline.is_(None)]
    total, with_timescale = session.execute(
        select(func.count(), func.count(m.Action.timescale)).where(*where)
    ).one()
    firsts = session.scalars(
        select(m.Action)
        .where(*where, m.Action.timescale.is_not(None))
        .order_by(m.Action.meeting_id.is_(None), *m.ref_order(m.Action.ref))
        .limit(first)
    ).all()
    return Undated(with_timescale, total - with_timescale, list(firsts))


def history(session: Session, action: m.Action, zone: str, *, offset: int, limit: int) -> list[Change]:
    """A page of the action's history, in the order it happened."""
    stmt = (
        select(m.ActionUpdate)
        .where(m.ActionUpdate.action_id == action.id)
        .options(joinedload(m.ActionUpdate.by))
        .order_by(m.ActionUpdate.seq)
        .offset(offset)
        .limit(limit)
    )
    return [describe_update(update, zone, value_limit=300) for update in session.scalars(stmt)]


def history_length(session: Session, action: m.Action) -> int:
    stmt = select(func.count()).select_from(m.ActionUpdate).where(m.ActionUpdate.action_id == action.id)
    return session.scalar(stmt) or 0
