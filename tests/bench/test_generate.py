"""bench.generate: a small database of the benchmark's shape, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from bench.generate import main
from bench.synth import COLUMNS, NOW, QUARTERS, TABLE_ORDER, YEARS, Plan, Synth
from bot import models as m
from bot.boarddata import export_yaml, load_files
from bot.db import make_engine, make_sessions

SCALE = 0.0002  # two boards, one per workspace: about 1,400 rows
LOAD_TIME = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def bench_db(backend) -> Engine:
    """A database filled by `python -m bench.generate` at SCALE; tests must not commit to it."""
    url = backend.fresh_url()
    assert main(["--url", url, "--scale", str(SCALE)]) == 0
    engine = make_engine(url)
    yield engine
    engine.dispose()


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(m.Base.metadata.tables[name]))
            for name in TABLE_ORDER
        }


def test_full_scale_plan_has_the_benchmark_sizes():
    counts = Plan.at(1.0).counts()
    minimums = {
        "boards": 200,
        "meetings": 20_000,
        "agenda_items": 200_000,
        "actions": 500_000,
        "kpi_values": 2_000_000,
        "people": 5_000,
        "kpis": 10_000,
        "action_updates": 100_000,
    }
    assert {name: counts[name] >= least for name, least in minimums.items()} == dict.fromkeys(minimums, True)
    assert counts["people"] < 6_000 and counts["kpis"] < 11_000 and counts["action_updates"] < 110_000


def test_counts_grow_with_the_scale():
    half, full = Plan.at(0.5).counts(), Plan.at(1.0).counts()
    for name in ("boards", "meetings", "agenda_items", "actions", "kpis", "kpi_values"):
        assert 1.9 < full[name] / half[name] < 2.1, name


def test_database_has_the_planned_counts(bench_db):
    assert table_counts(bench_db) == Plan.at(SCALE).counts()


def test_every_foreign_key_resolves(bench_db):
    broken = {}
    with bench_db.connect() as connection:
        for table in m.Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                parent = fk.column.table.alias()
                orphans = connection.scalar(
                    select(func.count())
                    .select_from(table.outerjoin(parent, fk.parent == parent.c[fk.column.name]))
                    .where(fk.parent.is_not(None), parent.c[fk.column.name].is_(None))
                )
                if orphans:
                    broken[f"{table.name}.{fk.parent.name}"] = orphans
    assert broken == {}


def test_records_refer_only_within_their_workspace(bench_db):
    person, org, doc = aliased(m.Person), aliased(m.Organisation), aliased(m.Document)
    checks = {
        "membership person": select(func.count())
        .select_from(m.Membership)
        .join(m.Board)
        .join(person, m.Membership.person_id == person.id)
        .where(person.workspace_id != m.Board.workspace_id),
        "action lead": select(func.count())
        .select_from(m.Action)
        .join(m.Board)
        .join(person, m.Action.lead_id == person.id)
        .where(person.workspace_id != m.Board.workspace_id),
        "meeting host": select(func.count())
        .select_from(m.Meeting)
        .join(m.Board)
        .join(org, m.Meeting.host_id == org.id)
        .where(org.workspace_id != m.Board.workspace_id),
        "KPI value source": select(func.count())
        .select_from(m.KpiValue)
        .join(m.Kpi)
        .join(m.Board)
        .join(doc, m.KpiValue.source_document_id == doc.id)
        .where(doc.workspace_id != m.Board.workspace_id),
    }
    with make_sessions(bench_db)() as session:
        assert {name: session.scalar(stmt) for name, stmt in checks.items()} == dict.fromkeys(checks, 0)
        boards = Counter(
            session.execute(select(m.Workspace.team_id).join(m.Board, m.Board.workspace_id == m.Workspace.id))
            .scalars()
            .all()
        )
        assert boards == {"TBENCH": 1, "TBENCH2": 1}
        assert session.scalar(select(m.Board.slack_channel).where(m.Board.id == 1)) == "CB0001"


def test_orm_and_loader_add_after_the_generated_ids(bench_db, tmp_path: Path):
    counts = Plan.at(SCALE).counts()
    session = make_sessions(bench_db)()
    try:
        board = session.get(m.Board, 1)
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.board_id == board.id).limit(1))
        action = m.Action(board_id=board.id, ref="A-90001", description="Added by the ORM", status="open")
        value = m.KpiValue(kpi_id=1, area="Nowhere", period="2026/27", value=1.0)
        session.add_all([action, value])
        session.flush()
        assert (action.id, value.id) == (counts["actions"] + 1, counts["kpi_values"] + 1)

        path = tmp_path / "more.yaml"
        path.write_text(
            f"boardbot: 1\nworkspace: {{team_id: TBENCH}}\n"
            f"actions:\n  - {{board: {board.key}, ref: A-90002, meeting: {meeting.key}, "
            "description: Added by the loader, status: open, due_on: 2026-12-01}\n"
            f"action_updates:\n  - {{board: {board.key}, action: A-90002, seq: 1, "
            "at: '2026-11-22T09:00:00+00:00', field: status, new: open, via: import}\n"
        )
        result = load_files(session, [path], now=LOAD_TIME)
        assert result.ok, result.problems
        session.flush()
        added = session.scalar(select(m.Action).where(m.Action.ref == "A-90002"))
        assert added.id == counts["actions"] + 2
        assert session.scalar(select(func.max(m.ActionUpdate.id))) == counts["action_updates"] + 1
    finally:
        session.rollback()
        session.close()


def test_export_is_valid_board_data_for_both_workspaces(bench_db, fresh_db, tmp_path: Path):
    with make_sessions(bench_db)() as session:
        exported = export_yaml(session)
    documents = list(yaml.load_all(exported, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    assert [d["workspace"]["team_id"] for d in documents] == ["TBENCH", "TBENCH2"]
    records = sum(len(d.get(kind, [])) for d in documents for kind in TABLE_ORDER[1:])
    assert records == sum(Plan.at(SCALE).counts().values()) - len(documents)

    path = tmp_path / "bench.yaml"
    path.write_text(exported)
    with make_sessions(fresh_db)() as session:  # an empty database: every record must stand on its own
        result = load_files(session, [path], now=LOAD_TIME, dry_run=True)
    assert result.ok, result.problems[:5]
    assert len(result.changes) == records


def test_refuses_a_non_empty_database_unless_forced(fresh_url, capsys):
    assert main(["--url", fresh_url, "--scale", str(SCALE)]) == 0
    assert main(["--url", fresh_url, "--scale", str(SCALE)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["--url", fresh_url, "--scale", str(SCALE), "--force", "--seed", "2"]) == 0
    engine = make_engine(fresh_url)
    try:
        assert table_counts(engine) == Plan.at(SCALE).counts()
    finally:
        engine.dispose()


# The shape of the data, from the generator alone (no database): a larger sample is cheap.


def test_rows_fit_their_columns_and_repeat_for_a_seed():
    for table in TABLE_ORDER:
        first = list(itertools.islice(Synth(Plan.at(SCALE), seed=7).rows(table), 50))
        again = list(itertools.islice(Synth(Plan.at(SCALE), seed=7).rows(table), 50))
        assert first == again, table
        assert {len(row) for row in first} == {len(COLUMNS[table])}, table
        assert set(COLUMNS[table]) <= set(m.Base.metadata.tables[table].c.keys()), table
    other = list(itertools.islice(Synth(Plan.at(SCALE), seed=8).rows("kpi_values"), 50))
    assert other != list(itertools.islice(Synth(Plan.at(SCALE), seed=7).rows("kpi_values"), 50))


def column(rows, table: str, name: str) -> list:
    index = COLUMNS[table].index(name)
    return [row[index] for row in rows]


def test_actions_have_the_benchmark_shape():
    actions = list(Synth(Plan.at(0.02)).rows("actions"))
    statuses = Counter(column(actions, "actions", "status"))
    share = {status: count / len(actions) for status, count in statuses.items()}
    assert 0.55 < share["done"] < 0.65
    assert 0.2 < share["open"] + share["in_progress"] < 0.3
    assert 0.1 < share["blocked"] + share["cancelled"] < 0.2
    due = column(actions, "actions", "due_on")
    timescales = column(actions, "actions", "timescale")
    assert 0.45 < sum(d is not None for d in due) / len(actions) < 0.55
    assert all((d is None) != (t is None) for d, t in zip(due, timescales, strict=True))
    for weeks in range(-3, 3):  # about 1% of all actions fall due in any week around now
        start = NOW + timedelta(weeks=weeks)
        in_week = sum(d is not None and start <= d < start + timedelta(days=7) for d in due)
        assert 0.007 < in_week / len(actions) < 0.013, start
    refs = column(actions, "actions", "ref")
    assert refs[:3] == ["A-1", "A-2", "A-3"]


def test_meetings_and_agendas_have_the_benchmark_shape():
    synth = Synth(Plan.at(0.02))
    meetings = list(synth.rows("meetings"))
    days = column(meetings, "meetings", "meets_on")
    assert date(2015, 1, 1) <= min(days) and max(days) <= date(2030, 12, 31)
    statuses = Counter(column(meetings, "meetings", "status"))
    assert statuses.keys() == {"confirmed", "provisional", "cancelled"}
    assert statuses["confirmed"] > statuses["provisional"] > statuses["cancelled"]
    starts = column(meetings, "meetings", "starts_at")
    assert sum(s is not None for s in starts) / len(starts) > 0.8
    items = list(itertools.islice(synth.rows("agenda_items"), 2_000))
    numbers = Counter(column(items, "agenda_items", "number"))
    assert numbers["1"] == 200 and numbers["4.1"] > 0
    assert 0 < sum(column(items, "agenda_items", "restricted")) < 100
    people = list(synth.rows("people"))
    ids, slack_ids = column(people, "people", "id"), column(people, "people", "slack_user_id")
    on_slack = {person: slack_id for person, slack_id in zip(ids, slack_ids, strict=True) if slack_id}
    assert 0.3 < len(on_slack) / len(people) < 0.5
    assert all(slack_id == f"UB{person:05d}" for person, slack_id in on_slack.items())


def test_kpi_values_cover_areas_and_periods():
    values = list(itertools.islice(Synth(Plan.at(0.001)).rows("kpi_values"), 200))  # the first KPI
    assert len(set(column(values, "kpi_values", "area"))) == 10
    periods = set(column(values, "kpi_values", "period"))
    assert periods in ({label for label, _end in YEARS}, {label for label, _end in QUARTERS})
    assert "2019/20" in {label for label, _end in YEARS}
    assert all(v is not None for v in column(values, "kpi_values", "source_document_id"))
