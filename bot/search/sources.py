"""What is searched: one indexer function per kind of passage, and one registry row each (SOURCES).

An indexer takes a session and some ids of its own rows (None: all of them) and returns the passages
they make now; bot.search.index puts those in `search_entries` and removes what they no longer make.
A row's `touched_by` says which models' changes touch which of its rows, so a load, an import or an
action update (anything written through the ORM) re-indexes what it changed (bot/search/index.py).

To add a source: write `x_passages(session, ids)` returning Passages of its kind and add a row
`Source("x", m.X, x_passages, {m.X: same})`, as the decisions minuted at meetings are.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import CompoundSelect, select, union
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.search import pages

log = logging.getLogger(__name__)
_TOP = Path(__file__).resolve().parents[2]  # a source checkout's root; site-packages when installed
CHECKOUT = _TOP if (_TOP / "pyproject.toml").is_file() else None
IN_CHUNKS = 500  # ids in one IN (…)


@dataclass(frozen=True)
class Passage:
    """One entry of the index as its source makes it (the columns of m.SearchEntry but its id)."""

    key: str
    kind: str
    source_id: int
    workspace_id: int
    board_id: int
    title: str
    body: str
    meeting_id: int | None = None
    agenda_item_id: int | None = None
    action_id: int | None = None
    kpi_id: int | None = None
    document_id: int | None = None
    page: str | None = None
    url: str | None = None
    restricted: bool = False
    dated: date | None = None

    def columns(self) -> dict[str, Any]:
        return dict(self.__dict__)


Indexer = Callable[[Session, Sequence[int] | None], list[Passage]]
Touches = Callable[[Session, list[int]], Iterable[int]]


@dataclass(frozen=True)
class Source:
    kind: str
    model: type  # whose ids `passages` takes (a rebuild walks them in batches)
    passages: Indexer
    touched_by: dict[type, Touches]  # a changed model's ids -> this source's ids to index again
    touched_by_new: dict[type, Touches] = field(default_factory=dict)  # the same, for added rows only


def same(session: Session, ids: list[int]) -> list[int]:
    return ids


def chunks(ids: Sequence[int] | None) -> Iterable[Sequence[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), IN_CHUNKS):
        yield ids[start : start + IN_CHUNKS]


def lines(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


# --- Agenda items ---------------------------------------------------------------------------------


def agenda_passages(session: Session, ids: Sequence[int] | None) -> list[Passage]:
    """An agenda item: its number and title, purpose and outcome, with its meeting's day and papers."""
    found = []
    for part in chunks(ids):
        stmt = select(m.AgendaItem).options(joinedload(m.AgendaItem.meeting).joinedload(m.Meeting.board))
        if part is not None:
            stmt = stmt.where(m.AgendaItem.id.in_(part))
        for item in session.scalars(stmt):
            meeting = item.meeting
            found.append(
                Passage(
                    key=f"agenda:{item.id}",
                    kind="agenda",
                    source_id=item.id,
                    workspace_id=meeting.board.workspace_id,
                    board_id=meeting.board_id,
                    meeting_id=meeting.id,
                    agenda_item_id=item.id,
                    title=f"Item {item.number} {item.title}",
                    body=lines(item.purpose, item.outcome, item.presenter, item.report_author),
                    page=item.pages.replace(" ", "") if item.pages else None,
                    url=meeting.papers_url,
                    restricted=item.restricted,
                    dated=meeting.meets_on,
                )
            )
    return found


def items_of_meetings(session: Session, ids: list[int]) -> Iterable[int]:
    return session.scalars(select(m.AgendaItem.id).where(m.AgendaItem.meeting_id.in_(ids)))


# --- Actions and their history ---------------------------------------------------------------------


