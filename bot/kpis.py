"""KPIs as board members ask about them: headlines, a forgiving search, histories with their sources.

Matching runs in Python over the board's own KPIs (names, aliases, themes and keys: a few hundred rows
at most). Values are read per KPI through ix_kpi_values_kpi_period_end_id, newest first and bounded, so a
KPI with years of history costs no more than one with a single figure.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import Select, Text, bindparam, cast, select, true, union_all
from sqlalchemy.orm import Session, aliased

from bot import models as m
from bot.db import plain_rows, written
from bot.held import Held

MAX_QUERY_WORDS = 8  # more is junk or a sentence: the first few say what is wanted
SPELLING_TRIES = 3  # unknown words looked up for a likely spelling
RECENT_DATED = 24  # newest dated values read per KPI
RECENT_UNDATED = 6  # values without a period_end read per KPI
HISTORY_DATED = 5  # dated values shown per area in a KPI's history
HISTORY_UNDATED = 2
HEADLINE_AREAS = 4
HISTORY_AREAS = 4  # real boards report two boroughs and the partnership; more is a long read
NOTE_CHARS = 110
NAME_CHARS = 80  # typed text longer than this is not compared with whole KPI names
LABEL_CHARS = 60
STOP_WORDS = frozenset(
    "a an the and or of for in on to at by with is are was our we us me my show tell what whats how "
    "about doing kpi kpis indicator indicators please".split()
)
EXAMPLES = ("reoffending", "first time entrants", "LAC")  # the first that finds a KPI is offered
ARROWS = {"up": "↑", "down": "↓", "same": "→"}
RAG_LABELS = {
    m.Rag.RED: ":red_circle: red",
    m.Rag.AMBER: ":large_orange_circle: amber",
    m.Rag.GREEN: ":large_green_circle: green",
}
BETTER_LABELS = {
    m.Better.HIGHER: "higher is better",
    m.Better.LOWER: "lower is better",
    m.Better.NEITHER: "neither higher nor lower is better",
}
STRONG = 3  # a word in the name or an alias counts three times one in the key or theme
EXACT, PREFIX, INSIDE = 3, 2, 1


# --- numbers ------------------------------------------------------------------------------------


def amount(value: float) -> str:
    """A number as people write it: 1,559 · 37.5 · 0.23 · -0.2 (at most three decimals)."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) < 0.001:
        return f"{value:g}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def measure(value: float, unit: str | None) -> str:
    """A value with its unit: 40% · 44 · £1,034,455 · 196 per 100,000 aged 10-17."""
    unit = (unit or "").strip()
    if unit in ("", "count", "number"):
        return amount(value)
    if unit.startswith("%"):
        return f"{amount(value)}{unit}"  # 40% · 21% change
    if unit == "£":
        return f"-£{amount(-value)}" if value < 0 else f"£{amount(value)}"
    return f"{amount(value)} {unit}"


def brief(value: float, unit: str | None) -> str:
    """A comparator's value: the unit only where it is a sign (%, £), so lines stay short."""
    unit = (unit or "").strip()
    if unit.startswith("%"):
        return f"{amount(value)}%"
    if unit == "£":
        return measure(value, unit)
    return amount(value)


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- matching -----------------------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    """Lower-case words, '&' as 'and', apostrophes dropped, hyphenated words joined: re-offending."""
    text = re.sub(r"['’]", "", text.lower().replace("&", " and "))
    return ["".join(group.split("-")) for group in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text)]


def compact(text: str) -> str:
    """Letters and digits only: "First-time entrants" and "first time entrants" compare equal."""
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("&", "and"))


