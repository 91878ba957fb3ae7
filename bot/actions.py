"""Actions as members see them: which are open, overdue or done, who leads them, what changed last.

Every query here is scoped to one board and bounded: lists fetch one page, the last update of the
actions shown comes in one IN query, and a single action's history is read a page at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Subquery,
    and_,
    bindparam,
    func,
    inspect,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.util import ClauseAdapter

from bot import models as m
from bot.boards import normalise
from bot.db import each_loaded, loaded, loaded_columns, plain_rows, written, written_number

OPEN_STATUSES = (m.ActionStatus.OPEN, m.ActionStatus.IN_PROGRESS, m.ActionStatus.BLOCKED)
STATUS_LABELS = {
    m.ActionStatus.OPEN: "Open",
    m.ActionStatus.IN_PROGRESS: "In progress",
    m.ActionStatus.BLOCKED: "Blocked",
    m.ActionStatus.DONE: "Done",
    m.ActionStatus.CANCELLED: "Cancelled",
}
RAG_LABELS = {m.Rag.RED: "Red", m.Rag.AMBER: "Amber", m.Rag.GREEN: "Green"}
FIELD_LABELS = {
    "status": "status",
    "due_on": "due date",
    "timescale": "timescale",
    "rag": "RAG",
    "progress": "progress",
    "lead": "lead",
    "description": "description",
}
VIA_LABELS = {
    m.UpdateVia.IMPORT: "loaded from a file",
    m.UpdateVia.MESSAGE: "by message",
    m.UpdateVia.BUTTON: "by button",
    m.UpdateVia.FORM: "by form",
}
HONORIFICS = {"councillor", "cllr", "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame"}
REF_RE = re.compile(r"^#?([A-Za-z]{1,12})-?(\d{1,9})$")
NUMBER_RE = re.compile(r"^#?(\d{1,9})$")
MAX_CANDIDATES = 50  # people whose names share a word: enough to ask which


class Scope(StrEnum):
    """Which actions a list shows."""

    OPEN = "open"  # open, in progress or blocked
    OVERDUE = "overdue"  # open with a real due date that has passed
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Ref:
    """An action reference as typed: `A-12`, `a12`, `fps-3`; `#12` leaves the prefix to the board."""

    prefix: str | None
    number: str

    @property
    def text(self) -> str:
        return f"{self.prefix.upper()}-{int(self.number)}" if self.prefix else f"#{int(self.number)}"

    def forms(self, board_prefixes: list[str]) -> list[str]:
        """The spellings it may be stored under (refs keep the case they were loaded with)."""
        if self.prefix:
            prefixes = {self.prefix, self.prefix.upper(), self.prefix.lower()}
        else:
            prefixes = set(board_prefixes)  # as stored
        numbers = {self.number, str(int(self.number))}
        return sorted(f"{p}-{n}" for p in prefixes for n in numbers)


def parse_ref(word: str) -> Ref | None:
    if found := REF_RE.match(word):
        return Ref(found.group(1), found.group(2))
    if found := NUMBER_RE.match(word):
        return Ref(None, found.group(1))
    return None


@dataclass
class Change:
    """One history entry as a reader sees it."""

    update: m.ActionUpdate | Row | None  # a history's entries have theirs; a list's latest change does not
    on: date  # in the board's zone
    who: str
    what: str  # "status: In progress → Done"


@dataclass
class ActionRow:
    action: m.Action | Row  # lists read the action's columns as a plain row
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
    first: list[Row]  # reference, description and timescale


def shorten(text: str | None, limit: int) -> str:
    """The text on one line, cut at a word boundary with "…" when longer than `limit`."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def clip(text: str, limit: int) -> str:
    """The text as written, line breaks kept, cut with "…" when longer than `limit`."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def lead_name(action: m.Action) -> str:
    return lead_label(action.lead.name if action.lead else None, action.lead_text)


def lead_label(name: str | None, as_written: str | None) -> str:
    """The lead's name when they are in the data, else the lead as written, else "not recorded"."""
    if name is not None:
        return name
    return shorten(as_written, 120) if as_written else "not recorded"


def overdue_days(action: m.Action, today: date) -> int:
    """Days past a real due date, for actions not done or cancelled; 0 otherwise."""
    if action.due_on is None or action.status not in OPEN_STATUSES:
        return 0
    return max((today - action.due_on).days, 0)