def action_passages(session: Session, ids: Sequence[int] | None) -> list[Passage]:
    """An action: its reference, what it asks and of whom, its progress and its updates' notes."""
    found = []
    for part in chunks(ids):
        stmt = select(m.Action).options(
            joinedload(m.Action.board), joinedload(m.Action.meeting), joinedload(m.Action.agenda_item)
        )
        history = select(m.ActionUpdate.action_id, m.ActionUpdate.note, m.ActionUpdate.at).where(
            m.ActionUpdate.note.is_not(None)
        )
        if part is not None:
            stmt = stmt.where(m.Action.id.in_(part))
            history = history.where(m.ActionUpdate.action_id.in_(part))
        notes: dict[int, list[str | None]] = defaultdict(list)
        last: dict[int, date] = {}
        for action_id, note, at in session.execute(history.order_by(m.ActionUpdate.seq)):
            notes[action_id].append(note)
            last[action_id] = max(at.date(), last.get(action_id, at.date()))
        for action in session.scalars(stmt):
            meeting, item = action.meeting, action.agenda_item
            met = meeting.meets_on if meeting else None
            found.append(
                Passage(
                    key=f"action:{action.id}",
                    kind="action",
                    source_id=action.id,
                    workspace_id=action.board.workspace_id,
                    board_id=action.board_id,
                    meeting_id=action.meeting_id,
                    agenda_item_id=action.agenda_item_id,
                    action_id=action.id,
                    title=f"{action.ref} {action.description}",
                    body=lines(action.progress, action.lead_text, action.timescale, *notes[action.id]),
                    page=str(action.source_page) if action.source_page else None,
                    url=meeting.papers_url if meeting else None,
                    restricted=bool(item and item.restricted),
                    dated=max((d for d in (met, last.get(action.id)) if d), default=None),
                )
            )
    return found


def actions_of_updates(session: Session, ids: list[int]) -> Iterable[int]:
    return session.scalars(select(m.ActionUpdate.action_id).where(m.ActionUpdate.id.in_(ids)).distinct())


# --- KPIs -----------------------------------------------------------------------------------------


def kpi_passages(session: Session, ids: Sequence[int] | None) -> list[Passage]:
    """A KPI: its name, other names, theme and description, dated by its latest period."""
    found = []
    for part in chunks(ids):
        stmt = select(m.Kpi).options(joinedload(m.Kpi.board))
        if part is not None:
            stmt = stmt.where(m.Kpi.id.in_(part))
        kpis = list(session.scalars(stmt))
        latest = dict(
            session.execute(
                select(m.KpiValue.kpi_id, m.KpiValue.period_end)
                .where(m.KpiValue.kpi_id.in_([k.id for k in kpis]), m.KpiValue.period_end.is_not(None))
                .order_by(m.KpiValue.kpi_id, m.KpiValue.period_end)
            ).all()
        )
        for kpi in kpis:
            found.append(
                Passage(
                    key=f"kpi:{kpi.id}",
                    kind="kpi",
                    source_id=kpi.id,
                    workspace_id=kpi.board.workspace_id,
                    board_id=kpi.board_id,
                    kpi_id=kpi.id,
                    title=kpi.name,
                    body=lines(", ".join(kpi.aliases or []), kpi.theme, kpi.description, kpi.unit),
                    page=str(kpi.source_page) if kpi.source_page else None,
                    dated=latest.get(kpi.id),
                )
            )
    return found


def kpis_of_values(session: Session, ids: list[int]) -> Iterable[int]:
    return session.scalars(select(m.KpiValue.kpi_id).where(m.KpiValue.id.in_(ids)).distinct())


# --- Documents, page by page ----------------------------------------------------------------------


def citing_boards(document_ids: Sequence[int] | None) -> CompoundSelect:
    """(document id, board id) for each board whose data cites the document."""
    cited = [
        select(m.Meeting.source_document_id, m.Meeting.board_id),
        select(m.AgendaItem.source_document_id, m.Meeting.board_id).join(m.AgendaItem.meeting),
        select(m.Action.source_document_id, m.Action.board_id),
        select(m.Kpi.source_document_id, m.Kpi.board_id),
        select(m.KpiValue.source_document_id, m.Kpi.board_id).join(m.KpiValue.kpi),
    ]
    if document_ids is not None:
        cited = [s.where(s.selected_columns[0].in_(document_ids)) for s in cited]
    return union(*cited)


def document_places(file: str) -> list[Path]:
    """Where a document's `file:` may be, in the order looked: as written when absolute; else under the
    working directory (where `boardbot load` runs, which the data's paths are relative to), then, when
    BoardBot runs from a source checkout, under it (so the demo's texts are found whatever the directory)."""
    path = Path(file)
    if path.is_absolute():
        return [path]
    return list(dict.fromkeys([Path.cwd() / path, *([CHECKOUT / path] if CHECKOUT else [])]))


