"""Loading board-data files: all or nothing, idempotent, every problem reported at once."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import models as m
from bot.boarddata import export_yaml, load_files
from bot.boarddata.loader import agenda_position
from bot.db import make_sessions

NOW = datetime(2024, 1, 10, 9, 30, tzinfo=UTC)

BOARD = """
boardbot: 1
documents:
  - key: pack
    title: An agenda pack
organisations:
  - key: rbkc
    name: Royal Borough of Kensington and Chelsea
people:
  - key: ann-lead
    name: Ann Lead
    organisation: rbkc
  - key: sam-secretary
    name: Sam Secretary
boards:
  - key: hwb
    name: Health & Wellbeing Board
    secretary: sam-secretary
memberships:
  - {board: hwb, person: ann-lead, role: chair}
meetings:
  - key: hwb-2024-02-01
    board: hwb
    date: 2024-02-01
    start_time: "18:30"
    status: confirmed
    host: rbkc
    source: {doc: pack, line: 12}
agenda_items:
  - {meeting: hwb-2024-02-01, number: 4.1, title: Minutes}
  - {meeting: hwb-2024-02-01, number: "10", title: Any other business}
  - {meeting: hwb-2024-02-01, number: "4", title: Minutes and actions arising}
actions:
  - board: hwb
    ref: A-1
    meeting: hwb-2024-02-01
    agenda_item: "4"
    description: Share the dashboard
    lead: ann-lead
    due_on: 2024-03-01
    status: open
  - board: hwb
    ref: A-2
    description: Review the plan
    lead_text: YJS and Partners
    timescale: Autumn 2023
    status: in_progress
kpis:
  - {key: fte, board: hwb, name: First time entrants, unit: count, scope: borough, aliases: [FTE]}
kpi_values:
  - {kpi: fte, area: Westminster, period: 2022/23, period_end: 2023-03-31, value: 44, london: 44.6,
     source: {doc: pack, line: 468}}
