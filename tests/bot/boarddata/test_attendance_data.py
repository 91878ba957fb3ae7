"""Attendance and quorum rules in the board-data format: read, loaded, exported, and checked."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot import attendance as att
from bot import models as m
from bot.boarddata import export_yaml, load_files
from bot.db import make_sessions
from tests.conftest import ROOT

NOW = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
EXAMPLE = ROOT / "docs" / "examples" / "quorum.yaml"

ATTENDANCE = """
boardbot: 1
workspace:
  team_id: local
documents:
  - {key: minutes, title: Minutes}
attendance:
  - {meeting: gen-2023-10-05, person: gen-dph, status: apologies, substitute: gen-deputy,
     recorded_by: gen-secretary, recorded_at: "2023-09-01T08:00:00+00:00"}
  - {meeting: gen-2023-10-05, person: gen-nhs-member, status: attending, mode: online}
  - {meeting: gen-2023-10-05, name: "A. Visitor", minuted: true, status: also-present, source: {doc: minutes, line: 3}}
  - {meeting: gen-2023-10-05, person: gen-cllr, minuted: true, status: apologies, substitute_name: "Cllr Someone"}
"""


def test_the_example_quorum_board_and_attendance_load_and_export_losslessly(fresh_db, tmp_path):
    extra = tmp_path / "attendance.yaml"
    extra.write_text(ATTENDANCE)
    sessions = make_sessions(fresh_db)
    with sessions.begin() as session:
        result = load_files(session, [EXAMPLE, extra], now=NOW)
        assert result.ok, result.problems
    with sessions() as session:
        board = session.scalar(select(m.Board).where(m.Board.key == "gen"))
        assert board.quorum == 4
        groups = list(session.scalars(select(m.QuorumGroup).order_by(m.QuorumGroup.key)))
        assert [(g.key, g.at_least, g.people) for g in groups][-1] == ("nhs", 1, None)
        assert len(session.scalars(select(m.Attendance)).all()) == 4
        exported = export_yaml(session)
    again = tmp_path / "export.yaml"
    again.write_text(exported)
    assert "quorum: 4" in exported and "substitute_name: Cllr Someone" in exported
    with sessions.begin() as session:
        assert load_files(session, [again], now=NOW).summary().startswith("nothing to change")


def test_an_attendance_record_naming_nobody_is_refused_with_its_line(fresh_db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(ATTENDANCE + "  - {meeting: gen-2023-10-05, status: apologies}\n")
    with make_sessions(fresh_db).begin() as session:
        result = load_files(session, [EXAMPLE, bad], now=NOW)
    assert [str(p) for p in result.problems] == [
        f"{bad}:13: attendance[4]: an attendance record names someone: give `person` (a person key) or "
        "`name` (as written)"
    ]


def test_a_reload_keeps_replies_made_in_slack(fresh_db, tmp_path):
    sessions = make_sessions(fresh_db)
    with sessions.begin() as session:
        load_files(session, [EXAMPLE], now=NOW)
    with sessions.begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == "gen-2023-10-05"))
        dph = session.scalar(select(m.Person).where(m.Person.key == "gen-dph"))
        att.record_reply(session, meeting, dph, m.AttendanceStatus.APOLOGIES, by=dph, now=NOW)
    with sessions.begin() as session:
        load_files(session, [EXAMPLE], now=NOW)
        assert session.scalar(select(m.Attendance.status)) == "apologies"
