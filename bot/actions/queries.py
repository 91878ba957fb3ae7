"""A board's action lists, their tallies and one action's history: plain ORM reads, one board each.

A list is one ordered, paged `select(Action)` with each action's lead; the last update of the
actions shown comes in one more query. The order is on the columns and expressions the list
indexes hold (migrations 0002 and 0005): board, status, due date, then the reference in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased, joinedload

from bot import models as m
from bot.actions.format import OPEN_STATUSES, Change, describe_update, lead_name, overdue_days, shorten


class Scope(StrEnum):
    """Which actions a list shows."""

    OPEN = "open"  # open, in progress or blocked
    OVERDUE = "overdue"  # open with a real due date that has passed
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass
class ActionRow:
    action: m.Action
    summary: str  # the description on one line, cut short
    lead: str
    overdue_days: int  # > 0 when a real due date has passed and the action is still open
    last: Change | None


@dataclass
class Counts:
    by_status: dict[str, int]
    overdue: int

    @property
    def open(self) -> int:
        return sum(self.by_status.get(s, 0) for s in OPEN_STATUSES)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class Undated:
    """Open actions that cannot be overdue: only a timescale as written, or no date at all."""

    with_timescale: int
    without_any_date: int
    first: list[m.Action]  # the first few with a timescale, by reference


def _of_board(board: m.Board, lead_id: int | None) -> list[ColumnElement[bool]]:
    """The board's actions, or those one person leads there."""
    where = [m.Action.board_id == board.id]
    if lead_id is not None:
        where.append(m.Action.lead_id == lead_id)
    return where


def _in_scope(board: m.Board, scope: Scope, today: date, lead_id: int | None) -> list[ColumnElement[bool]]:
    where = _of_board(board, lead_id)
    if scope is Scope.OPEN:
        where.append(m.Action.status.in_(OPEN_STATUSES))
    elif scope is Scope.OVERDUE:
        where += [m.Action.status.in_(OPEN_STATUSES), m.Action.due_on < today]
    else:
        where.append(m.Action.status == scope.value)
    return where


def _order(scope: Scope) -> list[ColumnElement]:
    """Overdue: most overdue first; open: dated first, soonest first; then by reference, prefix
    then number (FPS-2 before FPS-10)."""
    by_ref = list(m.ref_order(m.Action.ref))
    if scope is Scope.OVERDUE:
        return [m.Action.due_on, *by_ref]
    if scope is Scope.OPEN:
        return [m.Action.due_on.is_(None), m.Action.due_on, *by_ref]
    return by_ref


def action_rows(
    session: Session,
    board: m.Board,
    scope: Scope,
    today: date,
    *,
    lead_id: int | None = None,
    offset: int = 0,
    limit: int = 8,
) -> list[ActionRow]:
    """One page of a list, each action with its lead and its last update."""
    stmt = (
        select(m.Action)
        .where(*_in_scope(board, scope, today, lead_id))
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


def counts(session: Session, board: m.Board, today: date, *, lead_id: int | None = None) -> Counts:
    """How many actions the board has in each status, and how many are overdue."""
    stmt = (
        select(m.Action.status, func.count(), func.count().filter(m.Action.due_on < today))
        .where(*_of_board(board, lead_id))
        .group_by(m.Action.status)
    )
    found = session.execute(stmt).all()
    by_status = {status: n for status, n, _ in found}
    return Counts(by_status, sum(late for status, _, late in found if status in OPEN_STATUSES))


def scope_total(tally: Counts, scope: Scope) -> int:
    if scope is Scope.OPEN:
        return tally.open
    if scope is Scope.OVERDUE:
        return tally.overdue
    return tally.by_status.get(scope.value, 0)


def undated(session: Session, board: m.Board, *, lead_id: int | None = None, first: int = 5) -> Undated:
    """The open actions with no due date: how many, how many of them have a timescale, and the
    first few of those by reference."""
    where = [*_of_board(board, lead_id), m.Action.status.in_(OPEN_STATUSES), m.Action.due_on.is_(None)]
    total, with_timescale = session.execute(
        select(func.count(), func.count(m.Action.timescale)).where(*where)
    ).one()
    firsts = session.scalars(
        select(m.Action)
        .where(*where, m.Action.timescale.is_not(None))
        .order_by(*m.ref_order(m.Action.ref))
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