"""


def write(tmp_path: Path, text: str, name: str = "board.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def load(engine, *paths, dry_run=False, now=NOW):
    with make_sessions(engine).begin() as session:
        return load_files(session, list(paths), now=now, dry_run=dry_run)


def export(engine) -> str:
    with make_sessions(engine)() as session:
        return export_yaml(session)


def count(engine, model) -> int:
    with make_sessions(engine)() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_load_creates_every_kind_and_resolves_references(fresh_db, tmp_path):
    result = load(fresh_db, write(tmp_path, BOARD))
    assert result.ok, result.problems
    with make_sessions(fresh_db)() as session:
        meeting = session.scalar(select(m.Meeting))
        assert meeting.board.name == "Health & Wellbeing Board"
        assert meeting.host.key == "rbkc" and meeting.starts_at.strftime("%H:%M") == "18:30"
        assert meeting.board.secretary.name == "Sam Secretary"
        items = session.scalars(select(m.AgendaItem).order_by(m.AgendaItem.position)).all()
        assert [i.number for i in items] == ["4", "4.1", "10"]
        action = session.scalar(select(m.Action).where(m.Action.ref == "A-1"))
        assert action.lead.name == "Ann Lead" and action.agenda_item.number == "4"
        assert action.due_on == date(2024, 3, 1)
        vague = session.scalar(select(m.Action).where(m.Action.ref == "A-2"))
        assert vague.due_on is None and vague.timescale == "Autumn 2023"
        assert vague.lead is None and vague.lead_text == "YJS and Partners"
        value = session.scalar(select(m.KpiValue))
        assert (value.value, value.london, value.target) == (44.0, 44.6, None)
        assert value.source_line == 468


def test_loading_the_same_file_twice_changes_nothing(fresh_db, tmp_path):
    path = write(tmp_path, BOARD)
    first = load(fresh_db, path)
    before = export(fresh_db)
    second = load(fresh_db, path)
    assert first.changes and not second.changes
    assert second.unchanged == len(first.changes)
    assert export(fresh_db) == before
    assert count(fresh_db, m.ActionUpdate) == 0


def test_dry_run_reports_changes_and_writes_nothing(fresh_db, tmp_path):
    path = write(tmp_path, BOARD)
    result = load(fresh_db, path, dry_run=True)
    assert result.ok and any(c.describe() == "+ new meeting hwb-2024-02-01" for c in result.changes)
    assert count(fresh_db, m.Meeting) == 0
    load(fresh_db, path)
    changed = write(tmp_path, BOARD.replace("status: in_progress", "status: done"), "changed.yaml")
    result = load(fresh_db, changed, dry_run=True)
    descriptions = [c.describe() for c in result.changes]
    assert "~ action hwb/A-2: status: 'in_progress' -> 'done'" in descriptions
    assert any(d.startswith("+ new action update hwb/A-2/1") for d in descriptions)
    assert count(fresh_db, m.ActionUpdate) == 0


def test_a_load_that_changes_an_action_appends_history(fresh_db, tmp_path):
    load(fresh_db, write(tmp_path, BOARD))
    changed = BOARD.replace("status: in_progress", "status: done").replace(
        "due_on: 2024-03-01", "due_on: 2024-04-01"
    )
    load(fresh_db, write(tmp_path, changed, "changed.yaml"))
    with make_sessions(fresh_db)() as session:
        updates = session.scalars(select(m.ActionUpdate).order_by(m.ActionUpdate.id)).all()
        summary = [(u.action.ref, u.seq, u.field, u.old, u.new, u.via) for u in updates]
        assert summary == [
            ("A-1", 1, "due_on", "2024-03-01", "2024-04-01", "import"),
            ("A-2", 1, "status", "in_progress", "done", "import"),
        ]
        assert updates[0].note == f"loaded from {tmp_path / 'changed.yaml'}"


def test_history_is_never_rewritten(fresh_db, tmp_path):
    history = BOARD + textwrap.dedent("""
    action_updates:
      - {board: hwb, action: A-1, seq: 1, at: "2024-01-05T10:00:00+00:00", field: status,
         old: open, new: in_progress, via: message, by: ann-lead}
    """)
    assert load(fresh_db, write(tmp_path, history)).ok
    rewritten = history.replace("new: in_progress", "new: done")
    result = load(fresh_db, write(tmp_path, rewritten, "rewritten.yaml"))
    assert not result.ok
    assert "history is never rewritten" in str(result.problems[0])
    with make_sessions(fresh_db)() as session:
        assert session.scalar(select(m.ActionUpdate.new)) == "in_progress"


def test_an_omitted_field_is_cleared_on_reload(fresh_db, tmp_path):
    load(fresh_db, write(tmp_path, BOARD))
    load(fresh_db, write(tmp_path, BOARD.replace('    start_time: "18:30"\n', ""), "b.yaml"))
    with make_sessions(fresh_db)() as session:
        assert session.scalar(select(m.Meeting.starts_at)) is None


def test_references_span_files_and_the_database(fresh_db, tmp_path):
    common, rest = BOARD.split("boards:")
    first = write(tmp_path, common, "common.yaml")
    second = write(tmp_path, "boardbot: 1\nboards:" + rest, "rest.yaml")
    assert load(fresh_db, first, second).ok
    extra = write(
        tmp_path,
        """
        boardbot: 1
        actions:
          - {board: hwb, ref: A-3, description: Later action, lead: ann-lead, status: open}
    """,
        "extra.yaml",
    )
    assert load(fresh_db, extra).ok
    assert count(fresh_db, m.Action) == 3


def test_workspaces_keep_their_data_apart(fresh_db, tmp_path):
    load(fresh_db, write(tmp_path, BOARD))
    other = "boardbot: 1\nworkspace: {team_id: T0OTHER, name: Other council}\n" + BOARD.split("\n", 2)[2]
    result = load(fresh_db, write(tmp_path, other, "other.yaml"))
    assert result.ok and result.changes  # same keys, other workspace: all new
    assert count(fresh_db, m.Board) == 2
    text = export(fresh_db)
    assert text.count("boardbot: 1") == 2 and "team_id: T0OTHER" in text


@pytest.mark.parametrize(
    "number, before",
    [("4", "4.1"), ("4.1", "4.2"), ("4.2", "10"), ("9", "10"), ("3", "3a"), ("3a", "4"), ("1.9", "1.10")],
)
def test_agenda_numbers_sort_as_people_read_them(number, before):
    assert agenda_position(number) < agenda_position(before)


def test_agenda_positions_fit_a_32_bit_column():
    assert agenda_position("98z.98z.98z") < 2**31
