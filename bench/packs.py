"""Time `boardbot import agenda-pack` on a 300-page pack: PDF text, parsing and the merge.

    .venv/bin/python -m bench.packs [--pages 300] [--url sqlite:////tmp/packs.db]

The pack is the Health & Wellbeing Board's seed pack with its reports repeated until it has the
pages asked for, rendered as a PDF by bench.pdfpack (headers, footers, wrapped lines).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.pdfpack import LINES_PER_PAGE, pages_of, write_pdf
from bot.boarddata import load_imported
from bot.db import make_engine, make_sessions, upgrade
from bot.importers import agenda_pack

SEED = Path(__file__).resolve().parent.parent / "data" / "sources" / "hwb-2023-10-05-pack.txt"


def big_pack(pages: int) -> str:
    """The seed pack with its reports (after the agenda and minutes) repeated to `pages` pages."""
    lines = SEED.read_text().splitlines()
    reports = lines[207:]
    text = list(lines)
    while len(pages_of("\n".join(text), "")) < pages:
        text += reports[: (pages - len(pages_of("\n".join(text), ""))) * LINES_PER_PAGE]
    return "\n".join(text)


def run(pages: int, url: str | None, workdir: Path) -> dict[str, float]:
    pdf = write_pdf(big_pack(pages), workdir / "pack.pdf")
    engine = make_engine(url or f"sqlite:///{workdir / 'packs.db'}")
    upgrade(engine)
    took: dict[str, float] = {}
    start = time.perf_counter()
    imports = agenda_pack.read(argparse.Namespace(file=str(pdf), board="hwb"))
    took["read"] = time.perf_counter() - start
    start = time.perf_counter()
    with make_sessions(engine).begin() as session:
        result = load_imported(session, imports, now=datetime(2023, 9, 1, tzinfo=UTC))
    took["merge"] = time.perf_counter() - start
    engine.dispose()
    assert result.ok, result.problems
    from pypdf import PdfReader

    took["pages"] = len(PdfReader(pdf).pages)
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--url", help="database URL (default: a new SQLite file in a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        took = run(args.pages, args.url, Path(workdir))
    print(f"{int(took['pages'])}-page pack: read {took['read']:.1f} s, merge {took['merge']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