def _scope_filter(scope: Scope, led: bool) -> list[ColumnElement]:
    where: list[ColumnElement] = [m.Action.board_id == bindparam("board_id")]
    if scope is Scope.OPEN:
        where.append(m.Action.status.in_(written(OPEN_STATUSES)))
    elif scope is Scope.OVERDUE:
        where += [m.Action.status.in_(written(OPEN_STATUSES)), m.Action.due_on < bindparam("today")]
    else:
        where.append(m.Action.status == written(scope.value))
    return [*where, *_led_by(led)]


def _led_by(led: bool) -> list[ColumnElement]:
    """Actions a person leads on the board (ix_actions_board_lead_status_due serves it)."""
    return [m.Action.lead_id == bindparam("lead_id")] if led else []


def _by_ref(ref=m.Action.ref) -> list[ColumnElement]:
    """Prefix, then number: FPS-2 before FPS-10 (the expressions the list indexes are on)."""
    return list(m.ref_order(ref))


def _order(scope: Scope, due_on=m.Action.due_on, ref=m.Action.ref) -> list[ColumnElement]:
    if scope is Scope.OVERDUE:
        return [due_on, *_by_ref(ref)]  # most overdue first
    if scope is Scope.OPEN:
        return [due_on.is_(None), due_on, *_by_ref(ref)]  # dated first, soonest first
    return _by_ref(ref)


def _per_status(statuses, *conditions: ColumnElement) -> list[list[ColumnElement]]:
    """One part per status, each with the board and the conditions (see _parts)."""
    board = m.Action.board_id == bindparam("board_id")
    return [[board, m.Action.status == written(status), *conditions] for status in statuses]


def _parts(scope: Scope) -> list[list[ColumnElement]]:
    """The scope as disjoint parts that an index returns in the list's order (one status each,
    dated apart from undated), so a page reads at most offset + limit rows of each part."""
    if scope is Scope.OPEN:
        return [
            *_per_status(OPEN_STATUSES, m.Action.due_on.is_not(None)),
            *_per_status(OPEN_STATUSES, m.Action.due_on.is_(None)),
        ]
    if scope is Scope.OVERDUE:
        return _per_status(OPEN_STATUSES, m.Action.due_on < bindparam("today"))
    return _per_status([scope.value])


def _candidates(parts: list[list[ColumnElement]], in_index_order: list[ColumnElement], reach) -> Subquery:
    """The first `reach` actions of each part, each part read in index order: one union of
    (id, due_on, ref) from which a page is cut."""
    firsts = [
        select(_SHORT.c.id, _SHORT.c.due_on, _SHORT.c.ref)
        .where(*(_shortened(condition) for condition in where))
        .order_by(*(_shortened(column) for column in in_index_order))
        .limit(reach)
        .subquery(f"p{number}")
        for number, where in enumerate(parts)
    ]
    return union_all(*(select(*first.c) for first in firsts)).subquery("candidates")


# The parts of a list read actions under a short name, as the statement repeats them for each
# status: psycopg caches the parsing of statements up to 4,096 characters only.
_SHORT = m.Action.__table__.alias("a")
_TO_SHORT = ClauseAdapter(_SHORT)


def _shortened(clause) -> ColumnElement:
    """The clause on `a` instead of `actions` (m.Action.due_on or a condition on it)."""
    return _TO_SHORT.traverse(
        clause.__clause_element__() if hasattr(clause, "__clause_element__") else clause
    )


def _page(scope: Scope, led: bool) -> Subquery:
    """The ids of one page of a list: each part of the scope read in index order up to `reach`
    (offset + limit) rows, the page cut from their union."""
    in_index_order = [m.Action.due_on, *_by_ref()] if scope in (Scope.OPEN, Scope.OVERDUE) else _by_ref()
    led_parts = [[*where, *_led_by(led)] for where in _parts(scope)]
    candidates = _candidates(led_parts, in_index_order, written_number("reach"))
    return (
        select(candidates.c.id)
        .order_by(*_order(scope, candidates.c.due_on, candidates.c.ref))
        .offset(written_number("offset"))
        .limit(written_number("limit"))
        .subquery("page")
    )


def _shown(*leading: ColumnElement) -> Select:
    """The `leading` columns, then each action's columns under their own names and what a list
    shows of its lead and its latest update (plain rows: see bot.db.plain_rows). The caller adds
    where the actions come from (select_from), then `_with_details` joins the rest."""
    lead, latest, by = _DETAIL_ALIASES
    return select(
        *leading,
        *m.Action.__table__.c,
        lead.name.label("lead_name"),
        latest.id.label("update_id"),
        latest.at.label("update_at"),
        latest.field.label("update_field"),
        latest.old.label("update_old"),
        latest.new.label("update_new"),
        latest.by_text.label("update_by_text"),
        by.name.label("update_by"),
    )


