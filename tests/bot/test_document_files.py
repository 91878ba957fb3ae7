"""Where a document's text is read from: its `file:` under the folder boardbot runs in (where the
data's paths are relative to), else under the source checkout; when in neither, a warning that says
where it looked and what to do."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from sqlalchemy import func, select

from bot import models as m
from bot.boarddata import load_files
from bot.db import make_sessions
from bot.search import search
from bot.search.sources import CHECKOUT
from tests.conftest import LOAD_TIME, ROOT

DOCUMENTS = [
    "hwb-2023-10-05-pack",
    "wcc-self-assessment-2023",
    "rbkc-self-assessment-2023",
    "fps-2019-11-25-pack",
    "cyp-plan-2019-2022",
]
PACK = "data/sources/hwb-2023-10-05-pack.txt"


def load(engine, folder: Path) -> None:
    with make_sessions(engine).begin() as session:
        result = load_files(session, sorted(folder.glob("*.yaml")), now=LOAD_TIME)
        assert result.ok, "\n".join(str(p) for p in result.problems)


def pages_of(engine) -> dict[str, int]:
    """Each document's indexed pages, by the document's key."""
    with make_sessions(engine)() as session:
        counted = session.execute(
            select(m.Document.key, func.count(m.SearchEntry.id))
            .outerjoin(m.SearchEntry, m.SearchEntry.document_id == m.Document.id)
            .group_by(m.Document.key)
        )
        return dict(counted.all())


def page_titles(engine, words: str) -> list[str]:
    with make_sessions(engine)() as session:
        workspace_id = session.scalar(select(m.Workspace.id).where(m.Workspace.team_id == "local"))
        return [
            h.entry.title
            for h in search(session, workspace_id, words, every_word=True).hits
            if h.entry.kind == "page"
        ]


def operator_copy(folder: Path) -> Path:
    """The demo data and its texts copied to `folder` as an operator keeps them; their data/demo."""
    shutil.copytree(ROOT / "data" / "demo", folder / "data" / "demo")
    shutil.copytree(ROOT / "data" / "sources", folder / "data" / "sources")
    return folder / "data" / "demo"


def test_the_demo_documents_are_indexed_when_boardbot_runs_outside_the_checkout(
    fresh_db, tmp_path, monkeypatch
):
    assert CHECKOUT == ROOT  # the tests run from a checkout
    monkeypatch.chdir(tmp_path)  # no data/sources here: the checkout's are read
    load(fresh_db, ROOT / "data" / "demo")
    pages = pages_of(fresh_db)
    assert all(pages[key] > 0 for key in DOCUMENTS), pages


def test_a_copy_of_the_data_reads_the_texts_beside_it_before_the_checkouts(fresh_db, tmp_path, monkeypatch):
    demo = operator_copy(tmp_path)
    with (tmp_path / PACK).open("a", encoding="utf-8") as text:
        text.write("\nThe quokka census is only in the operator's copy of the pack.\n")
    monkeypatch.chdir(tmp_path)
    load(fresh_db, demo)
    assert all(count > 0 for count in pages_of(fresh_db).values())
    assert set(page_titles(fresh_db, "quokka census")) == {
        "Health & Wellbeing Board, Thursday 5th October 2023 - Public Document Pack"
    }


def test_an_absolute_file_path_is_read_wherever_boardbot_runs(fresh_db, tmp_path, monkeypatch):
    demo = operator_copy(tmp_path / "operator")
    pack = tmp_path / "operator" / PACK
    pack.write_text(pack.read_text(encoding="utf-8") + "\nThe quokka census.\n", encoding="utf-8")
    common = demo / "common.yaml"
    common.write_text(common.read_text(encoding="utf-8").replace(f"file: {PACK}", f"file: {pack}"))
    monkeypatch.chdir(tmp_path)  # not the operator's folder: only the absolute path finds their copy
    load(fresh_db, demo)
    assert page_titles(fresh_db, "quokka census")


def test_a_text_file_found_nowhere_is_warned_of_with_where_it_was_looked_for(
    fresh_db, tmp_path, monkeypatch, caplog
):
    demo = operator_copy(tmp_path)
    common = demo / "common.yaml"
    common.write_text(common.read_text(encoding="utf-8").replace(PACK, "texts/missing-pack.txt"))
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING, logger="bot.search.sources"):
        load(fresh_db, demo)
    [warning] = [r.getMessage() for r in caplog.records if "not indexed" in r.getMessage()]
    assert warning == (
        "document hwb-2023-10-05-pack not indexed: no file texts/missing-pack.txt at "
        f"{tmp_path / 'texts/missing-pack.txt'} or {ROOT / 'texts/missing-pack.txt'}. Run boardbot "
        "from the folder the data's `file:` paths are relative to, or give the document's `file:` as an "
        "absolute path"
    )
    pages = pages_of(fresh_db)
    assert pages["hwb-2023-10-05-pack"] == 0 and pages["fps-2019-11-25-pack"] > 0
