"""A ModernGov committee imported and kept in step: the loopback site, both databases, the CLI, members."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from bench.moderngov_site import FakeSite, SiteCommittee, sample_committee
from bot import models as m
from bot.boarddata import load_imported
from bot.boarddata.provenance import note_slack
from bot.cli import main
from bot.db import make_sessions
from bot.importers.mgclient import Client
from bot.importers.moderngov import fetch

START, END = date(2023, 1, 1), date(2023, 12, 31)
FIRST = datetime(2023, 9, 1, 9, 0, tzinfo=UTC)
SECOND = datetime(2023, 10, 17, 9, 0, tzinfo=UTC)
BOARD = "health-wellbeing-board"


@pytest.fixture
def site():
    fake = FakeSite([sample_committee(), SiteCommittee(138, "Licensing Sub-Committee", expired=True)])
    yield fake
    fake.close()


def sync(engine, site: FakeSite, now: datetime, **options):
    imported = fetch(Client(site.url, sleep=lambda _: None), 137, START, END)
    with make_sessions(engine).begin() as session:
        return load_imported(session, [imported], now=now, **options)


def meeting(session, number: int) -> m.Meeting:
    return session.scalars(select(m.Meeting).where(m.Meeting.key == f"{BOARD}-mg-{number}")).one()


def item(session, meeting_id: int, number: str) -> m.AgendaItem:
    found = meeting(session, meeting_id)
    return session.scalars(
        select(m.AgendaItem).where(m.AgendaItem.meeting_id == found.id, m.AgendaItem.number == number)
    ).one()


def test_a_committee_becomes_a_board_with_its_meetings_items_papers_and_seats(fresh_db, site):
    result = sync(fresh_db, site, FIRST)
    assert result.ok, result.problems
    with make_sessions(fresh_db)() as session:
        board = session.scalars(select(m.Board).where(m.Board.key == BOARD)).one()
        assert board.name == "Health & Wellbeing Board" and board.secretary.name == "Sam Clerk"
        june, cancelled, october, december = (meeting(session, n) for n in (501, 502, 503, 504))
        assert (june.meets_on, june.starts_at, june.status) == (date(2023, 6, 15), time(10, 0), "confirmed")
        assert june.venue == "Council Chamber, Town Hall, Hornton Street, W8 7NX"
        assert june.papers_url == f"{site.url}/ieListDocuments.aspx?CId=137&MId=501"
        assert (cancelled.status, cancelled.starts_at) == ("cancelled", time(14, 30))
        assert (december.status, december.starts_at, december.venue) == ("provisional", None, None)
        assert october.meets_on == date(2023, 10, 12)
        assert item(session, 503, "8").restricted and not item(session, 503, "4").restricted
        paper = item(session, 503, "4")
        assert paper.paper_status == "published"
        document = session.get(m.Document, paper.source_document_id)
        assert (document.title, document.published_on) == ("Strategy report", date(2023, 10, 4))
        assert document.url == f"{site.url}/documents/s9103/Strategy%20report.pdf"
        seats = session.scalars(select(m.Membership).where(m.Membership.board_id == board.id)).all()
        assert sorted((s.person.name, s.role, s.starts_on, s.ends_on) for s in seats) == [
            ("Councillor Ann O'Neill", "vice-chair", date(2023, 6, 15), None),
            ("Councillor Josh Rendall", "chair", date(2023, 6, 15), None),
            ("Dr Priya Patel", "member", date(2023, 6, 15), None),
            ("Sam Clerk", "secretary", date(2023, 6, 15), None),
        ]
        assert session.scalar(select(m.Meeting).where(m.Meeting.key == f"{BOARD}-mg-401")) is None  # 2019
        sources = session.scalars(
            select(m.FieldProvenance).where(
                m.FieldProvenance.kind == "meetings", m.FieldProvenance.record_id == june.id
            )
        ).all()
        assert {(s.source, s.source_name) for s in sources} == {
            (m.SourceKind.IMPORT.value, f"ModernGov: moderngov {site.url} committee 137")
        }


def test_a_second_sync_of_an_unchanged_site_changes_nothing(fresh_db, site):
    sync(fresh_db, site, FIRST)
    again = sync(fresh_db, site, SECOND)
    assert again.ok and not again.changes and not again.kept


def test_a_change_on_the_site_updates_exactly_what_changed_and_keeps_a_slack_edit(fresh_db, site):
    sync(fresh_db, site, FIRST)
    with make_sessions(fresh_db).begin() as session:  # the pharmacy paper is marked submitted in Slack
        pharmacy = item(session, 503, "7")
        pharmacy.paper_status = "submitted"
        note_slack(
            session,
            pharmacy.meeting.board.workspace_id,
            "agenda_items",
            pharmacy.id,
            ["paper_status"],
            by="U123",
        )
    site.committees[0] = sample_committee(changed=True)

    preview = sync(fresh_db, site, SECOND, dry_run=True)
    result = sync(fresh_db, site, SECOND)

    assert [c.describe() for c in preview.changes] == [c.describe() for c in result.changes]
    assert [c.describe() for c in result.changes] == [
        f"+ new document {BOARD}-mg-doc-9150",
        f"+ new document {BOARD}-mg-doc-9151",
        f"+ new document {BOARD}-mg-doc-9106",
        f"~ meeting {BOARD}-mg-503: date: 2023-10-12 -> 2023-10-19; "
        "venue: 'Council Chamber, Town Hall, Hornton Street, W8 7NX' -> 'Committee Room 2, Town Hall'",
        f"~ meeting {BOARD}-mg-504: start_time: (none) -> 10:00:00; "
        "venue: (none) -> 'Council Chamber, Town Hall, Hornton Street, W8 7NX'; status: 'provisional' -> 'confirmed'",
        f"+ new agenda item {BOARD}-mg-503/5a",
        f"~ agenda item {BOARD}-mg-503/7: source: (none) -> {BOARD}-mg-doc-9106 p. None",
    ]
    assert [(k.kind.name, k.key, k.field, k.current, k.file_value) for k in result.conflicts] == [
        ("agenda_items", (f"{BOARD}-mg-503", "7"), "paper_status", "submitted", "published")
    ]
    with make_sessions(fresh_db)() as session:
        assert meeting(session, 503).meets_on == date(2023, 10, 19)
        assert item(session, 503, "7").paper_status == "submitted"
        assert item(session, 503, "5a").title == "Pharmaceutical Needs Assessment 2024"
        assert session.scalars(select(m.Meeting)).all().__len__() == 4  # moved, not duplicated
    third = sync(fresh_db, site, SECOND)
    assert not third.changes and len(third.conflicts) == 1  # listed until the two agree


def test_the_command_dry_run_real_run_and_second_run(monkeypatch, fresh_url, site, capsys):
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.setenv("BOARDBOT_NOW", "2023-09-01")
    assert main(["db", "upgrade"]) == 0
    with pytest.raises(SystemExit) as listed:
        main(["import", "moderngov", "--site", site.url, "--list"])
    assert listed.value.code == 0
    assert capsys.readouterr().out.endswith(
        "   137  Health & Wellbeing Board\n   138  Licensing Sub-Committee (expired)\n"
    )
    command = ["import", "moderngov", "--site", site.url, "--committee", "137", "--from", "2023-01-01"]
    assert main([*command, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"+ new meeting {BOARD}-mg-503" in out and "Dry run, nothing changed" in out
    assert main([*command, "--dry-run"]) == 0
    assert "Would import: documents: 7 new" in capsys.readouterr().out  # the dry run wrote nothing
    assert main(command) == 0
    assert "meetings: 4 new, 0 changed; agenda_items: 11 new" in capsys.readouterr().out
    assert main(command) == 0
    assert "nothing to change (31 records already up to date)" in capsys.readouterr().out


def test_an_unreadable_site_changes_nothing_and_says_why(monkeypatch, fresh_url, site, capsys):
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    main(["db", "upgrade"])
    capsys.readouterr()
    site.off = True
    assert main(["import", "moderngov", "--site", site.url, "--committee", "137"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"Nothing was imported: {site.url}/mgWebService.asmx/GetMeetings?lCommitteeId=137&sFromDate="
    )
    assert "answered HTTP 404" in err
    assert main(["import", "moderngov", "--site", site.url]) == 1
    assert "--committee ID is needed" in capsys.readouterr().err


def test_members_ask_about_the_imported_board(monkeypatch, fresh_url, site, capsys):
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.setenv("BOARDBOT_NOW", "2023-09-01")
    main(["db", "upgrade"])
    main(["import", "moderngov", "--site", site.url, "--committee", "137", "--from", "2023-01-01"])
    capsys.readouterr()
    ask = ["console", "--as", "josh-rendall", "--log", "/dev/null", "-c"]
    assert main([*ask, "/nextmeeting health and wellbeing board"]) == 0
    out = capsys.readouterr().out
    assert "Thursday 12 October 2023" in out and "Council Chamber, Town Hall" in out
    assert main([*ask, "/agenda health & wellbeing 12 oct"]) == 0
    out = capsys.readouterr().out
    assert "Children's mental health: the 'Thrive' model" in out
    assert "Community equipment contract award" in out  # the chair, in a direct message
    assert main([*ask, "/agenda 12 Oct", "--board", BOARD]) == 0  # in the board's channel
    out = capsys.readouterr().out
    assert "Thrive" in out and "Community equipment contract award" not in out