_DETAIL_ALIASES = (
    aliased(m.Person, name="lead"),
    aliased(m.ActionUpdate, name="latest"),
    aliased(m.Person, name="by"),
)


def _with_details(stmt: Select) -> Select:
    lead, latest, by = _DETAIL_ALIASES
    later = aliased(m.ActionUpdate)
    newest = select(func.max(later.seq)).where(later.action_id == m.Action.id).scalar_subquery()
    return (
        stmt.outerjoin(lead, lead.id == m.Action.lead_id)
        .outerjoin(latest, and_(latest.action_id == m.Action.id, latest.seq == newest))
        .outerjoin(by, by.id == latest.by_id)
    )


# The list queries are built once per shape and run with bound values: building a statement costs
# more than running it on an index.
@cache
def _page_query(scope: Scope, led: bool) -> Select:
    """One page of a list, each action with its lead's name and its latest update: one statement.

    The limits are written into the SQL (one statement per page size and number, in practice a
    handful): with them as parameters PostgreSQL cannot cost a generic plan and plans this
    statement afresh on every run (~1 ms).
    """
    page = _page(scope, led)
    found = _shown().select_from(m.Action).join(page, page.c.id == m.Action.id)
    return _with_details(found).order_by(*_order(scope))


@cache
def _counts_query(led: bool) -> Select:
    past_due = func.count().filter(m.Action.due_on < bindparam("today"))  # cheaper than sum(case …)
    return (
        select(m.Action.status, func.count(), past_due)
        .where(m.Action.board_id == bindparam("board_id"), *_led_by(led))
        .group_by(m.Action.status)
    )


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
    params = {
        "board_id": board.id,
        "today": today,
        "lead_id": lead_id,
        "offset": offset,
        "limit": limit,
        "reach": offset + limit,
    }
    return [
        _action_row(row, board, today)
        for row in plain_rows(session, _page_query(scope, lead_id is not None), params)
    ]


def _action_row(row: Row, board: m.Board, today: date) -> ActionRow:
    return ActionRow(
        row,
        shorten(row.description, 200),
        lead_label(row.lead_name, row.lead_text),
        overdue_days(row, today),
        _latest_change(row, board.timezone) if row.update_id is not None else None,
    )


def _latest_change(row: Row, zone: str) -> Change:
    return describe_change(
        row.update_at,
        row.update_field,
        row.update_old,
        row.update_new,
        row.update_by or row.update_by_text,
        zone,
        60,
    )


def counts(session: Session, board: m.Board, today: date, *, lead_id: int | None = None) -> Counts:
    """How many actions the board has in each status, and how many are overdue: one index scan."""
    params = {"board_id": board.id, "today": today, "lead_id": lead_id}
    found = plain_rows(session, _counts_query(lead_id is not None), params)
    by_status = {status: n for status, n, _ in found}
    return Counts(by_status, sum(late for status, _, late in found if status in OPEN_STATUSES))


def scope_total(tally: Counts, scope: Scope) -> int:
    if scope is Scope.OPEN:
        return tally.open
    if scope is Scope.OVERDUE:
        return tally.overdue
    return tally.by_status.get(scope.value, 0)


def _undated_tally(led: bool) -> Subquery:
    """How many open actions have no due date, and how many of those have a timescale: one row."""
    undated = [*_scope_filter(Scope.OPEN, led), m.Action.due_on.is_(None)]
    return (
        select(func.count().label("total"), func.count(m.Action.timescale).label("with_timescale"))
        .where(*undated)
        .subquery("tally")
    )


def _first_undated(led: bool) -> Subquery:
    """The ids of the first few open actions with only a timescale, by reference (`first`)."""
    parts = _per_status(
        OPEN_STATUSES, m.Action.due_on.is_(None), m.Action.timescale.is_not(None), *_led_by(led)
    )
    candidates = _candidates(parts, [m.Action.due_on, *_by_ref()], written_number("first"))
    return (
        select(candidates.c.id)
        .order_by(*_by_ref(candidates.c.ref))
        .limit(written_number("first"))
        .subquery("first")
    )


