"""Add the printed page beside the line in the demo data's `source:` entries, where the text shows it.

A document pack prints "Page N" at the foot of each page; the text extractions in data/sources keep
some of those footers. A cited line is on printed page N when the footer after it says N and the
footer before it says N-1 (or there is none before it and N is 1): then no footer between them was
lost. Anywhere else the page is not known, and none is written. A footer's own line, which may
join two pages' text, gets none; footers out of order (an extraction's garble) are ignored.

    .venv/bin/python scripts/source_pages.py          # rewrite data/demo/*.yaml in place
    .venv/bin/python scripts/source_pages.py --check  # exit 1 if a file would change

Only the `source: {doc: …, line: …}` lines change, each on its own line: other fields are untouched.
A `page:` already written (by hand, from the printed document) is kept when it agrees with the text and
reported when it does not.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from bot.search.sources import document_path, document_places

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
FOOTER_RE = re.compile(r"(?<!\S)Page ([0-9]+)(?!\S)")
SOURCE_RE = re.compile(r"source: \{doc: ([\w.-]+), line: ([0-9]+)(?:, page: ([0-9]+))?\}")


def footers(text: str) -> list[tuple[int, int | None]]:
    """(line number, printed page) of each page footer; the page is None for footers out of order.

    The longest run of footers whose pages rise is kept: a garbled footer ("Page 3" between 26 and 32)
    falls outside it.
    """
    found = [
        (number, int(match.group(1)))
        for number, line in enumerate(text.split("\n"), start=1)
        if (match := FOOTER_RE.search(line))
    ]
    best: list[list[int]] = []  # best[i]: the longest rising run of footers ending with footer i
    for i, (_, page) in enumerate(found):
        runs = [best[j] for j in range(i) if found[j][1] < page]
        best.append([*(max(runs, key=len) if runs else []), i])
    longest: list[int] = max(best, key=len) if best else []
    kept = set(longest)
    return [(line, page if i in kept else None) for i, (line, page) in enumerate(found)]


def printed_page(found: list[tuple[int, int | None]], line: int) -> int | None:
    """The page a line is printed on, when the footers around it leave no doubt."""
    before_page = 0
    for footer_line, page in found:
        if footer_line == line:
            return None  # a footer's line may hold the end of one page and the start of the next
        if page is None:
            continue
        if footer_line > line:
            return page if page == before_page + 1 else None
        before_page = page
    return None


def document_files() -> dict[str, Path]:
    """The demo documents' text files, found where `boardbot load` finds them (bot.search.sources)."""
    common = yaml.safe_load((DEMO / "common.yaml").read_text(encoding="utf-8"))
    found = {}
    for doc in (d for d in common["documents"] if d.get("file")):
        path = document_path(doc["file"])
        if path is None:
            looked = " or ".join(map(str, document_places(doc["file"])))
            raise SystemExit(f"document {doc['key']}: no file {doc['file']} at {looked}")
        found[doc["key"]] = path
    return found


def with_pages(text: str, pages_of: dict[str, list[tuple[int, int | None]]], problems: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        doc, line, written = match.group(1), int(match.group(2)), match.group(3)
        page = printed_page(pages_of.get(doc, []), line)
        if written is not None and page is not None and int(written) != page:
            problems.append(f"{doc} line {line}: page {written} is written, the text says {page}")
        if written is not None or page is None:
            return match.group(0)
        return f"source: {{doc: {doc}, line: {line}, page: {page}}}"

    return SOURCE_RE.sub(replace, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    args = parser.parse_args(argv)
    pages_of = {key: footers(path.read_text(encoding="utf-8")) for key, path in document_files().items()}
    problems: list[str] = []
    stale = []
    for path in sorted(DEMO.glob("*.yaml")):
        old = path.read_text(encoding="utf-8")
        new = with_pages(old, pages_of, problems)
        if new != old:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(new, encoding="utf-8")
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.check and stale:
        print(f"pages to add in: {', '.join(map(str, stale))} (run scripts/source_pages.py)", file=sys.stderr)
    return 1 if problems or (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
