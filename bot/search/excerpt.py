"""A short excerpt of a passage around what matched, the matched words in bold, escaped for Slack.

The engines stem words (decided, decision → decid); this only has to find them again in the text to
show them, so a text word counts when it starts with the searched word's first letters (all of a
short word; all but the last two of a longer one) and adds at most SUFFIX letters: "funding" for
"fund", "decided" for "decide".
"""

from __future__ import annotations

import re

from bot.render import Mrkdwn, slack_escape
from bot.search.words import STOP_WORDS, tokens

MARKUP_RE = re.compile(r"</?[a-zA-Z][^<>]{0,80}>|\\[a-z]+|\$\\?,?\$")  # HTML tags, LaTeX left by extraction
TEXT_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
EXCERPT_CHARS = 260
SHORT = 5  # words this long or shorter are kept whole as stems
SUFFIX = 4  # letters a text word may add to a stem


def stems(terms: list[str]) -> list[str]:
    found = set()
    for term in terms:
        for word in tokens(term):
            if word not in STOP_WORDS:
                found.add(word if len(word) <= SHORT else word[: max(SHORT, len(word) - 2)])
    return sorted(found, key=len, reverse=True)


def matches(word: str, found: list[str]) -> bool:
    lowered = word.lower()
    return any(lowered.startswith(s) and len(lowered) - len(s) <= SUFFIX for s in found)


def excerpt(text: str, terms: list[str], limit: int = EXCERPT_CHARS) -> Mrkdwn:
    """Up to `limit` characters of `text` around its densest run of matched words, those in bold."""
    flat = " ".join(MARKUP_RE.sub(" ", text).split())
    found = stems(terms)
    spots = [(w.start(), w.end()) for w in TEXT_WORD_RE.finditer(flat) if matches(w.group(), found)]
    start = 0
    if spots and len(flat) > limit:
        best = max(range(len(spots)), key=lambda i: sum(1 for s in spots[i:] if s[1] - spots[i][0] <= limit))
        start = max(0, spots[best][0] - limit // 5)
        while start > 0 and not flat[start - 1].isspace():
            start -= 1  # back to the start of a word
    end = min(len(flat), start + limit)
    while end < len(flat) and not flat[end].isspace() and end - start < limit + 20:
        end += 1
    shown = [(a - start, b - start) for a, b in spots if a >= start and b <= end]
    piece = flat[start:end]
    out, at = [], 0
    for a, b in shown:
        out.append(plain(piece[at:a]))
        out.append(f"*{plain(piece[a:b])}*")
        at = b
    out.append(plain(piece[at:]))
    return Mrkdwn(("…" if start > 0 else "") + "".join(out) + ("…" if end < len(flat) else ""))


def plain(text: str) -> str:
    """Escaped for Slack, with mrkdwn's own marks made inert so only our bold shows."""
    return slack_escape(text).translate({ord("*"): "∗", ord("_"): "_", ord("~"): "∼", ord("`"): "'"})