@cache
def _overdue_first_page_query(led: bool) -> Select:
    """The overdue list's first page and, after it, the "no firm date" tally and first few: one
    statement (the one-row tally left-joined to both lists) instead of two round trips."""
    tally, page, first = _undated_tally(led), _page(Scope.OVERDUE, led), _first_undated(led)
    chosen = union_all(
        select(page.c.id, written(0).label("list")), select(first.c.id, written(1).label("list"))
    ).subquery("chosen")
    found = (
        _shown(tally.c.total, tally.c.with_timescale, chosen.c.list)
        .select_from(tally)
        .outerjoin(chosen, true())
        .outerjoin(m.Action, m.Action.id == chosen.c.id)
    )
    # overdue ones by due date then reference; the undated ones (no due date) by reference
    return _with_details(found).order_by(chosen.c.list, *_order(Scope.OVERDUE))


def overdue_first_page(
    session: Session,
    board: m.Board,
    today: date,
    *,
    lead_id: int | None = None,
    limit: int = 8,
    first: int = 5,
) -> tuple[list[ActionRow], Undated]:
    """The first page of overdue actions, and the open ones with no firm date (see Undated)."""
    params = {
        "board_id": board.id,
        "today": today,
        "lead_id": lead_id,
        "offset": 0,
        "limit": limit,
        "reach": limit,
        "first": first,
    }
    found = plain_rows(session, _overdue_first_page_query(lead_id is not None), params)
    total, with_timescale = found[0].total, found[0].with_timescale
    shown = [row for row in found if row.id is not None]
    undated = Undated(with_timescale, total - with_timescale, [row for row in shown if row.list == 1])
    return [_action_row(row, board, today) for row in shown if row.list == 0], undated


_HISTORY_COLUMNS = (
    m.ActionUpdate.seq,
    m.ActionUpdate.at,
    m.ActionUpdate.field,
    m.ActionUpdate.old,
    m.ActionUpdate.new,
    m.ActionUpdate.by_text,
    m.ActionUpdate.note,
    m.ActionUpdate.via,
    m.ActionUpdate.link,
)


@cache
def _history_queries() -> tuple[Select, Select]:
    of_action = m.ActionUpdate.action_id == bindparam("action_id")
    page = (
        select(*_HISTORY_COLUMNS, m.Person.name.label("by_name"), func.count().over().label("total"))
        .outerjoin(m.Person, m.Person.id == m.ActionUpdate.by_id)  # the history's length rides on each row
        .where(of_action)
        .order_by(m.ActionUpdate.seq)
        .offset(written_number("offset"))
        .limit(written_number("limit"))
    )
    return page, select(func.count()).select_from(m.ActionUpdate).where(of_action)


def history(
    session: Session, action: m.Action, zone: str, *, offset: int, limit: int
) -> tuple[list[Change], int | None]:
    """A page of the action's history, in the order it happened, and how long the whole history
    is: one statement of plain rows. The length is None when the page is empty (no history, or
    past its end)."""
    params = {"action_id": action.id, "offset": offset, "limit": limit}
    rows = plain_rows(session, _history_queries()[0], params)
    changes = [describe_update(row, row.by_name, zone, value_limit=300) for row in rows]
    return changes, rows[0].total if rows else None


def history_length(session: Session, action: m.Action) -> int:
    return session.scalar(_history_queries()[1], {"action_id": action.id}) or 0


def describe_update(update: m.ActionUpdate | Row, by: str | None, zone: str, *, value_limit: int) -> Change:
    """`update`: a history entry, or a row of its columns. `by`: the name of the person who made
    the change, when they are in the data."""
    return describe_change(
        update.at, update.field, update.old, update.new, by or update.by_text, zone, value_limit, update
    )


def describe_change(
    at: datetime,
    field: str,
    old: str | None,
    new: str | None,
    who: str | None,
    zone: str,
    value_limit: int,
    update: m.ActionUpdate | Row | None = None,
) -> Change:
    """A change as a reader sees it: the day in the board's zone, who (or "not recorded"), what.
    `update`: the history entry it comes from, when one was loaded."""
    at = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite drops the zone
    label = FIELD_LABELS.get(field, field)
    shown = f"{label}: {shown_value(field, old, value_limit)} → {shown_value(field, new, value_limit)}"
    return Change(update, at.astimezone(ZoneInfo(zone)).date(), who or "not recorded", shown)


def shown_value(field: str, value: str | None, limit: int) -> str:
    """A stored history value as a reader would write it."""
    if value is None or not value.strip():
        return "none"
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "rag":
        return RAG_LABELS.get(value, value)
    if field == "due_on":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return shorten(value, limit)
        return f"{day:%a} {day.day} {day:%b %Y}"
    return shorten(value, limit)


