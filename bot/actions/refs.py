"""Action references as typed (`A-12`, `fps3`, `#12`) and the actions, or the near misses, they name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from bot import models as m

REF_RE = re.compile(r"^#?([A-Za-z]{1,12})-?(\d{1,9})$")
NUMBER_RE = re.compile(r"^#?(\d{1,9})$")


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


def find_actions(session: Session, board: m.Board, ref: Ref) -> list[m.Action]:
    """The board's actions a reference names: one, or several for `#12` on a board with two
    prefixes; each with the lead, meeting, agenda item and document its page shows."""
    forms = ref.forms([] if ref.prefix else board_prefixes(session, board))
    if not forms:
        return []
    stmt = (
        select(m.Action)
        .where(m.Action.board_id == board.id, m.Action.ref.in_(forms))
        .options(
            joinedload(m.Action.lead),
            joinedload(m.Action.meeting),
            joinedload(m.Action.agenda_item),
            joinedload(m.Action.source_document),
        )
        .order_by(*m.ref_order(m.Action.ref))
    )
    return list(session.scalars(stmt))


def _first_ref(session: Session, board: m.Board, *, last: bool = False) -> str | None:
    """The board's first (or last) reference in text order: an index lookup."""
    order = m.Action.ref.desc() if last else m.Action.ref
    return session.scalar(select(m.Action.ref).where(m.Action.board_id == board.id).order_by(order).limit(1))


def board_prefixes(session: Session, board: m.Board) -> list[str]:
    """The reference prefixes the board uses, from its first and last refs."""
    refs = {_first_ref(session, board), _first_ref(session, board, last=True)}
    return sorted({ref.split("-", 1)[0] for ref in refs if ref and "-" in ref})


def example_ref(session: Session, board: m.Board) -> str:
    """A reference that exists on the board, for examples."""
    return _first_ref(session, board) or "A-12"


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
        .limit(1)
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
        .limit(10)
    )
    return [(by_id[board_id], found) for board_id, found in session.execute(stmt)]


def boards_using_prefix(session: Session, boards: list[m.Board], prefix: str) -> list[m.Board]:
    """Which of these boards have an action under the prefix, however its case (`fps-47`)."""
    spellings = {prefix, prefix.upper(), prefix.lower()}
    under = [(m.Action.ref >= f"{p}-") & (m.Action.ref < f"{p}.") for p in spellings]  # "." follows "-"
    by_id = {b.id: b for b in boards}
    stmt = select(m.Action.board_id).where(m.Action.board_id.in_(by_id), or_(*under)).distinct()
    return sorted((by_id[board_id] for board_id in session.scalars(stmt)), key=lambda b: b.name)