def document_path(file: str) -> Path | None:
    """The first of `document_places` that is a file, or None."""
    return next((place for place in document_places(file) if place.is_file()), None)


def document_text(document: m.Document) -> str | None:
    """The document's text, from its file (see `document_places`); None, with a warning, when unread."""
    if not document.file:
        return None
    path = document_path(document.file)
    if path is None:
        log.warning(
            "document %s not indexed: no file %s at %s. Run boardbot from the folder the data's `file:` "
            "paths are relative to, or give the document's `file:` as an absolute path",
            document.key,
            document.file,
            " or ".join(str(place) for place in document_places(document.file)),
        )
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:  # unreadable, or not text (an imported pack's PDF)
        log.warning("document %s not indexed: %s: %s", document.key, path, error)
        return None


def page_passages(session: Session, ids: Sequence[int] | None) -> list[Passage]:
    """Each page of a document (or stretch of it, where its page is not known), once for every board
    whose data cites the document."""
    boards: dict[int, set[int]] = defaultdict(set)
    for document_id, board_id in session.execute(citing_boards(ids)):
        if document_id is not None:
            boards[document_id].add(board_id)
    found = []
    for document in session.scalars(select(m.Document).where(m.Document.id.in_(list(boards)))):
        text = document_text(document)
        if text is None:
            continue
        for passage in pages.passages(text):
            for board_id in sorted(boards[document.id]):
                found.append(
                    Passage(
                        key=f"page:{document.id}:{board_id}:{passage.first_line}",
                        kind="page",
                        source_id=document.id,
                        workspace_id=document.workspace_id,
                        board_id=board_id,
                        document_id=document.id,
                        title=document.title,
                        body=passage.text,
                        page=str(passage.page) if passage.page else None,
                        url=document.url,
                        dated=document.published_on,
                    )
                )
    return found


# --- Decisions (resolutions) -----------------------------------------------------------------------


def decision_passages(session: Session, ids: Sequence[int] | None) -> list[Passage]:
    """A decision: the resolution's text under its item's number and title, dated by its meeting."""
    found = []
    for part in chunks(ids):
        stmt = select(m.Decision).options(
            joinedload(m.Decision.meeting).joinedload(m.Meeting.board), joinedload(m.Decision.agenda_item)
        )
        if part is not None:
            stmt = stmt.where(m.Decision.id.in_(part))
        for decision in session.scalars(stmt):
            meeting, item = decision.meeting, decision.agenda_item
            found.append(
                Passage(
                    key=f"decision:{decision.id}",
                    kind="decision",
                    source_id=decision.id,
                    workspace_id=meeting.board.workspace_id,
                    board_id=meeting.board_id,
                    meeting_id=meeting.id,
                    agenda_item_id=item.id,
                    title=f"Item {item.number} {item.title}",
                    body=decision.text,
                    url=meeting.papers_url,
                    restricted=item.restricted,
                    dated=meeting.meets_on,
                )
            )
    return found


def decisions_of_items(session: Session, ids: list[int]) -> Iterable[int]:
    return session.scalars(select(m.Decision.id).where(m.Decision.agenda_item_id.in_(ids)))


def documents_cited(model: type) -> Touches:
    def touched(session: Session, ids: list[int]) -> Iterable[int]:
        column = model.source_document_id  # type: ignore[attr-defined]
        return session.scalars(select(column).where(model.id.in_(ids), column.is_not(None)).distinct())  # type: ignore[attr-defined]

    return touched


SOURCES: list[Source] = [
    Source("agenda", m.AgendaItem, agenda_passages, {m.AgendaItem: same, m.Meeting: items_of_meetings}),
    Source("action", m.Action, action_passages, {m.Action: same, m.ActionUpdate: actions_of_updates}),
    Source("kpi", m.Kpi, kpi_passages, {m.Kpi: same, m.KpiValue: kpis_of_values}),
    Source("decision", m.Decision, decision_passages, {m.Decision: same, m.AgendaItem: decisions_of_items}),
    # a document's pages are indexed for the boards that cite it: again when a row first cites it
    Source(
        "page",
        m.Document,
        page_passages,
        {m.Document: same},
        {model: documents_cited(model) for model in (m.Meeting, m.AgendaItem, m.Action, m.Kpi, m.KpiValue)},
    ),
]