_REFS = select(m.Action.ref).where(m.Action.board_id == bindparam("board_id"))
_FIRST_REF = _REFS.order_by(m.Action.ref).limit(written(1))
_LAST_REF = _REFS.order_by(m.Action.ref.desc()).limit(written(1))


def board_prefixes(session: Session, board: m.Board) -> list[str]:
    """The reference prefixes the board uses, from its first and last refs (an index lookup each)."""
    params = {"board_id": board.id}
    refs = {row.ref for stmt in (_FIRST_REF, _LAST_REF) for row in plain_rows(session, stmt, params)}
    return sorted({ref.split("-", 1)[0] for ref in refs if ref and "-" in ref})


_RAISED = {  # what an action's page shows with it, read in the same statement
    "lead": m.Person,
    "meeting": m.Meeting,
    "agenda_item": m.AgendaItem,
    "source_document": m.Document,
}


@lru_cache(maxsize=16)
def _by_ref_query(count: int) -> Select:
    """The board's actions whose ref is one of `count` spellings (f0, f1 …), each with its lead,
    meeting, agenda item and source document (LEFT JOINs), as columns for `as_loaded`."""
    related = {name: aliased(model, name=name) for name, model in _RAISED.items()}
    columns = loaded_columns(m.Action)
    stmt = select(m.Action)
    for name, entity in related.items():
        columns += loaded_columns(entity)
        stmt = stmt.outerjoin(entity, getattr(m.Action, name))
    return (
        stmt.with_only_columns(*columns)
        .where(
            m.Action.board_id == bindparam("board_id"),
            m.Action.ref.in_([bindparam(f"f{i}") for i in range(count)]),
        )
        .order_by(*_by_ref())
    )


def find_actions(session: Session, board: m.Board, ref: Ref) -> list[m.Action]:
    """The board's actions a reference names: one, or several for `#12` on a board with two
    prefixes. One statement of plain columns, made the session's objects by `as_loaded` (the
    ORM's loading of an action with four joined objects cost 0.3 ms)."""
    forms = ref.forms([] if ref.prefix else board_prefixes(session, board))
    if not forms:
        return []
    params = {"board_id": board.id} | {f"f{i}": form for i, form in enumerate(forms)}
    return [_action_of(session, row) for row in plain_rows(session, _by_ref_query(len(forms)), params)]


def _action_of(session: Session, row: Row) -> m.Action:
    """An action and the objects it was raised with, from a row of `_by_ref_query`."""
    (action, *related), _ = each_loaded(session, tuple(row), [m.Action, *_RAISED.values()])
    loaded = inspect(action).dict
    for name, value in zip(_RAISED, related, strict=True):
        if name not in loaded:  # as joinedload does; an action the session held may have it already
            set_committed_value(action, name, value)
    return action


def near_refs(session: Session, board: m.Board, ref: Ref, prefixes: list[str], limit: int = 5) -> list[str]:
    """Refs on the board close to one that is not there: a neighbouring number under the same
    prefix, or the same number under the board's other prefixes."""
    number = int(ref.number)
    same = [p for p in prefixes if ref.prefix is not None and p.lower() == ref.prefix.lower()]
    if same:
        candidates = {f"{p}-{n}" for p in same for n in range(max(number - 2, 1), number + 3)}
    else:
        candidates = {f"{p}-{number}" for p in prefixes}
    stmt = select(m.Action.ref).where(m.Action.board_id == board.id, m.Action.ref.in_(candidates))
    found = sorted(
        session.scalars(stmt), key=lambda other: (abs(int(other.rpartition("-")[2]) - number), other)
    )
    return found[:limit]


def last_refs(session: Session, board: m.Board, ref: Ref, prefixes: list[str]) -> list[str]:
    """The highest reference under the typed prefix, or under each of the board's prefixes."""
    same = [p for p in prefixes if ref.prefix is not None and p.lower() == ref.prefix.lower()]
    return [r for r in (highest_ref(session, board, p) for p in same or prefixes) if r]


def highest_ref(session: Session, board: m.Board, prefix: str) -> str | None:
    """The last reference with a prefix: FPS-46, not FPS-9."""
    stmt = (
        select(m.Action.ref)
        .where(m.Action.board_id == board.id, m.Action.ref >= f"{prefix}-", m.Action.ref < f"{prefix}.")
        .order_by(func.length(m.Action.ref).desc(), m.Action.ref.desc())
        .limit(written(1))
    )
    return session.scalar(stmt)