def stem(word: str) -> str:
    """A light stem: entrants ~ entrant, reoffending ~ reoffenders, offences ~ offence."""
    for suffix in ("ings", "ing", "ers", "er", "ies", "es", "ed", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def tokens_of(text: str) -> list[str]:
    """Words, with hyphenated ones also joined and neighbours also paired: "first time" ~ "first-time"."""
    raw = re.sub(r"['’]", "", text.lower().replace("&", " and "))
    groups = [group.split("-") for group in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", raw)]
    plain = [part for parts in groups for part in parts]
    joined = ["".join(parts) for parts in groups if len(parts) > 1]
    return plain + joined + [a + b for a, b in zip(plain, plain[1:], strict=False)]


@dataclass(frozen=True)
class Terms:
    """A KPI as the matcher sees it: its names and aliases (strong), its key and theme (weak)."""

    strong_tokens: str  # " looked after children lac … ": spaced, so " lac " is a whole word
    strong_stems: str
    strong_compact: str  # "lookedafterchildren|lac|…": hyphen- and space-blind, fields kept apart
    weak_tokens: str
    weak_stems: str
    weak_compact: str
    phrases: frozenset[str]  # compact name, aliases and key: typing one exactly is the best match
    named: tuple[str, ...]  # compact name and aliases, for a phrase found inside one
    word_sets: frozenset[frozenset[str]]  # stemmed words of each, for the same words in another order
    vocabulary: frozenset[str]  # words of the name and aliases, for spelling suggestions
    everything: str  # the six spaced and compact strings in one: a word in none of them can't match


@lru_cache(maxsize=8192)
def terms_of(key: str, name: str, theme: str | None, aliases: tuple[str, ...]) -> Terms:
    """Cached on the texts themselves, so a KPI renamed in the database is simply a new entry."""
    bare = re.sub(r"\([^)]*\)", " ", name).strip()  # "Looked After Children (children in care)"
    strong = list(dict.fromkeys([name, bare, *aliases]))
    weak = [key.replace("-", " "), theme or ""]
    strong_tokens = [t for text in strong for t in tokens_of(text)]
    weak_tokens = [t for text in weak for t in tokens_of(text)]
    searched = {
        "strong_tokens": f" {' '.join(strong_tokens)} ",
        "strong_stems": f" {' '.join(stem(t) for t in strong_tokens)} ",
        "strong_compact": "|".join(compact(t) for t in strong),
        "weak_tokens": f" {' '.join(weak_tokens)} ",
        "weak_stems": f" {' '.join(stem(t) for t in weak_tokens)} ",
        "weak_compact": "|".join(compact(t) for t in weak),
    }
    return Terms(
        **searched,
        everything="|".join(searched.values()),
        phrases=frozenset(compact(t) for t in [*strong, key]),
        named=tuple(compact(t) for t in strong),
        word_sets=frozenset(
            frozenset(stem(w) for w in words_of(t) if w not in STOP_WORDS) for t in [*strong, key]
        ),
        vocabulary=frozenset(w for t in (name, *aliases) for w in words_of(t) if len(w) > 2),
    )


@dataclass(slots=True, eq=False)
class KpiInfo:
    id: int
    key: str
    name: str
    unit: str | None
    better: str | None
    theme: str | None
    aliases: tuple[str, ...]
    description: str | None = None

    @property
    def unit_label(self) -> str:
        return self.unit or "not recorded"

    @property
    def better_label(self) -> str:
        return BETTER_LABELS.get(self.better, "which way is better: not recorded")

    @property
    def short_name(self) -> str:
        return clip(self.name, 200)

    @property
    def summary(self) -> str | None:
        return clip(self.description, 300) if self.description else None

    @property
    def example(self) -> str:
        """Words that find this KPI: its shortest alias, else its key."""
        return min(self.aliases, key=len) if self.aliases else self.key

    @property
    def terms(self) -> Terms:
        return terms_of(self.key, self.name, self.theme, self.aliases)


@dataclass(frozen=True)
class Query:
    text: str  # as typed, for the reply
    words: tuple[str, ...]  # without stop words, at most MAX_QUERY_WORDS
    cut: bool = False  # more words were typed than were read

    @classmethod
    def parse(cls, text: str) -> Query:
        unique = tuple(dict.fromkeys(w for w in words_of(text) if w not in STOP_WORDS))
        return cls(text, unique[:MAX_QUERY_WORDS], len(unique) > MAX_QUERY_WORDS)

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def phrase(self) -> str:
        return compact(self.text)

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem(w) for w in self.words)


@dataclass(frozen=True)
class Match:
    kpi: KpiInfo
    score: int
    matched: int  # how many of the query's words it matched


@dataclass(frozen=True)
class Probe:
    """One query word, with the patterns that find it in a Terms' spaced strings worked out once."""

    word: str
    whole: str  # " entrants "
    whole_stem: str  # " entrant "
    start: str | None  # " entrants": the start of a word; None for short words ("LAC", "FTE")
    start_stem: str | None
    inside: str | None  # "offending" inside "reoffending": long words only

    @classmethod
    def of(cls, word: str) -> Probe:
        root = stem(word)
        long = len(word) >= 4
        return cls(
            word,
            f" {word} ",
            f" {root} ",
            f" {word}" if long else None,
            f" {root}" if long else None,
            word if len(word) >= 5 else None,
        )

    def may_match(self, terms: Terms) -> bool:
        """False when no test in `strength` can succeed: each looks for the word or its stem
        inside one of the strings `everything` joins."""
        return self.word in terms.everything or self.whole_stem.strip() in terms.everything

    def strength(self, tokens: str, stems: str, compacted: str) -> int:
        if self.whole_stem in stems or self.whole in tokens:
            return EXACT
        if self.start is not None and (self.start in tokens or self.start_stem in stems):
            return PREFIX
        if self.inside is not None and self.inside in compacted:
            return INSIDE
        return 0


def score(kpi: KpiInfo, probes: Sequence[Probe], word_set: frozenset[str], phrase: str) -> Match:
    t = kpi.terms
    total, matched = 0, 0
    for probe in probes:
        best = STRONG * probe.strength(t.strong_tokens, t.strong_stems, t.strong_compact)
        if best < STRONG * EXACT:
            best = max(best, probe.strength(t.weak_tokens, t.weak_stems, t.weak_compact))
        total += best
        matched += best > 0
    if phrase in t.phrases:
        total += 100  # the whole text is the KPI's name, an alias or its key: "LAC", "FTE"
    elif word_set in t.word_sets:
        total += 60  # the same words in another order or form: "children looked after"
    elif len(phrase) >= 5 and any(phrase in named for named in t.named):
        total += 20
    return Match(kpi, total, matched)


def rank(kpis: Iterable[KpiInfo], query: Query) -> tuple[list[Match], bool]:
    """KPIs matching every word, best first; else those matching at least half. True when all."""
    if not query:
        return [], True
    probes = [Probe.of(word) for word in query.words]
    word_set, phrase = frozenset(query.stems), query.phrase
    # a KPI none of whose words can match is never listed (below, every listed KPI matched at least
    # one word): only the others are scored, a tenth of a board's KPIs for a typical search
    scored = [score(k, probes, word_set, phrase) for k in kpis if any(p.may_match(k.terms) for p in probes)]
    need = len(query.words)

    def order(mt: Match) -> tuple:
        return (-mt.score, len(mt.kpi.name), mt.kpi.name.lower(), mt.kpi.key)

    full = sorted((mt for mt in scored if mt.matched == need), key=order)
    if full or need == 1:
        return full, True
    half = math.ceil(need / 2)
    partial = [mt for mt in scored if mt.matched >= half]
    return sorted(partial, key=lambda mt: (-mt.matched, *order(mt))), False


def suggestions(kpis: Sequence[KpiInfo], query: Query, limit: int = 3) -> list[KpiInfo]:
    """KPIs the asker may have meant: misspelt words corrected, or names and aliases that look alike."""
    vocabulary = frozenset().union(*(k.terms.vocabulary for k in kpis))
    unknown = [w for w in query.words if w not in vocabulary][:SPELLING_TRIES]
    corrections = {}
    for word in unknown:
        # a slip rarely changes the first letter or the length much: this keeps difflib's list short
        near = sorted(v for v in vocabulary if v[0] == word[0] and abs(len(v) - len(word)) <= 2)
        close = difflib.get_close_matches(word, near, n=1, cutoff=0.75)
        if close:
            corrections[word] = close[0]
    found: list[KpiInfo] = []
    if corrections:
        corrected = tuple(corrections.get(w, w) for w in query.words)
        found = [mt.kpi for mt in rank(kpis, Query(" ".join(corrected), corrected))[0]]
    if len(query.text) <= NAME_CHARS:  # a longer text is no misspelt KPI name
        names: dict[str, KpiInfo] = {}
        for kpi in kpis:
            for label in (kpi.name, *kpi.aliases):
                names.setdefault(label.lower(), kpi)
        for label in difflib.get_close_matches(query.text.lower(), list(names), n=limit, cutoff=0.6):
            found.append(names[label])
    return list(dict.fromkeys(found))[:limit]


def working_example(kpis: Sequence[KpiInfo]) -> str | None:
    """Words that find a KPI on this board, for the reply to a search that found none."""
    for words in EXAMPLES:
        if rank(kpis, Query.parse(words))[0]:
            return words
    return min(kpis, key=lambda k: k.key).example if kpis else None


# --- queries ------------------------------------------------------------------------------------
# Statements are built once and run with bound values: building one costs more than running it.

KPI_NAMING = (
    m.Kpi.id,
    m.Kpi.key,
    m.Kpi.name,
    m.Kpi.unit,
    m.Kpi.better,
    m.Kpi.theme,
)  # KpiInfo's first fields
HEADLINE_COLUMNS = (  # what a headline shows and needs for its trend and its sources' agreement
    m.KpiValue.id,
    m.KpiValue.kpi_id,
    m.KpiValue.area,
    m.KpiValue.period,
    m.KpiValue.period_end,
    m.KpiValue.value,
    m.KpiValue.rag,
    m.KpiValue.london,
    m.KpiValue.england,
    m.KpiValue.statistical_neighbours,
    m.KpiValue.previous,
    m.KpiValue.previous_period,
    m.KpiValue.source_document_id,
)
VALUE_COLUMNS = (  # a history shows these too
    *HEADLINE_COLUMNS,
    m.KpiValue.target,
    m.KpiValue.note,
    m.KpiValue.source_line,
    m.KpiValue.source_page,
)


def _aliases(stored) -> tuple[str, ...]:
    return tuple(a for a in stored if isinstance(a, str) and a.strip()) if stored else ()


@lru_cache(maxsize=8192)
def _info(row: tuple) -> KpiInfo:
    """A KPI as read for matching: cached on the columns themselves (aliases as stored text), so a
    board's KPIs are decoded once, not on every search, and a KPI changed in the database is simply
    a new entry. KpiInfo is never changed once made."""
    kpi_id, key, name, unit, better, theme, stored, description = row  # unpacked: cheaper than by name
    aliases = _aliases(json.loads(stored)) if stored else ()
    return KpiInfo(kpi_id, key, name, unit, better, theme, aliases, description)


# A board's KPIs as /kpi needs them. Aliases are read as stored, decoded by _info.
_BOARD_KPIS = select(*KPI_NAMING, cast(m.Kpi.aliases, Text), m.Kpi.description).where(
    m.Kpi.board_id == bindparam("board_id")
)


@dataclass(frozen=True)
class BoardKpis:
    """Every KPI of a board in the headlines' order (by theme, themeless last, then name, as a
    reader orders them), and each theme in that order with how many KPIs it has."""

    kpis: tuple[KpiInfo, ...]
    themes: tuple[tuple[str | None, int], ...]


_HELD = Held()


def board_kpis(session: Session, board: m.Board) -> BoardKpis:
    """The board's KPIs (names, aliases, themes, keys and descriptions: what matching and the
    headlines need, no values), held while the board's `kpis_version` stays the same (bot/held.py):
    a /kpi reads no KPI until one changes. Reading the demo board's hundred KPIs and sorting them
    cost more than the rest of the headlines' reads together."""
    held = _HELD.get(session, (board.id,), board.kpis_version)
    if held is not None:
        return held
    rows = plain_rows(session, _BOARD_KPIS, {"board_id": board.id})
    kpis = in_reading_order([_info(tuple(row)) for row in rows])
    found = BoardKpis(kpis, tuple(Counter(k.theme for k in kpis).items()))
    _HELD.keep(session, (board.id,), board.kpis_version, found)
    return found


def in_reading_order(kpis: Iterable[KpiInfo]) -> tuple[KpiInfo, ...]:
    """By theme (themeless last), then name, as a reader orders them; ties by id."""
    return tuple(
        sorted(
            kpis, key=lambda k: (k.theme is None, reading_order(k.theme or ""), reading_order(k.name), k.id)
        )
    )


def reading_order(text: str) -> str:
    """Alphabetical as a reader expects: case and accents aside (éducation beside education)."""
    if text.isascii():  # nearly every name, and a hundred times cheaper
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(slots=True)
class Value:
    """A KPI value as read: the columns of HEADLINE_COLUMNS, then the rest of VALUE_COLUMNS, in order."""

    id: int
    kpi_id: int
    area: str
    period: str
    period_end: date | None
    value: float
    rag: str | None
    london: float | None
    england: float | None
    statistical_neighbours: float | None
    previous: float | None
    previous_period: str | None
    source_document_id: int | None
    target: float | None = None  # not read for headlines, which do not show them
    note: str | None = None
    source_line: int | None = None
    source_page: int | None = None
    source_title: str | None = None  # of the source document: read with a history's values
    source_url: str | None = None


def newest_first(row: Value) -> tuple:
    dated = row.period_end is not None
    return (not dated, -(row.period_end.toordinal() if dated else 0), -row.id if dated else row.id)


def area_order(area: str) -> tuple[str, str]:
    """Areas are shown alphabetically, whatever their case and accents."""
    return reading_order(area), area


def recent_values(session: Session, kpi_ids: Sequence[int], *, full: bool = True) -> dict[int, list[Value]]:
    """Each KPI's newest dated values, then its undated ones: one query, bounded per KPI. Every
    column and the source document's title and URL for a history; `full=False` reads only what a
    headline shows (HEADLINE_COLUMNS)."""
    if not kpi_ids:
        return {}
    postgresql = session.get_bind().dialect.name == "postgresql"
    stmt = (_recent_values_lateral if postgresql else _recent_values_union)(len(kpi_ids), full)
    params = {f"k{i}": k for i, k in enumerate(kpi_ids)}
    found: dict[int, list[Value]] = {kpi_id: [] for kpi_id in kpi_ids}
    values = [Value(*row) for row in plain_rows(session, stmt, params)]
    for value in sorted(values, key=newest_first):
        found[value.kpi_id].append(value)
    return found


def _undated_order(v) -> tuple:
    """Undated values by id, said as (period end, id): every period end here is null, so it is the
    same order, and PostgreSQL then reads it from the (KPI, period end, id) index unsorted."""
    return v.period_end, v.id


@lru_cache(maxsize=64)
def _recent_values_union(count: int, full: bool) -> Select:
    """SQLite's form: for `count` KPIs (k0, k1 …), each one's newest dated values, then its first
    undated ones, each a bounded read through ix_kpi_values_kpi_period_end_id; the reads select ids
    and the columns are read once outside them (PostgreSQL's form is below). Built once per shape:
    building sixteen subqueries costs more than running them.
    """
    v = aliased(m.KpiValue, name="v")
    parts = []
    for i in range(count):
        of_kpi = select(v.id).where(v.kpi_id == bindparam(f"k{i}"))
        dated = (
            of_kpi.where(v.period_end.is_not(None))
            .order_by(v.period_end.desc(), v.id.desc())
            .limit(written(RECENT_DATED))
        )
        undated = (
            of_kpi.where(v.period_end.is_(None)).order_by(*_undated_order(v)).limit(written(RECENT_UNDATED))
        )
        parts += [dated.subquery(), undated.subquery()]
    # the KPIs again outside: with few rows PostgreSQL may read the ids against all of kpi_values
    of_kpis = m.KpiValue.kpi_id.in_([bindparam(f"k{i}") for i in range(count)])
    read = m.KpiValue.id.in_(union_all(*(select(part.c.id) for part in parts)))
    if not full:
        return select(*HEADLINE_COLUMNS).where(of_kpis, read)
    return (
        select(*VALUE_COLUMNS, m.Document.title, m.Document.url)
        .outerjoin(m.Document, m.Document.id == m.KpiValue.source_document_id)
        .where(of_kpis, read)
    )


@lru_cache(maxsize=64)
def _recent_values_lateral(count: int, full: bool) -> Select:
    """PostgreSQL's form of the same reads: for each of `count` KPIs (k0, k1 …), a LATERAL union
    of its newest dated and first undated values. Each value is read once: the union of ids above
    reads every value twice (an index entry, then the row by id), which costs PostgreSQL 0.3 ms
    more on a page of headlines. SQLite has no LATERAL. The ids are one parameter each, not an
    array: with an array PostgreSQL cannot know how many, prices a generic plan above the custom
    one and so plans the statement afresh on every run (0.25 ms); with `count` parameters it keeps
    one plan."""
    v = aliased(m.KpiValue, name="v")
    kpis = select(m.Kpi.id).where(m.Kpi.id.in_([bindparam(f"k{i}") for i in range(count)])).subquery("k")
    columns = [getattr(v, column.key) for column in (VALUE_COLUMNS if full else HEADLINE_COLUMNS)]
    of_kpi = select(*columns).where(v.kpi_id == kpis.c.id)
    dated = (
        of_kpi.where(v.period_end.is_not(None))
        .order_by(v.period_end.desc(), v.id.desc())
        .limit(written(RECENT_DATED))
    )
    undated = of_kpi.where(v.period_end.is_(None)).order_by(*_undated_order(v)).limit(written(RECENT_UNDATED))
    recent = union_all(dated, undated).lateral("recent")
    if not full:
        return select(*recent.c).select_from(kpis).join(recent, true())
    return (
        select(*recent.c, m.Document.title, m.Document.url)
        .select_from(kpis)
        .join(recent, true())
        .outerjoin(m.Document, m.Document.id == recent.c.source_document_id)
    )


# --- what is shown ------------------------------------------------------------------------------


@dataclass
class Trend:
    """Direction of travel against the previous value of the same area."""

    label: str  # "↓ improving", "↑ up", "→ unchanged"
    before: str  # the value compared with, e.g. "42.4%"
    before_period: str | None


@dataclass
class Figure:
    """One value as a reader sees it."""

    area: str
    period: str
    period_end: date | None
    value: str  # with its unit: "37.5%"
    comparators: list[str]  # "London 33.1%", "England 31.1%", "previous 42.4% (previous cohort)"
    target: str | None
    rag: str | None
    note: str | None
    document_id: int | None
    where: str | None  # "line 1828", "page 4"
    differs: bool = False  # another document gives another value for this area and period
    source_number: int | None = None  # set when the KPI's figures cite more than one document

    @property
    def cite(self) -> str:
        """Where the figure comes from: "line 1828", "source 2, page 4"; the titles are listed apart."""
        parts = [f"source {self.source_number}"] if self.source_number else []
        parts += [self.where] if self.where else []
        if not parts and self.document_id is None:
            return "source not recorded"
        return ", ".join(parts)


@dataclass
class AreaLatest:
    figure: Figure
    trend: Trend | None


@dataclass
class Headline:
    kpi: KpiInfo
    areas: list[AreaLatest]
    more_areas: bool


@dataclass
class Source:
    number: int | None
    title: str
    url: str | None


@dataclass
class AreaHistory:
    area: str
    figures: list[Figure]  # oldest first, undated last
    trend: Trend | None


@dataclass
class Detail:
    kpi: KpiInfo
    areas: list[AreaHistory]
    more_areas: bool  # values for other areas were read but not shown
    older: bool  # older values exist than those shown (a count would read the KPI's whole history)
    sources: list[Source] = field(default_factory=list)


def same_period(a: Value, b: Value) -> bool:
    if a.period_end is not None or b.period_end is not None:
        return a.period_end == b.period_end
    return a.period.strip().lower() == b.period.strip().lower()


def disagreeing(row: Value, rows: Sequence[Value]) -> bool:
    return any(
        other.id != row.id
        and other.source_document_id != row.source_document_id
        and same_period(other, row)
        and not math.isclose(other.value, row.value)
        for other in rows
    )


def trend(latest: Value, earlier: Sequence[Value], kpi: KpiInfo) -> Trend | None:
    """Against the value's own `previous`, else the same area's value for the preceding period."""
    if latest.previous is not None:
        before, before_period = latest.previous, latest.previous_period
    else:
        if latest.period_end is None:
            return None
        preceding = next((r for r in earlier if r.period_end and r.period_end < latest.period_end), None)
        if preceding is None:
            return None
        before, before_period = preceding.value, preceding.period
    if math.isclose(latest.value, before):
        label = f"{ARROWS['same']} unchanged"
    else:
        up = latest.value > before
        if kpi.better in (m.Better.HIGHER, m.Better.LOWER):
            good = up == (kpi.better == m.Better.HIGHER)
            word = "improving" if good else "worsening"
        else:
            word = "up" if up else "down"
        label = f"{ARROWS['up' if up else 'down']} {word}"
    return Trend(label, brief(before, kpi.unit), clip(before_period, LABEL_CHARS) if before_period else None)


def figure(row: Value, kpi: KpiInfo, rows: Sequence[Value], *, comparators: str = "all") -> Figure:
    """A value with its comparators: all of them, or the first of London, England, neighbours."""
    found = [
        (label, value)
        for label, value in (
            ("London", row.london),
            ("England", row.england),
            ("statistical neighbours", row.statistical_neighbours),
        )
        if value is not None
    ]
    if comparators == "one":
        found = found[:1]
    shown = [f"{label} {brief(value, kpi.unit)}" for label, value in found]
    if comparators == "all" and row.previous is not None:
        when = f" ({clip(row.previous_period, LABEL_CHARS)})" if row.previous_period else ""
        shown.append(f"previous {brief(row.previous, kpi.unit)}{when}")
    where = None
    if row.source_line is not None:
        where = f"line {row.source_line}"
    elif row.source_page is not None:
        where = f"page {row.source_page}"
    return Figure(
        area=row.area,
        period=clip(row.period, LABEL_CHARS),
        period_end=row.period_end,
        value=measure(row.value, kpi.unit),
        comparators=shown,
        target=measure(row.target, kpi.unit) if row.target is not None else None,
        rag=RAG_LABELS.get(row.rag),
        note=clip(row.note, NOTE_CHARS) if row.note else None,
        document_id=row.source_document_id,
        where=where,
        differs=disagreeing(row, rows),
    )


def by_area(rows: Sequence[Value]) -> dict[str, list[Value]]:
    """Values grouped by area (areas in alphabetical order), each newest first as given."""
    grouped: dict[str, list[Value]] = {}
    for row in rows:
        grouped.setdefault(row.area, []).append(row)
    return dict(sorted(grouped.items(), key=lambda item: area_order(item[0])))


def headlines(session: Session, kpis: Sequence[KpiInfo]) -> list[Headline]:
    """Each KPI's latest value in its first areas, with its direction of travel and one comparator."""
    values = recent_values(session, [k.id for k in kpis], full=False)
    shown = []
    for kpi in kpis:
        grouped = list(by_area(values[kpi.id]).values())
        areas = [
            AreaLatest(figure(rows[0], kpi, rows, comparators="one"), trend(rows[0], rows, kpi))
            for rows in grouped[:HEADLINE_AREAS]  # only the areas shown are worked out
        ]
        shown.append(Headline(kpi, areas, len(grouped) > HEADLINE_AREAS))
    return shown


def details(session: Session, kpis: Sequence[KpiInfo]) -> list[Detail]:
    """Each KPI's recent history per area, in time order, with comparators and sources."""
    values = recent_values(session, [k.id for k in kpis])
    docs = {r.source_document_id: r for rows in values.values() for r in rows if r.source_document_id}
    shown = []
    for kpi in kpis:
        grouped = list(by_area(values[kpi.id]).items())
        areas, older = [], sum(r.period_end is not None for r in values[kpi.id]) == RECENT_DATED
        for area, rows in grouped[:HISTORY_AREAS]:
            dated = [r for r in rows if r.period_end is not None][:HISTORY_DATED]
            undated = [r for r in rows if r.period_end is None][:HISTORY_UNDATED]
            figures = [figure(r, kpi, rows) for r in [*reversed(dated), *undated]]
            areas.append(AreaHistory(area, figures, trend(rows[0], rows, kpi)))
            older = older or len(figures) < len(rows)
        detail = Detail(kpi, areas, more_areas=len(grouped) > HISTORY_AREAS, older=older)
        detail.sources = number_sources(detail, docs)
        shown.append(detail)
    return shown


def number_sources(detail: Detail, docs: dict[int, Value]) -> list[Source]:
    """The documents a KPI's figures cite; numbered (and each figure told its number) when several."""
    order: list[int | None] = []
    for area in detail.areas:
        for fig in area.figures:
            if fig.document_id not in order:
                order.append(fig.document_id)
    numbered = len(order) > 1
    for area in detail.areas:
        for fig in area.figures:
            fig.source_number = order.index(fig.document_id) + 1 if numbered else None
    sources = []
    for position, doc_id in enumerate(order, start=1):
        doc = docs.get(doc_id) if doc_id is not None else None  # a value citing the document
        title = clip(doc.source_title, 200) if doc else "source not recorded"
        sources.append(Source(position if numbered else None, title, doc.source_url if doc else None))
    return sources
