"""The demo boards under data/demo/ are faithful to the five source documents."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot import models as m
from bot.boarddata import export_yaml, load_files
from bot.db import make_sessions
from bot.meetings import next_meeting
from tests.conftest import DEMO_FILES, LOAD_TIME, ROOT, engine_for

FACT_FILES = sorted((ROOT / "tests" / "facts").glob("*.yaml"))
FACTS = [fact for path in FACT_FILES for fact in yaml.safe_load(path.read_text())]


def source_lines(doc: str) -> list[str]:
    return (ROOT / "data" / "sources" / f"{doc}.txt").read_text(encoding="utf-8").split("\n")


def exported(engine) -> dict:
    with make_sessions(engine)() as session:
        return yaml.safe_load(export_yaml(session))


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return str(a) == str(b)


def test_there_are_at_least_30_sampled_facts():
    assert len(FACTS) >= 30


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f"{f['kind']}:{f['field']}:{f['doc']}:{f['line']}")
def test_sampled_fact_is_in_the_source_text(fact):
    lines = source_lines(fact["doc"])
    window = "\n".join(lines[max(fact["line"] - 3, 0) : fact["line"] + 2])
    assert fact["quote"] in window, f"quote not within 2 lines of {fact['doc']} line {fact['line']}"


@pytest.fixture(scope="module")
def demo_export(backend):
    for engine in engine_for(backend.fresh_url(backend.demo_template())):
        yield exported(engine)


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f"{f['kind']}:{f['field']}:{f['doc']}:{f['line']}")
def test_sampled_fact_is_what_the_database_holds(demo_export, fact):
    records = [
        r
        for r in demo_export.get(fact["kind"], [])
        if all(same(r.get(k), v) for k, v in fact["match"].items())
    ]
    assert len(records) == 1, f"{len(records)} records match {fact['match']}"
    assert same(records[0].get(fact["field"]), fact["expected"])


WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def _number_forms(value: float) -> set[str]:
    """Ways a source may write a number: 44, 44.0, 4.90, 29,801, one, 2.3 (million), -17 as 17."""
    value = abs(value)
    forms = {f"{value:g}", f"{value:.1f}", f"{value:.2f}"}
    if value == int(value):
        forms |= {str(int(value)), f"{int(value):,}"}
        if value < len(WORDS):
            forms.add(WORDS[int(value)])
    if value >= 1_000_000:
        forms.add(f"{value / 1_000_000:g}")
    return forms


def test_every_kpi_value_appears_near_its_cited_line(demo_export):
    missing = []
    for value in demo_export["kpi_values"]:
        source = value["source"]
        lines = source_lines(source["doc"])
        window = " ".join(lines[max(source["line"] - 4, 0) : source["line"] + 3])
        numbers = set(re.findall(r"\d[\d,]*(?:\.\d+)?", window)) | set(re.findall(r"[a-z]+", window.lower()))
        if not _number_forms(float(value["value"])) & numbers:
            missing.append(
                f"{value['kpi']} {value['area']} {value['period']}: {value['value']} "
                f"not near {source['doc']} line {source['line']}"
            )
    assert not missing, "\n".join(missing)


def test_every_citation_points_inside_its_document(demo_export):
    lengths = {doc["key"]: len(source_lines(doc["key"])) for doc in demo_export["documents"]}
    for kind, records in demo_export.items():
        if not isinstance(records, list):
            continue
        for record in records:
            source = record.get("source")
            if source and "line" in source:
                assert 1 <= source["line"] <= lengths[source["doc"]], (kind, record)


def test_demo_holds_what_the_issue_asks_for(demo_db):
    with make_sessions(demo_db)() as session:
        boards = {b.key: b for b in session.scalars(select(m.Board))}
        assert {"hwb", "fps"} <= set(boards)
        dates = {(mt.board.key, mt.meets_on) for mt in session.scalars(select(m.Meeting))}
        assert {
            ("hwb", date(2023, 10, 5)),
            ("hwb", date(2023, 6, 8)),
            ("hwb", date(2023, 11, 23)),
            ("fps", date(2019, 11, 25)),
        } <= dates
        fps_actions = session.scalar(
            select(func.count()).select_from(m.Action).where(m.Action.board_id == boards["fps"].id)
        )
        assert fps_actions == 46
        assert session.scalar(select(func.count()).select_from(m.KpiValue)) >= 80
        october = next_meeting(session, boards["hwb"], date(2023, 9, 1))
        assert october.meets_on == date(2023, 10, 5)
        items = session.scalar(
            select(func.count()).select_from(m.AgendaItem).where(m.AgendaItem.meeting_id == october.id)
        )
        assert items >= 8


def test_demo_reload_changes_nothing_and_export_round_trips(demo_db, backend, tmp_path):
    sessions = make_sessions(demo_db)
    with sessions.begin() as session:
        again = load_files(session, DEMO_FILES, now=LOAD_TIME)
    assert again.ok and again.changes == []
    with sessions() as session:
        first = export_yaml(session)
    path = Path(tmp_path / "export.yaml")
    path.write_text(first, encoding="utf-8")
    for other in engine_for(backend.fresh_url(backend.schema_template())):
        with make_sessions(other).begin() as session:
            result = load_files(session, [path], now=LOAD_TIME)
        assert result.ok, result.problems
        with make_sessions(other)() as session:
            assert export_yaml(session) == first
