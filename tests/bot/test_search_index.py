"""The search index on the demo boards: what it holds, how it ranks, and that it follows the data."""

from __future__ import annotations

import glob
import importlib.util
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import models as m
from bot.boarddata import load_files
from bot.db import make_sessions
from bot.search import query, reindex, search
from tests.commands.test_update import link_people, message, say
from tests.conftest import DEMO_FILES, LOAD_TIME


def ask(engine, text, **kwargs):
    with make_sessions(engine)() as session:
        workspace_id = session.scalar(select(m.Workspace.id).where(m.Workspace.team_id == "local"))
        results = search(session, workspace_id, text, **kwargs)
        return results, [(h.entry.kind, h.entry.title, h.words) for h in results.hits]


def titles(engine, text, **kwargs) -> list[str]:
    return [title for _, title, _ in ask(engine, text, **kwargs)[1]]


def board_id(session, key: str) -> int:
    return session.scalar(select(m.Board.id).where(m.Board.key == key))


def test_the_demo_load_indexes_every_kind_of_passage(demo_db):
    with make_sessions(demo_db)() as session:
        counts = dict(
            session.execute(select(m.SearchEntry.kind, func.count()).group_by(m.SearchEntry.kind)).all()
        )
        assert counts["agenda"] == session.scalar(select(func.count()).select_from(m.AgendaItem))
        assert counts["action"] == session.scalar(select(func.count()).select_from(m.Action))
        assert counts["kpi"] == session.scalar(select(func.count()).select_from(m.Kpi))
        assert counts["page"] > 100  # five documents, page by page (or 60 lines where no page is known)
        assert counts["decision"] == session.scalar(select(func.count()).select_from(m.Decision))


def test_what_the_board_resolved_is_found_as_its_decision(demo_db):
    """ "What did we resolve on X?": the minuted resolution itself, not only the item it was on."""
    top_three = ask(demo_db, "what did we resolve on immunisation?")[1][:3]
    assert ("decision", "Item 5 Immunisation Programmes in Westminster") in [(k, t) for k, t, _ in top_three]


def test_a_plain_question_finds_the_board_items_that_answer_it_first(demo_db):
    results, hits = ask(demo_db, "What did we decide about the Better Care Fund?")
    assert [w.word for w in results.question.words] == ["better", "care", "fund"]
    assert "BETTER CARE FUND" in hits[0][1]
    assert sum("BETTER CARE FUND" in title for _, title, _ in hits[:3]) >= 2
    assert all(words == 3 for _, _, words in hits[:3])


def test_passages_with_more_of_the_words_come_first(demo_db):
    results, hits = ask(demo_db, "youth justice first time entrants reoffending", limit=40)
    words = [w for _, _, w in hits]
    assert words == sorted(words, reverse=True)
    assert hits[0][2] == len(results.question.words) - 1 or hits[0][2] == len(results.question.words)
    assert results.total > len(hits)


def test_when_too_many_match_to_rank_all_those_with_every_word_are_ranked(demo_db, monkeypatch):
    """More matches than CANDIDATES: the engine ranks the newest passages having every word."""
    monkeypatch.setattr(query, "CANDIDATES", 5)
    results, hits = ask(demo_db, "What did we decide about the Better Care Fund?", limit=3)
    assert results.more and results.total == 5  # "more than 5"
    assert [words for _, _, words in hits] == [3, 3, 3]


def test_too_many_matches_without_every_word_together_still_answer(demo_db, monkeypatch):
    """A plain question whose words never all appear together: passages with some of them, most first."""
    monkeypatch.setattr(query, "CANDIDATES", 20)
    results, hits = ask(demo_db, "How many care leavers play the xylophone?")
    assert results.more and [w.word for w in results.question.words] == [
        "care",
        "leavers",
        "play",
        "xylophone",
    ]
    words = [w for _, _, w in hits]
    assert len(hits) == 8 and words == sorted(words, reverse=True) and 1 <= words[0] < 4
    assert all("care" in (title + body).lower() for title, body in bodies(demo_db, results))


def test_the_few_passages_with_every_word_come_before_the_newest_with_fewer(demo_db, monkeypatch):
    """Fewer than a page have every word: they lead, then the rest from the newest candidates."""
    monkeypatch.setattr(query, "CANDIDATES", 10)
    results, hits = ask(demo_db, "memory cafe committee")
    assert results.more
    assert hits[0][2] == 3 and "memory cafe" in bodies(demo_db, results)[0][1].lower()
    assert all(words < 3 for _, _, words in hits[1:])


