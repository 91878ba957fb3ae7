"""Clocks that die, clocks that were down, and two clocks at once: every reminder exactly once."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from datetime import date, timedelta

import pytest

from bot import models as m
from bot.db import make_engine, make_sessions
from reminders.delivery import Sender
from reminders.run import run_reminders
from reminders.turns import Turns
from tests.fake_slack import Scripted
from tests.reminders.world import TEAM, at_local, run_at, sender_for

D = date.fromisoformat
NOW = at_local(D("2026-11-26"))


def url_of(world) -> str:
    return world.engine.url.render_as_string(hide_password=False)


def _run_and_die(url: str, api_url: str, when: str) -> None:
    """In a child process: a run that is killed (SIGKILL) right after claiming, or right after posting."""
    from datetime import datetime

    from tests.reminders.world import SlackWithHistory  # noqa: F401 (same modules as the parent)

    engine = make_engine(url)

    class Fake:
        pass

    fake = Fake()
    fake.api_url = api_url
    sender = sender_for(fake)
    kill = lambda *_: os.kill(os.getpid(), signal.SIGKILL)  # noqa: E731
    if when == "after_claim":
        run_reminders(make_sessions(engine), sender, now=NOW, team_id=TEAM, after_claim=kill)
    else:

        class DiesAfterPosting(Sender):
            def deliver(self, *args, **kwargs):
                super().deliver(*args, **kwargs)
                kill()

        dying = DiesAfterPosting(sender.client, sleep=sender.sleep, clock=sender.clock)
        run_reminders(make_sessions(engine), dying, now=NOW, team_id=TEAM)
    datetime.now()  # not reached


def killed_run(world, slack, when: str) -> int:
    child = multiprocessing.get_context("fork").Process(
        target=_run_and_die, args=(url_of(world), slack.api_url, when)
    )
    child.start()
    child.join(30)
    return child.exitcode


def test_a_run_killed_between_claim_and_send_is_sent_once_when_its_lease_runs_out(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    assert killed_run(world, slack, "after_claim") == -signal.SIGKILL
    [row] = world.ledger()
    assert (row.status, row.claimed_by is not None, len(slack.calls_to("chat.postMessage"))) == (
        "pending",
        True,
        0,
    )

    during = run_at(world, slack, NOW + timedelta(minutes=5))  # the dead run's lease still holds
    assert (during.due, during.delivered, len(slack.posted())) == (0, 0, 0)
    after = run_at(world, slack, NOW + timedelta(minutes=11))
    assert after.delivered == 1
    assert len(slack.calls_to("conversations.history")) == 1  # it looked first: the dead run might have sent
    assert run_at(world, slack, NOW + timedelta(minutes=20)).due == 0
    assert len(slack.posted()) == 1


def test_a_run_killed_after_slack_took_the_message_does_not_send_it_again(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    assert killed_run(world, slack, "after_post") == -signal.SIGKILL
    assert len(slack.posted()) == 1
    [row] = world.ledger()
    assert row.status == "pending"  # Slack has it, the ledger does not know yet
    after = run_at(world, slack, NOW + timedelta(minutes=11))
    assert after.delivered == 1 and after.messages == 0
    [row] = world.ledger()
    assert row.status == "sent" and row.message_ts == slack.answered[0][1].body["ts"]
    assert len(slack.posted()) == 1 and len(slack.calls_to("chat.postMessage")) == 1


def test_a_clock_down_for_a_day_catches_up_without_stale_reminders(world, slack):
    action = world.add_action("A-1", D("2026-11-23"), lead="leo-lead")  # due Monday
    meeting = world.add_meeting(D("2026-12-08"))  # papers due Tue 24 Nov: 1 working day before is Monday
    paper = world.add_item(meeting, "4", "Youth justice plan", author="amy-author")
    run_at(world, slack, at_local(D("2026-11-20")))  # Friday: nothing due for these
    # the clock is down all Monday; Tuesday's first run:
    run_at(world, slack, at_local(D("2026-11-24"), 9, 0))
    by_channel = {c.body["channel"]: world.described(c) for c in slack.posted()}
    assert by_channel["U0LEO"] == [("action", f"person:{world.people['leo-lead']}",
                                    f"action:{action}:due:2026-11-23:due")]  # fmt: skip
    assert by_channel["U0AMY"] == [("paper", f"person:{world.people['amy-author']}",
                                    f"paper:{paper}:due:2026-11-24:due")]  # fmt: skip


def test_a_run_is_safe_to_repeat_any_number_of_times(world, slack):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    for minutes in range(0, 60, 5):
        run_at(world, slack, NOW + timedelta(minutes=minutes))
    assert len(slack.posted()) == 1


@pytest.mark.parametrize("clocks", [2, 3])
def test_clocks_at_once_on_one_workspace_leave_it_to_one_of_them(backend, world, slack, clocks):
    leads = 40
    with world.session() as s:
        board = s.get(m.Board, world.board_id)
        for n in range(leads):
            person = m.Person(workspace_id=board.workspace_id, key=f"lead-{n}", name=f"Lead {n}",
                              slack_user_id=f"U1{n:04d}")  # fmt: skip
            s.add(person)
            s.flush()
            s.add(m.Action(board_id=board.id, ref=f"B-{n}", description="Report back", lead_id=person.id,
                           due_on=D("2026-11-26"), status=m.ActionStatus.OPEN))  # fmt: skip
    world.add_action("A-1", D("2026-11-26"), lead="olly-offline")  # to the secretary
    meeting = world.add_meeting(D("2026-11-27"))  # the channel's eve notice: confirmed, with an agenda
    world.add_item(meeting, "1", "Minutes", paper_status=None)
    slack.script("chat.postMessage", *[Scripted(delay=0.01)] * (leads + 2))  # slow enough to overlap
    start = threading.Barrier(clocks)
    results, errors = [], []

    def clock(number: int) -> None:
        engine = make_engine(url_of(world))
        try:
            start.wait()
            result = run_reminders(make_sessions(engine), sender_for(slack), now=NOW, team_id=TEAM,
                                   run_id=f"clock-{number}")  # fmt: skip
            results.append(result)
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
    expected = leads + 3  # the leads, the secretary, the channel's eve notice and the chair's brief
    channels = [c.body["channel"] for c in slack.posted()]
    assert len(channels) == len(set(channels)) == expected  # one message per recipient, each once
    assert len(slack.calls_to("chat.postMessage")) == expected
    rows = world.ledger()
    assert len(rows) == expected and {r.status for r in rows} == {"sent"}
    assert sum(r.delivered for r in results) == expected
    assert sum(r.messages for r in results) == expected
    assert all(r.pending == 0 and r.delivered + r.elsewhere == r.due for r in results)
    if backend.name == "sqlite":
        return  # one clock is SQLite's deployment: there the ledger's claims alone keep each once
    # the workspace is reminded by one clock (its Slack limits kept in one process); a clock that
    # came to it while that one held it left it alone, and one that came after found all settled
    [reminded] = [r for r in results if r.delivered]
    assert (reminded.due, reminded.others, reminded.elsewhere) == (expected, 0, 0)
    assert all((r.due, r.delivered) == (0, 0) for r in results if r is not reminded)
    assert sum(r.others for r in results) >= 1  # they really did run at the same time


def test_a_run_logs_one_line_of_counts_and_time(world, slack, caplog):
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    with caplog.at_level(logging.INFO, logger="reminders.run"):
        run_at(world, slack, NOW)
    [line] = [r for r in caplog.records if r.getMessage() == "reminder run"]
    fields = dict(line.fields)
    assert fields.pop("ms") >= 0 and len(fields.pop("run")) == 16
    assert fields == {
        "team": TEAM,
        "due": 1,
        "sent": 1,
        "messages": 1,
        "pending": 0,
        "elsewhere": 0,
        "others": 0,
        "failed": 0,
        "held": 0,
        "unreachable": 0,
        "settled": 0,
    }


def test_a_workspace_another_clock_holds_is_left_to_it_and_taken_once_let_go(backend, world, slack):
    if backend.name == "sqlite":
        pytest.skip("SQLite runs one clock: it takes every workspace")
    world.add_action("A-1", D("2026-11-26"), lead="leo-lead")
    other_clock = Turns(make_sessions(world.engine))
    with other_clock:
        assert other_clock.take(TEAM)
        during = run_at(world, slack, NOW)
        assert (during.others, during.due, len(slack.posted())) == (1, 0, 0)
    after = run_at(world, slack, NOW)  # let go at the end of its run (or when its process dies)
    assert (after.others, after.due, after.delivered) == (0, 1, 1)
    with Turns(make_sessions(world.engine)) as next_run:
        assert next_run.take(TEAM)  # the run let go of what it held
