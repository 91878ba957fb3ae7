"""Search the index with the database's own full-text search, ranked by how much of the question
each passage answers.

A passage matches when it has any of the question's words (or a synonym: bot.search.words); of the
engine's best CANDIDATES by its own rank (FTS5's bm25, PostgreSQL's ts_rank), those with the most of
the question's words come first, then by that rank, then newest first. A watch looks at every match. Terms reach the engines only as quoted words and phrases of letters and digits,
so no operator or quote a member types can change the query: FTS5 gets `"a" OR "b c"`, PostgreSQL
`websearch_to_tsquery`, which accepts any text.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, column, false, func, literal_column, or_, select, table
from sqlalchemy.orm import Session

from bot import models as m
from bot.search.words import Question, question

FTS = table("search_fts", column("rowid"))  # SQLite's FTS5 index over search_entries (migration 0021)
FTS_TABLE: ColumnElement[Any] = literal_column("search_fts")
ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")  # as migration 0021 makes `vector`
RANK_NORMALISATION = 1  # ts_rank divides by 1 + log(length): a long page does not win by length alone
TITLE_WEIGHT = 4.0  # bm25: a word in the title counts as much as four in the body
LIMIT = 8
CANDIDATES = 400  # the engine's best, among which words are counted: a bound on a common word's cost


@dataclass(frozen=True)
class Hit:
    entry: m.SearchEntry
    words: int  # how many of the question's words it has
    of: int  # how many words the question has


@dataclass
class Results:
    question: Question
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # passages matched, of which `hits` are the first
    more: bool = False  # `total` is the candidates ranked: more matched than that


def phrase(term: str) -> str:
    return '"' + term.replace('"', " ") + '"'


def any_of(terms: list[str]) -> str:
    """`"a" OR "b c"`: FTS5's query syntax, which websearch_to_tsquery also reads."""
    return " OR ".join(phrase(t) for t in terms)


def search(
    session: Session,
    workspace_id: int,
    text: str,
    *,
    board_ids: Collection[int] | None = None,
    restricted_board_ids: Collection[int] = (),
    after_entry_id: int = 0,
    every_word: bool = False,
    limit: int | None = LIMIT,
) -> Results:
    """The passages of the workspace (of `board_ids` only, if given) matching the question, best first.

    Restricted passages only of `restricted_board_ids` (the asker's boards, when they may see them);
    `after_entry_id` keeps to passages added since (a watch's mark); `every_word` to those with all
    the question's words (each itself or a synonym).
    """
    asked = question(text)
    results = Results(asked)
    if not asked.words:
        return results
    where = [
        m.SearchEntry.workspace_id == workspace_id,
        or_(
            m.SearchEntry.restricted.is_(False),
            m.SearchEntry.board_id.in_(list(restricted_board_ids)) if restricted_board_ids else false(),
        ),
    ]
    if board_ids is not None:
        where.append(m.SearchEntry.board_id.in_(list(board_ids)))
    if after_entry_id:
        where.append(m.SearchEntry.id > after_entry_id)
    cap = None if limit is None else CANDIDATES
    if session.get_bind().dialect.name == "sqlite":
        stmt = _sqlite(asked, where, every_word, cap)
    else:
        stmt = _postgresql(asked, where, every_word, cap)
    for entry, words, total in session.execute(stmt.limit(limit)):
        results.hits.append(Hit(entry, int(words), len(asked.words)))
        results.total = total
    results.more = cap is not None and results.total >= cap
    return results


def _order(words: ColumnElement, rank: ColumnElement) -> list[ColumnElement]:
    return [words.desc(), rank, m.SearchEntry.dated.desc().nulls_last(), m.SearchEntry.id.desc()]


def _sqlite(asked: Question, where: list, every_word: bool, cap: int | None) -> Select:
    def matching(terms: list[str]) -> ColumnElement[bool]:
        return FTS_TABLE.op("MATCH")(any_of(terms))

    words: ColumnElement[int] = sum(
        (
            case((m.SearchEntry.id.in_(select(FTS.c.rowid).where(matching(w.terms))), 1), else_=0)
            for w in asked.words
        ),
        start=literal_column("0"),
    )
    bm25 = func.bm25(FTS_TABLE, TITLE_WEIGHT, 1.0)  # lower is better
    matched = (
        select(FTS.c.rowid.label("id"), bm25.label("rank"))
        .join(m.SearchEntry, m.SearchEntry.id == FTS.c.rowid)
        .where(matching(asked.terms), *where)
        .order_by(bm25)
        .limit(cap)
        .cte("matched")
        .prefix_with("MATERIALIZED")  # bm25 is only to be had in the full-text query itself
    )
    return (
        select(m.SearchEntry, words, func.count().over())
        .join(matched, matched.c.id == m.SearchEntry.id)
        .where(*([words == len(asked.words)] if every_word else []))
        .order_by(*_order(words, matched.c.rank))
    )


def _postgresql(asked: Question, where: list, every_word: bool, cap: int | None) -> Select:
    def query(terms: list[str]) -> ColumnElement:
        return func.websearch_to_tsquery(ENGLISH, any_of(terms))

    wanted = query(asked.terms)
    vector = m.SearchEntry.vector
    rank = func.ts_rank(vector, wanted, RANK_NORMALISATION)
    matched = (
        select(m.SearchEntry.id, rank.label("rank"))
        .where(vector.op("@@")(wanted), *where)
        .order_by(rank.desc())
        .limit(cap)
        .cte("matched")
    )
    words: ColumnElement[int] = sum(
        (case((vector.op("@@")(query(w.terms)), 1), else_=0) for w in asked.words),
        start=literal_column("0"),
    )
    return (
        select(m.SearchEntry, words, func.count().over())
        .join(matched, matched.c.id == m.SearchEntry.id)
        .where(*([words == len(asked.words)] if every_word else []))
        .order_by(*_order(words, matched.c.rank.desc()))
    )
