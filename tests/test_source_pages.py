"""scripts/source_pages.py: printed pages only where the text's footers leave no doubt."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "source_pages.py"
spec = importlib.util.spec_from_file_location("source_pages", SCRIPT)
assert spec and spec.loader
source_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(source_pages)

TEXT = "\n".join(
    [
        "cover",  # 1: page 1 (the first footer says 1)
        "Page 1",  # 2
        "second page",  # 3: page 2
        "Page 2",  # 4
        "third page",  # 5: page 3, 4 or 5: footers 3 and 4 were lost
        "Page 5",  # 6
        "sixth page Page 6 seventh page",  # 7: a footer inside a line joins two pages
        "seventh page",  # 8: page 7
        "Page 3\tgarbled",  # 9: out of order, ignored
        "still seventh",  # 10: page 7
        "Page 7",  # 11
        "after the last footer",  # 12
    ]
)


@pytest.mark.parametrize(
    "line, page", [(1, 1), (2, None), (3, 2), (5, None), (7, None), (8, 7), (9, None), (10, 7), (12, None)]
)
def test_a_line_gets_the_page_of_the_footer_after_it_only_when_none_was_lost(line, page):
    assert source_pages.printed_page(source_pages.footers(TEXT), line) == page


def test_a_written_page_is_kept_and_a_wrong_one_reported():
    found = {"pack": source_pages.footers(TEXT)}
    problems: list[str] = []
    text = (
        "source: {doc: pack, line: 3}\nsource: {doc: pack, line: 5}\nsource: {doc: pack, line: 8, page: 6}\n"
    )
    assert source_pages.with_pages(text, found, problems) == (
        "source: {doc: pack, line: 3, page: 2}\nsource: {doc: pack, line: 5}\nsource: {doc: pack, line: 8, page: 6}\n"
    )
    assert problems == ["pack line 8: page 6 is written, the text says 7"]


def test_the_demo_data_has_every_page_its_sources_show():
    assert source_pages.main(["--check"]) == 0
