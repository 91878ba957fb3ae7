"""Claims in batches, leases, several clocks with worker pools, fairness and Retry-After per workspace."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from datetime import date, timedelta

import pytest

from bot import models as m
from bot.config import ConfigError, Settings
from bot.db import make_engine, make_sessions
from reminders import ledger
from reminders.delivery import Sender, make_client
from reminders.limits import Limits
from reminders.run import plan_reminders, run_reminders
from tests.fake_slack import Call, Scripted
from tests.reminders.test_clocks import url_of
from tests.reminders.world import SlackWithHistory, Sleeps, at_local, deliveries_of

D = date.fromisoformat
NOW = at_local(D("2026-11-26"))


def add_workspace(world, team: str, leads: int) -> None:
    """Another workspace with a board whose `leads` leads each have an action due today."""
    with world.session() as s:
        workspace = s.get(m.Workspace, s.get(m.Board, world.board_id).workspace_id)
        if workspace.team_id != team:
            workspace = m.Workspace(team_id=team, name=f"Council {team}")
            s.add(workspace)
            s.flush()
        board = m.Board(workspace_id=workspace.id, key=f"b-{team.lower()}", name=f"Board of {team}",
                        slack_channel=f"C{team}", timezone="Europe/London", holiday_region="england",
                        paper_deadline_working_days=10)  # fmt: skip
        s.add(board)
        s.flush()
        for n in range(leads):
            person = m.Person(workspace_id=workspace.id, key=f"lead-{team}-{n}", name=f"Lead {n}",
                              slack_user_id=f"U{team[1:]}{n:03d}")  # fmt: skip
            s.add(person)
            s.flush()
            s.add(m.Action(board_id=board.id, ref=f"{team}-{n}", description="Report back", lead_id=person.id,
                           due_on=D("2026-11-26"), status=m.ActionStatus.OPEN))  # fmt: skip


def senders_for(fake, *, limits: Limits | None = None):
    """Each workspace's own Sender (its own token), sharing the run's limits."""
    made: dict[str, Sender] = {}

    def sender(team: str) -> Sender:
        if team not in made:
            client = make_client(Settings(slack_bot_token=f"xoxb-{team}"), base_url=fake.api_url)
            sleeps = Sleeps()
            made[team] = Sender(client, sleep=sleeps, clock=sleeps.clock, limits=limits, team=team)
        return made[team]

    return sender


def team_of(call: Call) -> str:
    return call.headers["Authorization"].removeprefix("Bearer xoxb-")


def due_reminders(world):
    with world.session() as s:
        return plan_reminders(s, NOW).due


def test_a_claim_holds_until_its_lease_runs_out_then_another_takes_it_in_doubt(world):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    [reminder] = due_reminders(world)
    with world.session() as s:
        [mine] = ledger.claim(s, [reminder], "clock-a", NOW).values()
    assert not mine.uncertain
    with world.session() as s:  # nine minutes on: clock-a's lease still holds
        assert ledger.claim(s, [reminder], "clock-b", NOW + timedelta(minutes=9)) == {}
    with world.session() as s:  # eleven minutes on: it ran out, and clock-a may have posted
        [taken] = ledger.claim(s, [reminder], "clock-b", NOW + timedelta(minutes=11)).values()
    assert taken.id == mine.id and taken.uncertain
    [row] = world.ledger()
    assert (row.claimed_by, row.status) == ("clock-b", "pending")
    with world.session() as s:  # and clock-b's claim now holds against clock-a
        assert ledger.claim(s, [reminder], "clock-a", NOW + timedelta(minutes=12)) == {}


def test_a_shorter_lease_is_a_setting_of_the_run(world):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    [reminder] = due_reminders(world)
    with world.session() as s:
        ledger.claim(s, [reminder], "clock-a", NOW, lease=timedelta(minutes=2))
    with world.session() as s:
        assert ledger.claim(s, [reminder], "clock-b", NOW + timedelta(minutes=1), timedelta(minutes=2)) == {}
        assert ledger.claim(s, [reminder], "clock-b", NOW + timedelta(minutes=3), timedelta(minutes=2))


def test_rows_another_clock_is_claiming_are_skipped_not_waited_for(backend, world):
    if backend.name == "sqlite":
        pytest.skip("SQLite has one clock and no row locks: its writers take turns")
    for n in range(4):
        world.add_action(f"A-{n}", D("2026-11-26"), lead="leo-lead" if n % 2 else "amy-author")
    reminders = due_reminders(world)
    with world.session() as s:  # rows in the ledger, pending and unclaimed (a run released them)
        released = ledger.claim(s, reminders, "clock-0", NOW)
        ledger.release(s, [c.id for c in released.values()], "clock-0", "out of time", uncertain=False)
    other = make_engine(url_of(world))
    try:
        with world.session() as a:
            first = ledger.claim(a, reminders[:2], "clock-a", NOW)  # not committed yet: rows locked
            with make_sessions(other).begin() as b:
                second = ledger.claim(b, reminders, "clock-b", NOW)  # answers at once, without them
    finally:
        other.dispose()
    assert len(first) == 2 and len(second) == len(reminders) - 2 and not set(first) & set(second)
    assert {row.claimed_by for row in world.ledger()} == {"clock-a", "clock-b"}


def test_one_clock_with_a_pool_sends_each_reminder_once_on_either_database(world, slack):
    add_workspace(world, "T0AAA", 12)
    add_workspace(world, "T0BBB", 7)
    result = run_reminders(make_sessions(world.engine), senders_for(slack, limits=Limits.posting(100)),
                           now=NOW, workers=4, batch=5)  # fmt: skip
    posted = [i for call in slack.posted() for i in deliveries_of(call)]
    assert len(posted) == len(set(posted)) == 19 == result.delivered == result.messages
    assert {r.status for r in world.ledger()} == {"sent"} and result.pending == 0
    assert Counter(team_of(c) for c in slack.posted()) == {"T0AAA": 12, "T0BBB": 7}


@pytest.mark.parametrize("clocks", [2, 4])
def test_clocks_with_pools_divide_a_run_between_them_and_send_each_once(backend, world, slack, clocks):
    if backend.name == "sqlite":
        pytest.skip("SQLite runs one clock (SKIP LOCKED is PostgreSQL's)")
    for team, leads in (("T0AAA", 30), ("T0BBB", 20), ("T0CCC", 10)):
        add_workspace(world, team, leads)
    slack.script("chat.postMessage", *[Scripted(delay=0.02)] * 60)  # slow enough for the clocks to overlap
    start = threading.Barrier(clocks)
    results, errors = [], []

    def clock(number: int) -> None:
        engine = make_engine(url_of(world))
        try:
            start.wait()
            results.append(run_reminders(make_sessions(engine), senders_for(slack), now=NOW,
                                         run_id=f"clock-{number}", workers=4, batch=4))  # fmt: skip
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=clock, args=(n,)) for n in range(clocks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    posted = [i for call in slack.posted() for i in deliveries_of(call)]
    assert len(posted) == len(set(posted)) == 60  # no duplicates, none lost
    assert len(slack.calls_to("chat.postMessage")) == 60
    assert {r.status for r in world.ledger()} == {"sent"} and len(world.ledger()) == 60
    assert sum(r.delivered for r in results) == 60 and sum(r.pending for r in results) == 0
    assert all(r.delivered + r.elsewhere == r.due for r in results)
    assert sum(1 for r in results if r.delivered) >= 2  # the work was divided


def test_a_huge_workspace_does_not_hold_up_a_small_ones_reminders(world, slack):
    add_workspace(world, "T0BIG", 40)
    add_workspace(world, "T0SML", 3)
    run_reminders(make_sessions(world.engine), senders_for(slack), now=NOW, workers=1, batch=1)
    order = [team_of(call) for call in slack.posted()]
    assert len(order) == 43
    assert [n for n, team in enumerate(order) if team == "T0SML"] == [1, 3, 5]  # round-robin


def test_a_retry_after_in_one_workspace_does_not_stall_another(world):
    class Limited(SlackWithHistory):
        """Tells workspace T0AAA, once, to wait a second."""

        def _record(self, call: Call) -> Scripted:
            if call.method == "chat.postMessage":
                self.order.append(team_of(call))
            if call.method == "chat.postMessage" and team_of(call) == "T0AAA" and not self.told:
                self.told = True
                return Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
            return super()._record(call)

    slack = Limited()
    slack.told, slack.order = False, []
    try:
        add_workspace(world, "T0AAA", 3)
        add_workspace(world, "T0BBB", 6)
        limits = Limits.posting(100)
        senders = senders_for(slack, limits=limits)
        senders("T0AAA").sleep = time.sleep  # the pause is waited out for real (one second)
        result = run_reminders(make_sessions(world.engine), senders, now=NOW, workers=2, batch=2)
        order = slack.order
    finally:
        slack.close()
    assert result.delivered == 9 and result.pending == 0
    assert order.count("T0AAA") == 4  # one 429, then its three
    second_try = [n for n, team in enumerate(order) if team == "T0AAA"][1]
    assert order[:second_try].count("T0BBB") == 6  # the other workspace went on meanwhile


def test_a_run_out_of_time_says_how_many_are_left_and_when_they_will_go(world, slack, caplog):
    add_workspace(world, "T0AAA", 5)
    with caplog.at_level(logging.WARNING, logger="reminders.run"):
        first = run_reminders(make_sessions(world.engine), senders_for(slack), now=NOW,
                              cutoff=timedelta(0), workers=2, batch=2)  # fmt: skip
    assert (first.due, first.delivered, first.pending) == (5, 0, 5)
    assert "5 reminders left, to go at the next run (09:10 UTC)" in caplog.text
    assert world.ledger() == []  # nothing claimed: the next run takes them at once
    second = run_reminders(make_sessions(world.engine), senders_for(slack), now=NOW + timedelta(minutes=5),
                           workers=2, batch=2)  # fmt: skip
    assert (second.due, second.delivered) == (5, 5)


def test_a_workspace_slack_refuses_stops_alone(world, slack):
    class Revoked(SlackWithHistory):
        def _record(self, call: Call) -> Scripted:
            if call.method == "chat.postMessage":
                self.tried.append(team_of(call))
            if call.method == "chat.postMessage" and team_of(call) == "T0AAA":
                return Scripted(200, {"ok": False, "error": "token_revoked"})
            return super()._record(call)

    revoked = Revoked()
    revoked.tried = []
    try:
        add_workspace(world, "T0AAA", 4)
        add_workspace(world, "T0BBB", 4)
        result = run_reminders(make_sessions(world.engine), senders_for(revoked), now=NOW, workers=1, batch=1)
        tried = Counter(revoked.tried)
    finally:
        revoked.close()
    assert (result.delivered, result.pending) == (4, 4)
    assert tried == {"T0AAA": 1, "T0BBB": 4}


def test_the_runs_lease_and_cut_off_are_settings_with_clear_errors():
    settings = Settings.from_env({"REMINDER_LEASE_SECONDS": "900", "REMINDER_CUTOFF_SECONDS": "120"})
    assert (settings.reminder_lease, settings.reminder_cutoff) == (
        timedelta(minutes=15),
        timedelta(minutes=2),
    )
    assert Settings.from_env({}).reminder_workers == 32
    with pytest.raises(ConfigError, match="more than half of REMINDER_LEASE_SECONDS=600"):
        Settings.from_env({"REMINDER_CUTOFF_SECONDS": "400"})
    with pytest.raises(
        ConfigError, match=r"REMINDER_WORKERS='lots' is not a whole number from 1 to 256; use e\.g\. 16"
    ):
        Settings.from_env({"REMINDER_WORKERS": "lots"})
