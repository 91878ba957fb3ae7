"""An agenda pack's text, from a PDF (pypdf) or a text file, cleaned of what extraction breaks.

Lines keep their numbers in the source (the line of a text file, the page of a PDF) so that every
record the importer writes can cite where it was read.
"""

from __future__ import annotations

import html
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

MAX_BYTES = 100 * 1024 * 1024  # a 300-page pack with scans is a few MB; past this it is not a pack
MAX_PAGES = 2000


class PackUnreadable(Exception):
    """The file is not a pack this importer can read (said in a sentence naming what was wrong)."""


@dataclass(frozen=True)
class Line:
    text: str
    line: int | None = None  # 1-based line of a text file
    page: int | None = None  # 1-based page of a PDF


def read_lines(path: Path) -> list[Line]:
    """The pack's lines, cleaned; PackUnreadable when it cannot be read as a pack."""
    if not path.is_file():
        raise PackUnreadable("no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PackUnreadable(
            f"{size // (1024 * 1024)} MB is larger than the {MAX_BYTES // (1024 * 1024)} MB limit"
        )
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" in head:
        return clean(pdf_lines(path))
    if path.suffix.lower() == ".pdf":
        raise PackUnreadable("not a PDF (it does not start with %PDF-)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackUnreadable(f"not UTF-8 text and not a PDF (byte {exc.start})") from exc
    if "\x00" in text:
        raise PackUnreadable("binary data, not text and not a PDF")
    return clean([Line(raw, line=n) for n, raw in enumerate(text.splitlines(), 1)])


def pdf_lines(path: Path) -> list[Line]:
    """Each page's text through pypdf, page headers and footers repeated on most pages left out."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise PackUnreadable("the PDF is encrypted (password protected); save an unprotected copy")
        if len(reader.pages) > MAX_PAGES:
            raise PackUnreadable(f"{len(reader.pages)} pages is more than the {MAX_PAGES}-page limit")
        shown = tqdm(reader.pages, desc=path.name, unit="page", disable=not sys.stderr.isatty(), leave=False)
        pages = [page.extract_text(extraction_mode="layout") or "" for page in shown]
    except PdfReadError as exc:
        raise PackUnreadable(f"a broken PDF ({exc})") from exc
    if not any(text.strip() for text in pages):
        raise PackUnreadable(
            f"the PDF has no text layer ({len(pages)} page{'s' if len(pages) != 1 else ''} of images); "
            "it needs OCR first, or import the text version of the pack"
        )
    split = [[row.rstrip() for row in text.splitlines()] for text in pages]
    repeated = page_furniture(split)
    lines: list[Line] = []
    for number, rows in enumerate(split, 1):
        kept = [row for row in rows if not is_furniture(row, repeated)]
        while kept and not kept[0].strip():
            kept.pop(0)
        while kept and not kept[-1].strip():
            kept.pop()
        # No blank line at a page break: a paragraph carried over to the next page stays one.
        lines += [Line(columns(row), page=number) for row in kept]
    return lines


def page_furniture(pages: list[list[str]]) -> set[str]:
    """Lines that head or foot most pages (the committee's name, 'Public Document Pack')."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for rows in pages:
        texts = [r.strip() for r in rows if r.strip()]
        counts.update({t for t in texts[:2] + texts[-2:]})
    return {text for text, n in counts.items() if n >= max(3, len(pages) // 2)}


def is_furniture(row: str, repeated: set[str]) -> bool:
    text = row.strip()
    return bool(text) and (text in repeated or PAGE_FOOTER.fullmatch(text) is not None)


def columns(row: str) -> str:
    """Layout text puts columns apart with runs of spaces: make them tabs, as text packs have."""
    return re.sub(r"(?<=\S) {3,}(?=\S)", "\t", row.strip())


PAGE_FOOTER = re.compile(r"(page\s+\d+(\s+of\s+\d+)?|\d+\s*/\s*\d+|- ?\d+ ?-)", re.IGNORECASE)
BLANK_PAGE = re.compile(r"this page is intentionally left blank", re.IGNORECASE)
MARKUP = [
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"</?(b|u|i|em|strong|sup|sub)>", re.IGNORECASE), ""),
    (re.compile(r"\*\*|__"), ""),
    (re.compile(r"^#+\s*"), ""),
    (re.compile(r"\\([_*#\[\]])"), r"\1"),
]


def clean(lines: list[Line]) -> list[Line]:
    """Markup, page furniture and broken words repaired; wrapped lines are joined later, by meaning."""
    out: list[Line] = []
    for item in lines:
        text = item.text.replace("\u00a0", " ").replace("\ufb01", "fi").replace("\ufb02", "fl")
        for pattern, repl in MARKUP:
            text = pattern.sub(repl, text)
        text = html.unescape(text).rstrip()
        stripped = text.strip()
        if PAGE_FOOTER.fullmatch(stripped) or BLANK_PAGE.fullmatch(stripped):
            text = ""
        text = re.sub(r"(?<=[A-Za-z])- (?=[A-Z])", "-", text)  # "Butler- Thalassis", "Co- Chair"
        out.append(Line(text, item.line, item.page))
    return out


def join_wrapped(parts: list[str]) -> str:
    """Lines of one paragraph as one text: a word hyphenated at a line end is made whole again."""
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha():
            text = text[:-1] + part if part[:1].islower() else text + part
        else:
            text = f"{text} {part}" if text else part
    return re.sub(r"\s+", " ", text).strip()