def bodies(engine, results) -> list[tuple[str, str]]:
    return [(h.entry.title, h.entry.body) for h in results.hits]


@pytest.mark.parametrize(
    "asked, found",
    [
        ("placement", "Looked After Children in long term placements of 2.5+ years"),  # placements
        ("entrant youth justice", "First time entrants to the youth justice system"),  # entrants
        ("funded", "Item 8 BETTER CARE FUND – 2023/24"),  # fund
    ],
)
def test_words_are_found_in_their_other_forms(demo_db, asked, found):
    assert found in titles(demo_db, asked, limit=60)


def test_an_abbreviation_finds_its_long_form_and_the_long_form_finds_it(demo_db):
    results, _ = ask(demo_db, "BCF")
    assert ("BCF", "better care fund") in results.question.synonyms
    assert "Item 8 BETTER CARE FUND – 2023/24" in titles(demo_db, "BCF", limit=60)  # never says BCF
    bcf_only = "HWB-1 On completion and following agreement by the Chairs of the BCF submission"
    assert any(t.startswith(bcf_only) for t in titles(demo_db, "better care fund", limit=60))
    assert "First time entrants to the youth justice system" in titles(demo_db, "FTE", limit=60)
    assert any("Looked After Children" in t for t in titles(demo_db, "LAC", limit=10))


@pytest.mark.parametrize(
    "raw",
    [
        '"unclosed quote',
        "fund AND OR NOT",
        "NEAR(better care)",
        "title:fund body:care",
        "fund* ^care",
        "'; DROP TABLE search_entries; --",
        "a & b | !c <-> d:*",
        "(((care",
        "-fund +care",
        "\\ \" ' ` ; %",
        "ünïcode café naïve",
        "x" * 500,
    ],
)
def test_raw_input_with_quotes_operators_and_sql_is_only_words(demo_db, raw):
    results, _ = ask(demo_db, raw)
    assert results.total >= 0
    with make_sessions(demo_db)() as session:
        assert session.scalar(select(func.count()).select_from(m.SearchEntry)) > 0


def test_ties_put_the_newest_meeting_first(demo_db):
    with make_sessions(demo_db).begin() as session:
        for key in ("hwb-2023-03-30", "hwb-2023-10-05"):
            meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == key))
            session.add(
                m.AgendaItem(meeting=meeting, number="99", position=99, title="Zebra crossing survey")
            )
    _, hits = ask(demo_db, "zebra crossing survey")
    with make_sessions(demo_db)() as session:
        found = [
            session.get(m.Meeting, e.meeting_id).meets_on
            for e in session.scalars(
                select(m.SearchEntry).where(m.SearchEntry.title == "Item 99 Zebra crossing survey")
            )
        ]
    assert sorted(found) == [date(2023, 3, 30), date(2023, 10, 5)]
    results, _ = ask(demo_db, "zebra crossing survey")
    assert [h.entry.dated for h in results.hits[:2]] == [date(2023, 10, 5), date(2023, 3, 30)]


def test_restricted_items_are_found_only_for_the_boards_whose_members_may_see_them(demo_db):
    with make_sessions(demo_db).begin() as session:
        item = session.scalar(select(m.AgendaItem).where(m.AgendaItem.title == "BETTER CARE FUND 2023-24"))
        item.restricted = True
        hwb = board_id(session, "hwb")
    assert "Item 10 BETTER CARE FUND 2023-24" not in titles(demo_db, "better care fund", limit=60)
    assert "Item 10 BETTER CARE FUND 2023-24" in titles(
        demo_db, "better care fund", limit=60, restricted_board_ids=[hwb]
    )


