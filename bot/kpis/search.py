"""Finding the KPIs a board member's words name: forgiving of case, hyphens, plurals and word order.

Matching runs in Python over the board's own KPIs (names, aliases, themes and keys: a few hundred at
most), ranked so that the KPI the words name exactly comes first.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.kpis.info import KpiInfo

MAX_QUERY_WORDS = 8  # more is junk or a sentence: the first few say what is wanted
SPELLING_TRIES = 3  # unknown words looked up for a likely spelling
NAME_CHARS = 80  # typed text longer than this is not compared with whole KPI names
QUERY_FILLER_WORDS = frozenset(  # words of a question that name no KPI: "show me the LAC kpis please"
    "a an the and or of for in on to at by with is are was our we us me my show tell what whats how "
    "about doing kpi kpis indicator indicators please".split()
)
EXAMPLES = ("reoffending", "first time entrants", "LAC")  # the first that finds a KPI is offered
STRONG = 3  # a word in the name or an alias counts three times one in the key or theme
EXACT, PREFIX, INSIDE = 3, 2, 1


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


def terms_of(kpi: KpiInfo) -> Terms:
    """The KPI's words as the matcher compares them."""
    return _terms(kpi.key, kpi.name, kpi.theme, kpi.aliases)


@lru_cache(maxsize=8192)
def _terms(key: str, name: str, theme: str | None, aliases: tuple[str, ...]) -> Terms:
    """Memoised on the texts themselves, as every search matches all of a board's KPIs: a KPI
    renamed in the database is simply a new entry."""
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
            frozenset(stem(w) for w in words_of(t) if w not in QUERY_FILLER_WORDS) for t in [*strong, key]
        ),
        vocabulary=frozenset(w for t in (name, *aliases) for w in words_of(t) if len(w) > 2),
    )


@dataclass(frozen=True)
class Query:
    text: str  # as typed, for the reply
    words: tuple[str, ...]  # without filler words, at most MAX_QUERY_WORDS
    cut: bool = False  # more words were typed than were read

    @classmethod
    def parse(cls, text: str) -> Query:
        unique = tuple(dict.fromkeys(w for w in words_of(text) if w not in QUERY_FILLER_WORDS))
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
        if self.start and self.start_stem and (self.start in tokens or self.start_stem in stems):
            return PREFIX
        if self.inside is not None and self.inside in compacted:
            return INSIDE
        return 0


def score(kpi: KpiInfo, probes: Sequence[Probe], word_set: frozenset[str], phrase: str) -> Match:
    t = terms_of(kpi)
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
    scored = [
        score(k, probes, word_set, phrase) for k in kpis if any(p.may_match(terms_of(k)) for p in probes)
    ]
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
    vocabulary = frozenset().union(*(terms_of(k).vocabulary for k in kpis))
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
