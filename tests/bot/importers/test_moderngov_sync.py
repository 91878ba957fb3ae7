"""The clock keeps ModernGov boards in step: the import remembers the source, the sync re-runs it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient
from sqlalchemy import select

from bench.moderngov_site import FakeSite, sample_committee
from bot import models as m
from bot.boarddata.provenance import note_slack
from bot.cli import main
from bot.config import Settings
from bot.db import make_engine, make_sessions
from bot.importers.mgclient import Client
from bot.importers.mgsync import sync_due
from reminders import scheduler

BOARD = "health-wellbeing-board"
IMPORTED = datetime(2023, 9, 1, tzinfo=UTC)
NEXT_DAY = datetime(2023, 9, 2, 9, 20, tzinfo=UTC)


@pytest.fixture
def site():
    fake = FakeSite([sample_committee()])
    yield fake
    fake.close()


@pytest.fixture
def imported(monkeypatch, fresh_url, site):
    """The committee imported with the command, its clerk on Slack as U0CLERK."""
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.setenv("BOARDBOT_NOW", "2023-09-01")
    main(["db", "upgrade"])
    assert (
        main(["import", "moderngov", "--site", site.url, "--committee", "137", "--from", "2023-01-01"]) == 0
    )
    engine = make_engine(fresh_url)
    with make_sessions(engine).begin() as session:
        session.scalars(select(m.Person).where(m.Person.key == "sam-clerk")).one().slack_user_id = "U0CLERK"
    yield make_sessions(engine)
    engine.dispose()


def pharmacy(session) -> m.AgendaItem:
    return session.scalars(
        select(m.AgendaItem)
        .join(m.Meeting)
        .where(m.Meeting.key == f"{BOARD}-mg-503", m.AgendaItem.number == "7")
    ).one()


def quick(site_url: str) -> Client:
    return Client(site_url, timeout=2, sleep=lambda _: None)


def run(sessions, now: datetime) -> tuple[list, list[tuple[str, str]]]:
    posts: list[tuple[str, str]] = []
    outcomes = sync_due(sessions, now, lambda user, text, blocks: posts.append((user, text)), client=quick)
    return outcomes, posts


def the_sync(sessions) -> m.ModernGovSync:
    with sessions() as session:
        return session.scalars(select(m.ModernGovSync)).one()


def test_an_import_remembers_where_the_board_comes_from(imported, site):
    sync = the_sync(imported)
    assert (sync.site, sync.committee_id, sync.starts_on, sync.every_days) == (
        site.url,
        137,
        date(2023, 1, 1),
        1,
    )
    assert sync.last_run_at.replace(tzinfo=UTC) == IMPORTED


def test_a_dry_run_remembers_nothing_and_the_interval_is_the_boards_own(monkeypatch, fresh_url, site):
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    main(["db", "upgrade"])
    command = ["import", "moderngov", "--site", site.url, "--committee", "137", "--from", "2023-01-01"]
    main([*command, "--dry-run"])
    engine = make_engine(fresh_url)
    with make_sessions(engine)() as session:
        assert session.scalars(select(m.ModernGovSync)).all() == []
    main([*command, "--sync-every", "7"])
    assert the_sync(make_sessions(engine)).every_days == 7
    main(command)  # imported again by hand: the board's interval stays
    assert the_sync(make_sessions(engine)).every_days == 7
    engine.dispose()


def test_the_daily_sync_updates_what_the_site_changed_and_tells_the_secretary(imported, site):
    with imported.begin() as session:  # the pharmacy paper is marked submitted in Slack
        item = pharmacy(session)
        item.paper_status = "submitted"
        note_slack(
            session, item.meeting.board.workspace_id, "agenda_items", item.id, ["paper_status"], by="U0CLERK"
        )
    site.committees[0] = sample_committee(changed=True)

    assert run(imported, IMPORTED + timedelta(hours=23)) == ([], [])  # not a day yet
    outcomes, posts = run(imported, NEXT_DAY)

    assert [(o.board, o.failure, o.told) for o in outcomes] == [(BOARD, None, "U0CLERK")]
    [(user, text)] = posts
    assert user == "U0CLERK"
    assert "*Health &amp; Wellbeing Board* is in step with ModernGov again" in text
    assert f"~ meeting {BOARD}-mg-503: date: 2023-10-12 -&gt; 2023-10-19" in text
    assert f"+ new agenda item {BOARD}-mg-503/5a" in text
    assert (
        f"agenda item {BOARD}-mg-503/7: paper_status: kept 'submitted' (set in Slack by U0CLERK on " in text
    )
    assert "); the site now says 'published'" in text
    with imported() as session:
        meeting = session.scalars(select(m.Meeting).where(m.Meeting.key == f"{BOARD}-mg-503")).one()
        assert meeting.meets_on == date(2023, 10, 19)
        assert pharmacy(session).paper_status == "submitted"
        history = session.scalars(
            select(m.FieldProvenance).where(
                m.FieldProvenance.record_id == meeting.id,
                m.FieldProvenance.kind == "meetings",
                m.FieldProvenance.field == "date",
            )
        ).one()
        assert history.source_name == f"ModernGov: moderngov {site.url} committee 137"
    assert the_sync(imported).last_outcome.startswith(
        "documents: 3 new, 0 changed; meetings: 0 new, 2 changed"
    )

    outcomes, posts = run(imported, NEXT_DAY + timedelta(days=1))
    assert [o.result.changes for o in outcomes] == [[]] and len(posts) == 1  # the conflict, again


def test_a_site_that_fails_changes_nothing_and_the_secretary_is_told(imported, site):
    site.off = True
    outcomes, posts = run(imported, NEXT_DAY)
    assert outcomes[0].failure.startswith(f"{site.url}/mgWebService.asmx/GetMeetings?lCommitteeId=137")
    [(user, text)] = posts
    assert (
        "today's sync with ModernGov (committee 137" in text
        and "could not run, so nothing was changed" in text
    )
    assert the_sync(imported).last_outcome.startswith("failed: ")


def test_an_unchanged_site_says_nothing_and_a_board_set_to_never_is_left(imported, site):
    assert run(imported, NEXT_DAY)[1] == []
    with imported.begin() as session:
        session.scalars(select(m.ModernGovSync)).one().every_days = 0
    assert run(imported, NEXT_DAY + timedelta(days=30)) == ([], [])


def test_the_clock_registers_the_sync_in_its_own_executor():
    clock = scheduler.build_scheduler(BackgroundScheduler)
    clock.start(paused=True)
    try:
        for _ in range(2):
            scheduler.add_sync_job(clock, Settings(database_url="sqlite://"), None, WebClient(), "T0TEST")
        [job] = clock.get_jobs()
    finally:
        clock.shutdown(wait=False)
    assert (job.id, job.executor, str(job.trigger)) == ("moderngov.sync", "imports", "cron[minute='20']")
    assert job.func is scheduler.moderngov_job