def test_a_search_kept_to_boards_finds_theirs_and_the_board_is_never_a_word(demo_db, monkeypatch):
    """Kept to one or a few boards (FTS5 matches the board itself on SQLite, migration 0022) or to
    more (the join does): the same passages as the whole search, of those boards; and a number asked
    for finds the number in the text, never a passage because its board has that id."""
    with make_sessions(demo_db).begin() as session:
        hwb, fps = board_id(session, "hwb"), board_id(session, "fps")
        hwb_meeting = session.scalar(select(m.Meeting).where(m.Meeting.board_id == hwb).limit(1))
        session.add(m.AgendaItem(meeting=hwb_meeting, number="98", position=98, title="Ward 4242 reopening"))
        board = m.Board(id=4242, workspace_id=hwb_meeting.board.workspace_id, key="test", name="Test Board")
        meeting = m.Meeting(board=board, key="test-1", meets_on=date(2023, 11, 1), status="confirmed")
        session.add(m.AgendaItem(meeting=meeting, number="1", position=1, title="Care home beds"))
    everywhere, _ = ask(demo_db, "care", limit=None)
    for boards in ([hwb], [hwb, fps], [4242]):
        for few in (20, 0):  # FTS5 keeps to the boards; or, with none "few", the join does
            monkeypatch.setattr(query, "FTS_BOARDS", few)
            kept, _ = ask(demo_db, "care", board_ids=boards, limit=None)
            assert {h.entry.board_id for h in kept.hits} == set(boards)
            assert [h.entry.id for h in kept.hits] == [
                h.entry.id for h in everywhere.hits if h.entry.board_id in boards
            ]
    monkeypatch.setattr(query, "FTS_BOARDS", 20)
    assert titles(demo_db, "4242", board_ids=[hwb, 4242], limit=None) == ["Item 98 Ward 4242 reopening"]


def test_an_action_update_is_searchable_at_once(demo_db):
    assert titles(demo_db, "echocardiography") == []
    link_people(demo_db)
    say(demo_db, message("HWB-2 in progress: waiting for the echocardiography figures"))
    assert titles(demo_db, "echocardiography figures")[0].startswith("HWB-2 ")


def test_a_reload_with_a_changed_title_changes_the_passage_and_keeps_its_id(demo_db, tmp_path):
    with make_sessions(demo_db)() as session:
        before = session.scalar(
            select(m.SearchEntry).where(m.SearchEntry.title == "Item 10 BETTER CARE FUND 2023-24")
        )
    files = []
    for path in DEMO_FILES:
        copy = tmp_path / path.split("/")[-1]
        shutil.copyfile(path, copy)
        files.append(str(copy))
    hwb = tmp_path / "hwb.yaml"
    text = hwb.read_text(encoding="utf-8")
    assert text.count("title: BETTER CARE FUND 2023-24\n") == 1
    hwb.write_text(
        text.replace(
            "title: BETTER CARE FUND 2023-24\n", "title: BETTER CARE FUND 2023-24 and hospital discharge\n"
        )
    )
    with make_sessions(demo_db).begin() as session:
        result = load_files(session, files, now=LOAD_TIME)
        assert result.ok, result.problems
    assert "Item 10 BETTER CARE FUND 2023-24 and hospital discharge" in titles(demo_db, "hospital discharge")
    with make_sessions(demo_db)() as session:
        assert session.get(m.SearchEntry, before.id).title.endswith("and hospital discharge")


def test_reindex_rebuilds_a_lost_index_and_changes_nothing_on_a_whole_one(demo_db):
    with make_sessions(demo_db).begin() as session:
        kinds = ("agenda", "action", "kpi", "decision", "page")
        assert reindex(session) == {kind: (0, 0, 0) for kind in kinds}
        whole = session.scalar(select(func.count()).select_from(m.SearchEntry))
        for entry in session.scalars(select(m.SearchEntry).where(m.SearchEntry.kind == "agenda")):
            session.delete(entry)
    assert titles(demo_db, "better care fund", limit=60)  # pages and actions still say it
    assert "agenda" not in {kind for kind, _, _ in ask(demo_db, "better care fund", limit=60)[1]}
    with make_sessions(demo_db).begin() as session:
        assert reindex(session)["agenda"] == (61, 0, 0)
        assert session.scalar(select(func.count()).select_from(m.SearchEntry)) == whole
    assert "BETTER CARE FUND" in titles(demo_db, "better care fund")[0]


def test_documents_are_indexed_for_the_boards_that_cite_them(demo_db):
    with make_sessions(demo_db)() as session:
        fps, hwb = board_id(session, "fps"), board_id(session, "hwb")
        pack = session.scalar(select(m.Document.id).where(m.Document.key == "fps-2019-11-25-pack"))
        boards = set(session.scalars(select(m.SearchEntry.board_id).where(m.SearchEntry.document_id == pack)))
    assert fps in boards and hwb not in boards
    assert glob.glob("data/sources/*.txt")


def test_the_twenty_questions_table_is_current():
    """docs/search-questions.md shows what search answers now; rerun the script and reread if not."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "search_questions.py"
    spec = importlib.util.spec_from_file_location("search_questions", path)
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert set(script.VERDICTS) == set(script.QUESTIONS)
    assert script.main(["--check"]) == 0
