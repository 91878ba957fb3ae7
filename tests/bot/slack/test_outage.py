"""A real PostgreSQL paused (SIGSTOP) or stopped under the served app: no update is lost (issue 16).

Its own throwaway server, started by scripts/postgres.sh as the suite's is, so that pausing it
stops nothing else. Every update a lead sends while it is out is either recorded once, after
Slack's retries, or answered with "not recorded"; each gets exactly one reply. PostgreSQL only:
SQLite has no server to pause (test_faults.py holds its lock instead).
"""

from __future__ import annotations

import glob
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.config import Settings
from bot.db import make_engine, make_sessions, upgrade
from bot.slack.listeners import NOT_RECORDED
from tests.bot.slack.conftest import DEMO_NOW, SECRET, Running
from tests.bot.slack.test_events import dm, event_body, history, link_people, posted, send
from tests.conftest import ROOT, load_demo

NOTES = [f"step {n} of the ICB data request" for n in range(1, 5)]


@dataclass
class Server:
    """The throwaway PostgreSQL: its URL, directory and the command prefix that runs its tools."""

    url: str
    dir: Path

    @property
    def port(self) -> int:
        port = make_url(self.url).port
        assert port is not None
        return port

    def pids(self) -> list[int]:
        """The postmaster, then every process it started (the connections' backends among them)."""
        postmaster = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["ps", "--ppid", str(postmaster), "-o", "pid="], capture_output=True, text=True, check=False
        ).stdout.split()
        return [postmaster, *map(int, children)]

    @contextmanager
    def paused(self) -> Iterator[None]:
        pids = self.pids()
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)

    @contextmanager
    def stopped(self) -> Iterator[None]:
        self.pg_ctl("-m", "immediate", "-w", "stop")
        try:
            yield
        finally:
            options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            self.pg_ctl("-l", str(self.dir / "server.log"), "-w", "-t", "60", "start", "-o", options)

    def pg_ctl(self, *args: str) -> None:
        [bin_dir] = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:]
        command = [f"{bin_dir}/pg_ctl", "-D", str(self.dir / "data"), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "boardbot-pg", "--", *command]
        subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[Server]:
    if not os.environ.get("BOARDBOT_TEST_POSTGRES_URL"):
        if os.environ.get("BOARDBOT_TEST_SQLITE_ONLY") == "1":
            pytest.skip("BOARDBOT_TEST_SQLITE_ONLY=1: PostgreSQL half skipped on request")
        pytest.fail("PostgreSQL tests need PostgreSQL: run scripts/test.sh")
    started = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres.sh"), "start"], capture_output=True, text=True, check=True
    )
    env = dict(
        shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in started.stdout.splitlines()
    )
    server = Server(env["BOARDBOT_TEST_POSTGRES_URL"], Path(env["BOARDBOT_TEST_PG_DIR"]))
    try:
        engine = make_engine(server.url)
        upgrade(engine)
        load_demo(engine)
        link_people(engine)
        engine.dispose()
        yield server
    finally:
        subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "stop", str(server.dir)], check=False)


@pytest.fixture
def served(own_postgres, fake_slack) -> Iterator[Running]:
    """The web process on the throwaway server, with 1 s database timeouts."""
    settings = Settings(
        database_url=own_postgres.url,
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url,
        now=DEMO_NOW,
    )
    engine = make_engine(own_postgres.url, timeout=1.0, pool_pre_ping=True)
    server = Running(create_app(settings, make_sessions(engine)))
    yield server
    server.close()
    engine.dispose()


def deliver_as_slack(server: Running, bodies: list[str], outage) -> list[list[int]]:
    """Each event sent side by side during `outage`, then retried as Slack does (3 more tries)
    once it is over, while its answer is not 200. The statuses each event got, in order."""
    statuses: list[list[int]] = [[] for _ in bodies]
    with outage, ThreadPoolExecutor(len(bodies)) as pool:
        for n, (status, _) in enumerate(pool.map(lambda body: send(server, body), bodies)):
            statuses[n].append(status)
    for retry in (1, 2, 3):
        for n, body in enumerate(bodies):
            if statuses[n][-1] != 200:
                time.sleep(0.2)
                statuses[n].append(send(server, body, retry=retry)[0])
    return statuses


def check_nothing_lost(own_postgres: Server, fake_slack, bodies: list[str], notes: list[str]) -> None:
    engine = make_engine(own_postgres.url)
    try:
        deadline = time.monotonic() + 15  # a request stuck in the pause finishes when it ends
        while len(posted(fake_slack)) < len(bodies) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # and nothing more arrives
        recorded = [row[3] for row in history(engine, "HWB-2") if row[1] == "progress"]
    finally:
        engine.dispose()
    replies = posted(fake_slack)
    told = [reply for reply in replies if reply["text"].startswith(NOT_RECORDED)]
    for note in notes:
        assert recorded.count(note) <= 1, (note, recorded)
    assert len(replies) == len(bodies), [reply["text"] for reply in replies]
    assert len([note for note in notes if note in recorded]) + len(told) == len(bodies), (recorded, replies)


def test_updates_sent_while_postgresql_is_paused_are_recorded_once_or_told(own_postgres, served, fake_slack):
    notes = [f"{note} (paused)" for note in NOTES]
    bodies = [event_body(dm(f"HWB-2 in progress: {note}")) for note in notes]

    @contextmanager
    def outage() -> Iterator[None]:
        with own_postgres.paused():
            yield
            time.sleep(0.5)

    statuses = deliver_as_slack(served, bodies, outage())
    assert all(first >= 500 for first, *_ in statuses), statuses  # Slack was asked to retry each
    check_nothing_lost(own_postgres, fake_slack, bodies, notes)


def test_updates_sent_while_postgresql_is_stopped_are_recorded_once_after_slacks_retry(
    own_postgres, served, fake_slack
):
    notes = [f"{note} (stopped)" for note in NOTES]
    bodies = [event_body(dm(f"HWB-2 in progress: {note}")) for note in notes]
    statuses = deliver_as_slack(served, bodies, own_postgres.stopped())
    assert [s[0] >= 500 and s[-1] == 200 for s in statuses] == [True] * len(bodies), statuses
    check_nothing_lost(own_postgres, fake_slack, bodies, notes)
