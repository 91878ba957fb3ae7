"""What importers write goes through the same merge as a file: provenance "via", history, conflicts."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

from sqlalchemy import select

from bot import models as m
from bot.boarddata import Imported, load_imported
from bot.boarddata.provenance import note_slack
from bot.db import make_sessions

FIRST = datetime(2024, 1, 10, 9, 30, tzinfo=UTC)
SECOND = datetime(2024, 1, 11, 9, 30, tzinfo=UTC)
KEY = "spreadsheet tracker.xlsx sheet Actions"

TRACKER = """
boardbot: 1
people:
  - {key: ann-lead, name: Ann Lead}
boards:
  - {key: hwb, name: Health & Wellbeing Board}
actions:
  - {board: hwb, ref: A-1, description: Share the dashboard, lead: ann-lead, status: open}
  - {board: hwb, ref: A-2, description: Review the plan, lead_text: YJS, status: open}
"""


def run(engine, text: str, now: datetime, **options):
    item = Imported(key=KEY, text=textwrap.dedent(text), via="spreadsheet")
    with make_sessions(engine).begin() as session:
        return load_imported(session, [item], now=now, **options)


def action(session, ref: str) -> m.Action:
    return session.scalars(select(m.Action).where(m.Action.ref == ref)).one()


def test_an_import_records_its_importer_as_each_fields_source(fresh_db):
    result = run(fresh_db, TRACKER, FIRST)
    assert result.ok, result.problems
    with make_sessions(fresh_db)() as session:
        row = action(session, "A-1")
        sources = session.scalars(
            select(m.FieldProvenance).where(
                m.FieldProvenance.kind == "actions", m.FieldProvenance.record_id == row.id
            )
        ).all()
        assert {s.source for s in sources} == {m.SourceKind.IMPORT.value}
        assert all(s.source_name == f"spreadsheet: {KEY}" for s in sources)


def test_importing_the_same_source_twice_changes_nothing(fresh_db):
    run(fresh_db, TRACKER, FIRST)
    again = run(fresh_db, TRACKER, SECOND)
    assert again.ok and not again.changes
    assert again.summary().startswith("nothing to change")


def test_a_changed_row_becomes_one_history_entry_via_the_importer(fresh_db):
    run(fresh_db, TRACKER, FIRST)
    changed = TRACKER.replace(
        "Share the dashboard, lead: ann-lead, status: open",
        "Share the dashboard, lead: ann-lead, status: done",
    )
    result = run(fresh_db, changed, SECOND)
    assert [c.describe() for c in result.changes if c.kind.name == "actions"] == [
        "~ action hwb/A-1: status: 'open' -> 'done'"
    ]
    with make_sessions(fresh_db)() as session:
        row = action(session, "A-1")
        history = session.scalars(select(m.ActionUpdate).where(m.ActionUpdate.action_id == row.id)).all()
        assert [(u.field, u.old, u.new, u.via, u.note) for u in history] == [
            ("status", "open", "done", m.UpdateVia.IMPORT.value, f"via spreadsheet ({KEY})")
        ]


def test_a_slack_edit_is_kept_and_reported_when_the_source_changes_it_too(fresh_db):
    run(fresh_db, TRACKER, FIRST)
    with make_sessions(fresh_db).begin() as session:
        row = action(session, "A-2")
        row.status = "blocked"
        note_slack(session, row.board.workspace_id, "actions", row.id, ["status"], by="U123")
    changed = TRACKER.replace("lead_text: YJS, status: open", "lead_text: YJS, status: done")
    result = run(fresh_db, changed, SECOND)
    assert [(k.field, k.current, k.file_value) for k in result.conflicts] == [("status", "blocked", "done")]
    with make_sessions(fresh_db)() as session:
        assert action(session, "A-2").status == "blocked"
