"""A question turned into what to search for: its meaningful words, each with its synonyms.

"What did we decide about the BCF?" searches for `bcf` or "better care fund"; "better care fund"
searches for each of its words, each also found by `bcf`. A passage scores one for each of the
question's words it has (itself or a synonym), so the passages that answer more of the question
come first, whatever the engine's rank says.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from bot.search.synonyms import SYNONYMS

WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MAX_WORDS = 12  # a question's words searched; more is a paragraph, not a question

# English stop words and the words of asking ("what did we decide about …"): never searched for.
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not
    now of off on once only or other our ours out over own same she should so some such than that the
    their theirs them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours us let lets many much
    anything everything something tell show find search look looking know say said says
    decide decided decision decisions resolve resolved agree agreed discuss discussed happen happened
    board boards meeting meetings latest last recent recently please thanks hi hello boardbot
    """.split()
)


@dataclass
class Word:
    """One meaningful word of the question and what else finds it."""

    word: str
    also: list[str] = field(default_factory=list)  # synonyms: an abbreviation, or its long form (a phrase)

    @property
    def terms(self) -> list[str]:
        return [self.word, *self.also]


@dataclass
class Question:
    text: str  # as asked
    words: list[Word]
    synonyms: list[tuple[str, str]]  # (as asked, what it also searched for), for the reply

    @property
    def terms(self) -> list[str]:
        """Every word and phrase searched, once each."""
        return list(dict.fromkeys(t for w in self.words for t in w.terms))


def tokens(text: str) -> list[str]:
    return WORD_RE.findall(text.lower().replace("’", "'").replace("&", " and "))


def question(text: str) -> Question:
    """The question's meaningful words (stop words dropped, unless nothing else is left) with their
    synonyms, in the order asked."""
    all_tokens = [t.removesuffix("'s") for t in tokens(text)]
    kept = [t for t in all_tokens if t not in STOP_WORDS and len(t) > 1] or [
        t for t in all_tokens if len(t) > 1
    ]
    kept = list(dict.fromkeys(kept))[:MAX_WORDS]
    words = [Word(t) for t in kept]
    synonyms: list[tuple[str, str]] = []
    phrase_text = " ".join(all_tokens)
    for word in words:
        for long in SYNONYMS.get(word.word, ()):
            word.also.append(long)
            synonyms.append((word.word.upper(), long))
    for short, longs in SYNONYMS.items():
        for long in longs:
            said = " ".join(t.removesuffix("'s") for t in tokens(long))
            if f" {said} " in f" {phrase_text} " and short not in kept:
                for word in words:
                    if word.word in said.split():
                        word.also.append(short)
                synonyms.append((long, short.upper()))
                break
    return Question(text=text, words=words, synonyms=list(dict.fromkeys(synonyms)))


def as_watched(words: str) -> str:
    """The words as typed, but for the stop words and marks around them ("what about the BCF?": BCF),
    unless one belongs to a phrase with a synonym ("children looked after" is LAC). The stop words
    inside stay, as they make phrases ("looked after children" is LAC, "looked children" not)."""
    kept = words.split()
    phrases = question(words).synonyms

    def idle(word: str, rest: list[str]) -> bool:
        """A stop word (or a mark) that no phrase of the question needs."""
        return all(t in STOP_WORDS for t in tokens(word)) and question(" ".join(rest)).synonyms == phrases

    while kept and idle(kept[0], kept[1:]):
        kept.pop(0)
    while kept and idle(kept[-1], kept[:-1]):
        kept.pop()
    return " ".join(kept).strip(string.punctuation + "“”‘’")
