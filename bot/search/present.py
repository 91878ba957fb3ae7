"""A search result as a member reads it: what it is, where it was said, and an excerpt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.render import Mrkdwn
from bot.search.excerpt import excerpt
from bot.search.query import Hit

KIND_LABELS = {
    "agenda": "Agenda item",
    "action": "Action",
    "kpi": "KPI",
    "page": "Document",
    "decision": "Decision",
}


@dataclass(frozen=True)
class Shown:
    """One result for search.json.j2 and reminder_watch.json.j2 (_search_hit.json.j2)."""

    number: int
    kind: str
    title: str
    board: m.Board
    meeting: m.Meeting | None
    page: str | None
    url: str | None
    excerpt: Mrkdwn
    words: int
    of: int
    restricted: bool
    follow_up: str | None  # a command that shows more: `/actions FPS-12`


def shown(
    session: Session, entry: m.SearchEntry, terms: list[str], number: int = 1, words: int = 0, of: int = 0
) -> Shown:
    board = session.get(m.Board, entry.board_id)
    assert board is not None  # entries are made from a board's rows and go with them
    follow_up = None
    if entry.action_id and (action := session.get(m.Action, entry.action_id)):
        follow_up = f"/actions {action.ref}"
    elif entry.kpi_id and (kpi := session.get(m.Kpi, entry.kpi_id)):
        follow_up = f"/kpi {board.key} {kpi.key}"
    elif entry.kind == "decision":
        follow_up = f"/boardbot decisions {board.key}"
    return Shown(
        number=number,
        kind=KIND_LABELS.get(entry.kind, entry.kind),
        title=" ".join(entry.title.split()),  # one line: a title's line breaks would split its bold
        board=board,
        meeting=session.get(m.Meeting, entry.meeting_id) if entry.meeting_id else None,
        page=entry.page,
        url=entry.url,
        excerpt=excerpt(entry.body or entry.title, terms),
        words=words or of,
        of=of,
        restricted=entry.restricted,
        follow_up=follow_up,
    )


def shown_all(session: Session, hits: Sequence[Hit], terms: list[str]) -> list[Shown]:
    """Each hit as shown, numbered from 1, with the rows they name read in one query a kind, not one
    a result (`shown` then finds them in the session: Session.get reads its identity map first)."""
    entries = [h.entry for h in hits]
    named = (
        (m.Board, {e.board_id for e in entries}),
        (m.Meeting, {e.meeting_id for e in entries if e.meeting_id}),
        (m.Action, {e.action_id for e in entries if e.action_id}),
        (m.Kpi, {e.kpi_id for e in entries if e.kpi_id}),
    )
    held = [  # the identity map holds rows weakly: these are kept until the results are made
        session.scalars(select(model).where(model.id.in_(ids))).all() for model, ids in named if ids
    ]
    found = [shown(session, h.entry, terms, i, h.words, h.of) for i, h in enumerate(hits, 1)]
    del held
    return found
