"""Keep `search_entries` in step with the data, and rebuild it (`boardbot reindex`).

Kept by the writing code, in the ORM rather than database triggers: every writer (the loader,
importers, action updates, forms) writes through a Session, so one pair of Session events covers
them all, and an indexer can read a document's text from its file, which a trigger cannot.
`after_flush` notes which rows of the indexed models changed; `before_commit` re-indexes their
passages in the same transaction, so the index never shows a state the data never had.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import event, exists, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from bot import models as m
from bot.search.sources import SOURCES, Source

log = logging.getLogger(__name__)
REINDEX_BATCH = 2000
PENDING = "search_pending"  # session.info key: {model: (changed ids, added ids)}
WATCHED = {model for source in SOURCES for model in (*source.touched_by, *source.touched_by_new)}


def refresh(
    session: Session, source: Source, ids: Sequence[int] | None, *, fresh: bool = False
) -> tuple[int, int, int]:
    """Index the source's rows `ids` (None: all) as they are now: (added, changed, removed) entries.

    `fresh`: the source has no entries yet, so none is looked for.
    """
    made = {p.key: p for p in source.passages(session, ids)}
    existing = select(m.SearchEntry).where(m.SearchEntry.kind == source.kind)
    if ids is not None:
        existing = existing.where(m.SearchEntry.source_id.in_(list(ids)))
    added = changed = removed = 0
    for entry in [] if fresh else session.scalars(existing):
        passage = made.pop(entry.key, None)
        if passage is None:
            session.delete(entry)
            removed += 1
            continue
        differs = False
        for name, value in passage.columns().items():
            if getattr(entry, name) != value:
                setattr(entry, name, value)
                differs = True
        changed += differs
    session.flush()
    if made:
        # RETURNING makes SQLAlchemy send rows in batches of one multi-row INSERT each ("insertmanyvalues"):
        # FTS5 writes its index once a statement, so a row at a time would be ten times slower
        session.execute(
            insert(m.SearchEntry).returning(m.SearchEntry.id),
            [p.columns() for p in made.values()],
            execution_options={"render_nulls": True},
        )
    added = len(made)
    return added, changed, removed


def reindex(session: Session, batch: int = REINDEX_BATCH) -> dict[str, tuple[int, int, int]]:
    """Rebuild every source's entries, its rows a batch at a time: what each added, changed, removed."""
    counts = {}
    for source in SOURCES:
        totals = [0, 0, 0]
        ids = list(session.scalars(select(source.model.id).order_by(source.model.id)))  # type: ignore[attr-defined]
        # a first build has no entries to look up: looking, batch by batch, slowed PostgreSQL most
        fresh = (
            session.scalar(select(m.SearchEntry.id).where(m.SearchEntry.kind == source.kind).limit(1)) is None
        )
        for start in range(0, len(ids), batch):
            for i, n in enumerate(refresh(session, source, ids[start : start + batch], fresh=fresh)):
                totals[i] += n
        orphans = select(m.SearchEntry).where(
            m.SearchEntry.kind == source.kind,
            # NOT EXISTS, an anti-join: PostgreSQL runs NOT IN (a large subquery) as a loop over it
            ~exists().where(source.model.id == m.SearchEntry.source_id),  # type: ignore[attr-defined]
        )
        for entry in session.scalars(orphans):
            session.delete(entry)
            totals[2] += 1
        session.flush()
        counts[source.kind] = (totals[0], totals[1], totals[2])
    return counts


def newest_entry_id(session: Session) -> int:
    return session.scalar(select(func.max(m.SearchEntry.id))) or 0


def track(sessions: sessionmaker[Session]) -> None:
    """Keep the index in step with what these sessions write (bot.db.make_sessions calls it)."""
    event.listen(sessions, "after_flush", _note_changes)
    event.listen(sessions, "before_commit", _index_changes)


def _note_changes(session: Session, _context) -> None:
    pending = session.info.setdefault(PENDING, defaultdict(lambda: (set(), set())))
    for obj in (*session.new, *session.dirty, *session.deleted):
        model = type(obj)
        if model in WATCHED:
            changed, added = pending[model]
            changed.add(obj.id)  # every indexed model's key is `id`, set by now even on new rows
            if obj in session.new:
                added.add(obj.id)


def _index_changes(session: Session) -> None:
    session.flush()
    while pending := session.info.pop(PENDING, None):
        for source in SOURCES:
            ids: set[int] = set()
            for touches, which in ((source.touched_by, 0), (source.touched_by_new, 1)):
                for model, touched in touches.items():
                    found = pending.get(model, (set(), set()))[which]
                    if found:
                        ids.update(touched(session, sorted(found)))
            if ids:
                refresh(session, source, sorted(ids))