def boards_with_ref(session: Session, boards: list[m.Board], ref: Ref) -> list[tuple[m.Board, str]]:
    """Which of these boards have an action with this reference (a typed prefix is needed)."""
    if ref.prefix is None or not boards:
        return []
    by_id = {b.id: b for b in boards}
    stmt = (
        select(m.Action.board_id, m.Action.ref)
        .where(m.Action.board_id.in_(by_id), m.Action.ref.in_(ref.forms([])))
        .order_by(m.Action.board_id)
        .limit(written(10))
    )
    return [(by_id[board_id], found) for board_id, found in session.execute(stmt)]


# Built once: a statement built afresh costs about 0.4 ms to build and run. People come back as
# the session's objects (bot.db.loaded).
_PEOPLE = select(*loaded_columns(m.Person)).where(m.Person.workspace_id == bindparam("workspace"))
_PERSON_BY_SLACK_ID = _PEOPLE.where(m.Person.slack_user_id == bindparam("user_id")).limit(written(1))
_PERSON_BY_KEY = _PEOPLE.where(m.Person.key == bindparam("key")).limit(written(1))
_PERSON_BY_ID = select(*loaded_columns(m.Person)).where(m.Person.id == bindparam("person_id"))
_LEADS_LIKE = (
    _PEOPLE.where(
        or_(func.lower(m.Person.name).like(bindparam("like")), m.Person.key.like(bindparam("like"))),
        or_(
            m.Person.id.in_(
                select(m.Action.lead_id).where(
                    m.Action.board_id == bindparam("board_id"), m.Action.lead_id.is_not(None)
                )
            ),
            m.Person.id.in_(
                select(m.Membership.person_id).where(m.Membership.board_id == bindparam("board_id"))
            ),
        ),
    )
    .order_by(m.Person.name)
    .limit(written(MAX_CANDIDATES))
)


def secretary_of(session: Session, board: m.Board) -> m.Person | None:
    """The board's secretary, if one is recorded (read as `board.secretary` would lazily, but by a
    statement built once)."""
    if board.secretary_id is None:
        return None
    found = loaded(session, m.Person, _PERSON_BY_ID, {"person_id": board.secretary_id})
    return found[0] if found else None


def person_with_slack_id(session: Session, board: m.Board, user_id: str) -> m.Person | None:
    found = loaded(
        session, m.Person, _PERSON_BY_SLACK_ID, {"workspace": board.workspace_id, "user_id": user_id}
    )
    return found[0] if found else None


def leads_named(session: Session, board: m.Board, phrase: str) -> list[m.Person]:
    """People who lead actions on the board (or sit on it) whose name or key fits the phrase.

    Exact matches win ("josh-rendall", "Councillor Josh Rendall", "josh rendall"); otherwise every
    word must start a word of the name or key ("josh", "j rendall").
    """
    key = phrase.strip().lstrip("@").lower()
    wanted = normalise(key)
    if len(wanted.replace(" ", "")) < 2:
        return []
    by_key = loaded(session, m.Person, _PERSON_BY_KEY, {"workspace": board.workspace_id, "key": key})
    if by_key:
        return by_key
    # SQL narrows to people on this board whose name holds the longest word; Python then matches
    # (IN, not a correlated EXISTS: one scan of the board, not one of every namesake's actions)
    words = [w for w in wanted.split() if w not in HONORIFICS] or wanted.split()  # "Cllr Josh"
    like = f"%{max(words, key=len)}%"  # normalised: letters and digits only, no wildcards
    params = {"workspace": board.workspace_id, "board_id": board.id, "like": like}
    people = loaded(session, m.Person, _LEADS_LIKE, params)
    exact = [p for p in people if wanted in _full_names(p)]
    if exact:
        return exact
    return [p for p in people if all(any(t.startswith(w) for t in _name_words(p)) for w in words)]


def _full_names(person: m.Person) -> set[str]:
    name = normalise(person.name)
    bare = " ".join(w for w in name.split() if w not in HONORIFICS)
    return {name, bare, normalise(person.key)}


def _name_words(person: m.Person) -> set[str]:
    return (set(normalise(person.name).split()) - HONORIFICS) | set(normalise(person.key).split())


def example_ref(session: Session, board: m.Board) -> str:
    """A reference that exists on the board, for examples (an index lookup, built once: building
    and running a statement afresh cost an empty list 0.3 ms)."""
    found = plain_rows(session, _FIRST_REF, {"board_id": board.id})
    return (found[0].ref if found else None) or "A-12"
