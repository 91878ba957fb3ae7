"""A document's text cut into its printed pages, where the text's page footers show them.

The rule is scripts/source_pages.py's: text before a "Page N" footer is on page N when the footer
before it says N-1 (or there is none and N is 1), so no footer between them was lost; anywhere else
the page is not known and the passage is named by its lines instead. Long stretches are cut into
passages of at most MAX_LINES lines, so an excerpt stays near what it matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FOOTER_RE = re.compile(r"(?<!\S)Page ([0-9]+)(?!\S)")
MAX_LINES = 60


@dataclass(frozen=True)
class Passage:
    first_line: int  # 1-based, as the data's `source: {line: …}` counts
    last_line: int
    page: int | None
    text: str


def footers(lines: list[str]) -> list[tuple[int, int | None]]:
    """(line number, printed page) of each footer; None for footers outside the longest rising run."""
    found = [(n, int(match.group(1))) for n, line in enumerate(lines, 1) if (match := FOOTER_RE.search(line))]
    best: list[list[int]] = []
    for i, (_, page) in enumerate(found):
        runs = [best[j] for j in range(i) if found[j][1] < page]
        best.append([*(max(runs, key=len) if runs else []), i])
    longest: list[int] = max(best, key=len) if best else []
    kept = set(longest)
    return [(line, page if i in kept else None) for i, (line, page) in enumerate(found)]


def passages(text: str) -> list[Passage]:
    """The text's passages in order: each page as known, the rest by lines."""
    lines = text.split("\n")
    found: list[Passage] = []
    start, before = 1, 0
    for footer_line, page in [*footers(lines), (len(lines) + 1, None)]:
        if page is None and footer_line <= len(lines):
            continue  # a garbled footer: its page says nothing
        known = page if page is not None and page == before + 1 else None
        for first in range(start, footer_line, MAX_LINES):
            last = min(first + MAX_LINES - 1, footer_line - 1 if footer_line > len(lines) else footer_line)
            chunk = "\n".join(lines[first - 1 : last]).strip()
            if chunk:
                found.append(Passage(first, last, known, chunk))
        start, before = footer_line + 1, page or before
    return found
