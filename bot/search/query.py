"""Search the index with the database's own full-text search, ranked by how much of the question
each passage answers.

A passage matches when it has any of the question's words (or a synonym: bot.search.words). Those
with the most of the question's words come first, then by the engine's rank (FTS5's bm25,
PostgreSQL's ts_rank), then newest first. Ranking every match costs time in proportion to the
matches (tens of thousands for a common word), so when more match the engines rank only CANDIDATES
of them, found without ranking (FTS5: the newest in the index; PostgreSQL: the first its GIN index
finds): of the passages with every word (the best answers) while there are enough of them, then
of those with any. A watch ranks every match. Terms reach the engines only as quoted words and phrases of letters and digits, so no
operator or quote a member types can change the query: FTS5 gets `"a" OR "b c"`, PostgreSQL
`websearch_to_tsquery`, which accepts any text.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    column,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from bot import models as m
from bot.search.words import Question, question

FTS = table("search_fts", column("rowid"))  # SQLite's FTS5 index over search_entries (migrations 0021, 0022)
FTS_TABLE: ColumnElement[Any] = literal_column("search_fts")
ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")  # as migration 0021 makes `vector`
RANK_NORMALISATION = 1  # ts_rank divides by 1 + log(length): a long page does not win by length alone
TITLE_WEIGHT = 4.0  # bm25: a word in the title counts as much as four in the body
FTS_BOARDS = 20  # a search of this many boards or fewer finds their passages first (the engines say how)
LIMIT = 8
CANDIDATES = 400  # matches ranked: a bound on a common word's cost


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


def every_one(asked: Question) -> str:
    """`("a" OR "b c") AND "d"`: each word of the question, itself or a synonym (FTS5's syntax)."""
    return " AND ".join(f"({any_of(w.terms)})" for w in asked.words)


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
    the question's words (each itself or a synonym); `limit` None ranks every match.
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
    every_word = every_word or len(asked.words) == 1  # the same, without counting words
    engine = (
        Sqlite(asked, board_ids, after_entry_id)
        if session.get_bind().dialect.name == "sqlite"
        else Postgresql(asked, board_ids)
    )
    if limit is None:
        rows = list(session.execute(engine.ranked(where, every_word=every_word, cap=None)))
        results.total = len(rows)
    else:
        found = engine.matches(where, every_word=every_word).limit(CANDIDATES + 1).subquery()
        results.total = session.scalar(select(func.count()).select_from(found)) or 0
        results.more = results.total > CANDIDATES
        results.total = min(results.total, CANDIDATES)
        # too many to rank them all: the passages with every word first, any word if too few have
        first_every = every_word or (results.more and len(asked.words) > 1)
        rows = list(
            session.execute(engine.ranked(where, every_word=first_every, cap=CANDIDATES).limit(limit))
        )
        if len(rows) < min(limit, CANDIDATES) and first_every and not every_word:
            # all the passages with every word are in `rows`; then those with fewer, among the newest
            having_all = {entry.id for entry, _ in rows}
            fewer = session.execute(
                engine.ranked(where, every_word=False, cap=CANDIDATES).limit(limit + len(rows))
            )
            rows += [row for row in fewer if row[0].id not in having_all][: limit - len(rows)]
    results.hits = [Hit(entry, int(words), len(asked.words)) for entry, words in rows]
    return results


def _order(words: ColumnElement | None, rank: ColumnElement) -> list[ColumnElement]:
    """Most words first (None: all have every word), then by rank, then newest first."""
    then = [rank, m.SearchEntry.dated.desc().nulls_last(), m.SearchEntry.id.desc()]
    return then if words is None else [words.desc(), *then]


class Sqlite:
    """FTS5: `search_fts MATCH` with bm25, its rows in `search_entries`' id order.

    The question's words are matched in title and body only; a search of a few boards also matches
    `board_id` inside FTS5 (migration 0022), so it never visits the rest of the workspace's matches.
    A watch's mark is a rowid range FTS5 seeks to.
    """

    def __init__(
        self, asked: Question, board_ids: Collection[int] | None = None, after_entry_id: int = 0
    ) -> None:
        self.asked = asked
        self.after = after_entry_id
        few = sorted(board_ids) if board_ids is not None and len(board_ids) <= FTS_BOARDS else []
        self.boards = f"board_id : ({' OR '.join(phrase(str(b)) for b in few)}) AND " if few else ""

    def match(self, words: str) -> ColumnElement[bool]:
        return FTS_TABLE.op("MATCH")(f"{self.boards}{{title body}} : ({words})")

    def wanted(self, every_word: bool) -> ColumnElement[bool]:
        return self.match(every_one(self.asked) if every_word else any_of(self.asked.terms))

    def matches(self, where: list, *, every_word: bool, columns: tuple = (FTS.c.rowid,)) -> Select:
        """The matches' ids (or `columns`), newest first, found by FTS5 without ranking them.

        FTS5 is read first, then each match's entry: the join cannot look FTS5 up by rowid (`+ 0`),
        else, with a watch's mark, SQLite loops over the newer passages asking FTS5 about each.
        """
        return (
            select(*columns)
            .join(m.SearchEntry, m.SearchEntry.id == FTS.c.rowid + 0)
            .where(self.wanted(every_word), FTS.c.rowid > self.after, *where)
            .order_by(FTS.c.rowid.desc())
        )

    def ranked(self, where: list, *, every_word: bool, cap: int | None) -> Select:
        """The newest `cap` matches (all, if None), ranked; with every word, only those having all."""
        bm25 = func.bm25(FTS_TABLE, TITLE_WEIGHT, 1.0, 0.0)  # lower is better; the board counts for nothing
        matched = (
            self.matches(where, every_word=every_word, columns=(FTS.c.rowid.label("id"), bm25.label("rank")))
            .limit(cap)  # FTS5's own order: the newest `cap` without ranking the rest
            .cte("matched")
            .prefix_with("MATERIALIZED")  # bm25 is only to be had in the full-text query itself
        )
        oldest = select(func.min(matched.c.id)).scalar_subquery()
        words: ColumnElement[int] = literal(len(self.asked.words))  # a parameter: ORDER BY 1 is a position
        if not every_word:
            words = sum(
                (
                    case(
                        (
                            m.SearchEntry.id.in_(
                                select(FTS.c.rowid).where(self.match(any_of(w.terms)), FTS.c.rowid >= oldest)
                            ),  # each word's matches among the candidates' ids only
                            1,
                        ),
                        else_=0,
                    )
                    for w in self.asked.words
                ),
                start=literal_column("0"),
            )
        return (
            select(m.SearchEntry, words)
            .join(matched, matched.c.id == m.SearchEntry.id)
            .order_by(*_order(None if every_word else words, matched.c.rank))
        )


class Postgresql:
    """The stored, GIN-indexed `vector` matched with websearch_to_tsquery and ranked with ts_rank.

    A search of a few boards reads their passages by the board index first and matches each (a
    MATERIALIZED CTE, which the planner keeps as written): PostgreSQL underestimates how many
    passages have several common words, and otherwise has the GIN index find every match in the
    workspace to keep the board's (bench: 13 ms against 2.5).
    """

    def __init__(self, asked: Question, board_ids: Collection[int] | None = None) -> None:
        self.asked = asked
        self.few = board_ids is not None and len(board_ids) <= FTS_BOARDS

    def query(self, text: str) -> ColumnElement:
        """The text's tsquery. Matched without the GIN index (a few boards), it is made once, in a
        subquery: in a plan psycopg has prepared the function is called again for each passage. With
        the index, the planner needs it as it is, to estimate how many match."""
        tsquery = func.websearch_to_tsquery(ENGLISH, text)
        return select(tsquery).scalar_subquery() if self.few else tsquery

    def wanted(self, every_word: bool) -> ColumnElement:
        if not every_word:
            return self.query(any_of(self.asked.terms))
        queries = [self.query(any_of(w.terms)) for w in self.asked.words]
        both = queries[0]
        for other in queries[1:]:
            both = both.op("&&")(other)
        return both

    def matches(self, where: list, *, every_word: bool, ranked: bool = False) -> Select:
        """The matches' ids (and rank), in the order the index finds them, without ranking them all."""
        id_: Any = m.SearchEntry.id
        vector: Any = m.SearchEntry.vector
        if self.few:
            passages = select(id_, vector).where(*where).cte("scoped").prefix_with("MATERIALIZED")
            id_, vector, where = passages.c.id, passages.c.vector, []
        wanted = self.wanted(every_word)
        rank = func.ts_rank(vector, wanted, RANK_NORMALISATION).label("rank")
        return select(id_, *([rank] if ranked else [])).where(vector.op("@@")(wanted), *where)

    def ranked(self, where: list, *, every_word: bool, cap: int | None) -> Select:
        """The newest `cap` matches (all, if None), ranked; with every word, only those having all."""
        vector = m.SearchEntry.vector
        # the first `cap` the index finds, in table order: choosing the newest would visit every match
        # in the table, and a backward scan of the primary key reads all when they are old
        matched = self.matches(where, every_word=every_word, ranked=True).limit(cap).cte("matched")
        words: ColumnElement[int] = literal(len(self.asked.words))  # a parameter: ORDER BY 1 is a position
        if not every_word:
            words = sum(
                (case((vector.op("@@")(self.query(any_of(w.terms))), 1), else_=0) for w in self.asked.words),
                start=literal_column("0"),
            )
        return (
            select(m.SearchEntry, words)
            .join(matched, matched.c.id == m.SearchEntry.id)
            .order_by(*_order(None if every_word else words, matched.c.rank.desc()))
        )
