"""Load: thousands of signed slash commands at once, BoardBot's web process beside a bare Bolt app.

    .venv/bin/python -m bench.load                          # 20,000 commands, 50 clients, PostgreSQL then SQLite
    .venv/bin/python -m bench.load --databases postgresql   # the production database only
    .venv/bin/python -m bench.load --url sqlite:////tmp/large.db --url postgresql+psycopg://…/large

For each database, the large data (`bench.generate` at `--scale`, into a throwaway PostgreSQL started
by scripts/postgres.sh and a temporary SQLite file; or a `--url`, generated into if it is empty and
used as it is otherwise) is served by BoardBot's web process started as the Procfile starts it
(`python -m bot.slack.asgi`, the knobs WEB_CONCURRENCY and WEB_THREADS left as the environment has
them unless --workers/--threads are given), then by a bare Bolt app (`bench.bare`) served the same
way, each on a loopback port. `--clients` keep-alive connections (asyncio, in this process) send
`--commands` Slack-signed commands between them: /nextmeeting, /agenda, /kpi and /actions asked
about the workspace's boards as members type them (in a board's channel with nothing named; in a DM
by full name, short name or lower case, the board named last). Every distinct question is asked once
first and its answer checked to be a real one (the board found, no "late", "unavailable", "sorry" or
"which board" text); under load every answer must be HTTP 200 and byte for byte that answer (the
bot's clock is pinned). Reported for each server: commands, errors, p50/p90/p99/max latency (request
written to answer read), throughput, the servers' and this client's CPU a command. Bounded: each
load phase stops sending after --max-seconds, each request after 30 s; servers, PostgreSQL and files
are cleaned up. Exits 1 if any command failed or went unsent.

Only loopback traffic: Bolt's `auth.test` is answered by the fake Slack Web API (bot.slack.fake).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, func, select, text

from bench.e2e import (
    ROOT,
    SECRET,
    TOKEN,
    Server,
    app_env,
    check_code_from,
    free_port,
    slack_stand_in,
)
from bench.synth import NOW
from bot import models as m
from bot.slack.asgi import DEFAULT_THREADS, DEFAULT_WORKERS
from bot.slack.listeners import LATE, SORRY, UNAVAILABLE

APP_MODULE = "bot.slack.asgi"  # the Procfile's web line: python -m bot.slack.asgi
BARE_MODULE = "bench.bare"
BOARDBOT_NOW = NOW.isoformat()  # the data's "now", 2026-11-22T09:00+00:00
REQUEST_SECONDS = 30.0
RETRIES = 3
START_SECONDS = 240.0  # a web process starting on a busy machine
FIRST_CLIENTS = 10  # the first answers, kept to check the load's against, are asked by this many
FILLER = {"and", "board", "committee", "partnership", "of", "the"}  # left out when typing a name
# What members ask, a board at a time: (command, text, where). In the board's channel nothing need be
# named; in a DM the board is named as typed: in full, in lower case, without filler, named last.
MIX = (
    ("/nextmeeting", "", "channel"),
    ("/nextmeeting", "", "channel"),
    ("/nextmeeting", "{name}", "dm"),
    ("/nextmeeting", "when is the next {lower} meeting", "dm"),
    ("/agenda", "", "channel"),
    ("/agenda", "", "channel"),
    ("/agenda", "{typed}", "dm"),
    ("/agenda", "last", "channel"),
    ("/kpi", "", "channel"),
    ("/kpi", "{word}", "channel"),
    ("/kpi", "{word} {lower}", "dm"),
    ("/actions", "", "channel"),
    ("/actions", "overdue", "channel"),
    ("/actions", "{ref}", "channel"),
    ("/actions", "overdue {name}", "dm"),
)
# what a reply says when it is not an answer to the question (checked on the raw JSON)
LATE_JSON = json.dumps(LATE)[1:-1].encode()
NOT_ANSWERS = tuple(
    json.dumps(phrase)[1:-1].encode()
    for phrase in (
        SORRY,
        UNAVAILABLE,
        "Which board",
        "Did you mean",
        "no boards in this workspace",
        "I could not find",
        "I couldn't find",
    )
)


@dataclass(frozen=True)
class Ask:
    """One question a member types: the command, its text, where and who, and what the answer names."""

    command: str
    text: str
    channel: str
    user: str
    team: str
    names: tuple[str, ...]  # the answer must name one of these (the board; for a reference, the action)

    def body(self) -> bytes:
        return urlencode(
            {
                "command": self.command,
                "text": self.text,
                "team_id": self.team,
                "user_id": self.user,
                "channel_id": self.channel,
                "channel_name": "directmessage" if self.channel.startswith("D") else "board",
                "response_url": "http://127.0.0.1:9/unused",
                "trigger_id": "1.2.3",
            }
        ).encode()


@dataclass
class Outcome:
    """What one load phase saw."""

    label: str
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    by_command: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    unsent: int = 0
    worker_shares: list[float] = field(default_factory=list)  # of the server's CPU, busiest first

    def fail(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.samples) < 5:
            self.samples.append(f"{kind}: {detail[:300]}")

    def figures(self) -> dict:
        ordered = sorted(self.latencies) or [float("nan")]

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(len(ordered) * p))]

        answered = len(self.latencies)
        return {
            "server": self.label,
            "sent": self.sent,
            "ok": answered,
            "errors": sum(self.errors.values()) + self.unsent,
            "error_kinds": dict(self.errors) | ({"unsent": self.unsent} if self.unsent else {}),
            "p50_ms": statistics.median(ordered),
            "p90_ms": pct(0.90),
            "p99_ms": pct(0.99),
            "max_ms": ordered[-1],
            "throughput_rps": answered / self.wall if self.wall else 0.0,
            "wall_s": self.wall,
            "server_cpu_ms": self.server_cpu * 1000 / max(1, self.sent),
            "client_cpu_ms": self.client_cpu * 1000 / max(1, self.sent),
            "client_core_share": self.client_cpu / self.wall if self.wall else 0.0,
            "worker_cpu_shares": self.worker_shares,
            "by_command": {
                command: {"n": len(values), "p50_ms": statistics.median(values), "p99_ms": p99(values)}
                for command, values in sorted(self.by_command.items())
            },
        }


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def signed_request(ask_body: bytes, port: int) -> bytes:
    """The HTTP/1.1 request Slack would send, signed now (v0 HMAC-SHA256 of v0:timestamp:body)."""
    timestamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + timestamp.encode() + b":" + ask_body, hashlib.sha256)
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(ask_body)}\r\nX-Slack-Request-Timestamp: {timestamp}\r\n"
        f"X-Slack-Signature: v0={digest.hexdigest()}\r\n\r\n"
    )
    return head.encode() + ask_body


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes, bool]:
    """Send one request on a keep-alive connection; (status, body, whether the server closes it)."""
    writer.write(request)
    head = (await reader.readuntil(b"\r\n\r\n")).lower()
    status = int(head[9:12])
    length = re.search(rb"\r\ncontent-length: *(\d+)", head)
    if length is None:
        raise ValueError(f"no content-length in {head[:200]!r}")
    body = await reader.readexactly(int(length[1]))
    return status, body, b"\r\nconnection: close" in head


async def fire(
    port: int,
    asks: list[Ask],
    order: list[int],
    total: int,
    clients: int,
    max_seconds: float,
    check,
    outcome: Outcome,
    ramp: float,
) -> None:
    """`total` requests (order[i % len(order)] the i-th) from `clients` connections, checked by `check`."""
    bodies = [ask.body() for ask in asks]
    issued = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_seconds

    async def client(number: int) -> None:
        nonlocal issued
        reader = writer = None
        await asyncio.sleep(ramp * number / clients)  # clients arrive over `ramp` seconds, not at once
        try:
            while issued < total and loop.time() < deadline:
                n = issued
                issued += 1
                index = order[n % len(order)]
                request = signed_request(bodies[index], port)
                outcome.sent += 1
                began = time.perf_counter()
                try:
                    async with asyncio.timeout(REQUEST_SECONDS):
                        if reader is None or writer is None:
                            reader, writer = await asyncio.open_connection("127.0.0.1", port)
                        status, body, closing = await exchange(reader, writer, request)
                except (
                    OSError,
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    ValueError,
                    TimeoutError,
                ) as exc:
                    outcome.fail(f"connection: {type(exc).__name__}", f"{asks[index]}: {exc}")
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                problem = check(index, status, body)
                if problem:
                    outcome.fail(
                        problem, f"{asks[index].command} {asks[index].text!r}: HTTP {status} {body[:200]!r}"
                    )
                else:
                    outcome.latencies.append(elapsed)
                    outcome.by_command.setdefault(asks[index].command, []).append(elapsed)
                if closing:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()

    await asyncio.gather(*(client(number) for number in range(clients)))
    outcome.unsent = max(0, total - issued)


def worker_cpu(server: Server) -> dict[int, float]:
    """Each worker's user and system seconds so far (/proc/PID/stat)."""
    seconds = {}
    for pid in server.workers():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def run_phase(
    port,
    asks,
    order,
    total,
    clients,
    max_seconds,
    check,
    label,
    server: Server | None = None,
    ramp: float = 0.0,
) -> Outcome:
    outcome = Outcome(label)
    server_cpu = worker_cpu(server) if server else {}
    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(fire(port, asks, order, total, clients, max_seconds, check, outcome, ramp))
    outcome.wall = time.perf_counter() - wall
    outcome.client_cpu = time.process_time() - cpu
    if server:
        used = {pid: seconds - server_cpu.get(pid, 0.0) for pid, seconds in worker_cpu(server).items()}
        outcome.server_cpu = sum(used.values())
        outcome.worker_shares = sorted(
            (u / outcome.server_cpu if outcome.server_cpu else 0.0 for u in used.values()), reverse=True
        )
    return outcome


def reply_problem(ask: Ask, status: int, body: bytes) -> str | None:
    """Why `body` is not a real answer to `ask` (None when it is)."""
    if status != 200:
        return f"HTTP {status}"
    if LATE_JSON in body:
        return "late"
    for phrase in NOT_ANSWERS:
        if phrase in body:
            return f"says {phrase.decode()[:40]!r}"
    try:
        reply = json.loads(body)
    except ValueError:
        return "not JSON"
    said = json.dumps(reply)
    if not any(json.dumps(name)[1:-1] in said for name in ask.names):
        return "names none of " + ", ".join(ask.names)
    return None


def asks_for(url: str, boards: int) -> list[Ask]:
    """The questions members of the workspace with most boards ask about its first `boards` boards."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            team = connection.scalar(
                select(m.Workspace.team_id)
                .join(m.Board, m.Board.workspace_id == m.Workspace.id)
                .group_by(m.Workspace.team_id)
                .order_by(func.count().desc(), m.Workspace.team_id)
                .limit(1)
            )
            picked = connection.execute(
                select(m.Board.id, m.Board.key, m.Board.name, m.Board.short_name, m.Board.slack_channel)
                .join(m.Workspace, m.Board.workspace_id == m.Workspace.id)
                .where(m.Workspace.team_id == team, m.Board.slack_channel.is_not(None))
                .order_by(m.Board.key)
                .limit(boards)
            ).all()
            asks: list[Ask] = []
            for board_id, _key, name, short, channel in picked:
                member = connection.scalar(
                    select(m.Person.slack_user_id)
                    .join(m.Membership, m.Membership.person_id == m.Person.id)
                    .where(m.Membership.board_id == board_id, m.Person.slack_user_id.is_not(None))
                    .order_by(m.Membership.id)
                    .limit(1)
                )
                ref = connection.scalar(
                    select(m.Action.ref)
                    .where(m.Action.board_id == board_id)
                    .order_by(m.Action.id.desc())
                    .limit(1)
                )
                kpi = connection.scalar(
                    select(m.Kpi.name).where(m.Kpi.board_id == board_id).order_by(m.Kpi.key).limit(1)
                )
                if team is None or channel is None or member is None or ref is None or kpi is None:
                    continue
                word = next((w for w in kpi.split() if w.isalpha() and len(w) > 3), kpi.split()[0]).lower()
                dm = f"D{member}"
                names = tuple(filter(None, (name, short)))

                typed = " ".join(w for w in name.lower().split() if w not in FILLER)
                for command, words, where in MIX:
                    said = words.format(name=name, lower=name.lower(), typed=typed, word=word, ref=ref)
                    also = (ref,) if "{ref}" in words else ()
                    asks.append(
                        Ask(command, said, channel if where == "channel" else dm, member, team, names + also)
                    )
    finally:
        engine.dispose()
    if not asks:
        raise SystemExit(f"no board with a channel, a member on Slack, an action and a KPI in {url}")
    return asks


def boards_in(url: str) -> int:
    """How many boards the database holds (0 when it has no schema yet)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, m.Board.__tablename__):
                return 0
            return connection.scalar(select(func.count()).select_from(m.Board)) or 0
    finally:
        engine.dispose()


def generate(url: str, scale: float) -> None:
    """bench.generate into an empty database (its summary printed), bounded in time."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench.generate", "--url", url, "--scale", str(scale)],
        cwd=ROOT,
        env=app_env(ROOT, {}),
        check=True,
        timeout=1800,
        stderr=subprocess.DEVNULL,
    )
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


class Postgres:
    """A throwaway PostgreSQL from scripts/postgres.sh, with one database made for this run."""

    def __init__(self) -> None:
        out = subprocess.run(
            ["bash", str(ROOT / "scripts" / "postgres.sh"), "start"],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        ).stdout
        found = dict(re.findall(r"export (\w+)=(\S+)", out))
        self.dir = found["BOARDBOT_TEST_PG_DIR"]
        admin = found["BOARDBOT_TEST_POSTGRES_URL"]
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text("CREATE DATABASE bench_load"))
        finally:
            engine.dispose()
        self.url = admin.rsplit("/", 1)[0] + "/bench_load"

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "postgres.sh"), "stop", self.dir], timeout=120, check=False
        )


def start_server(label: str, module: str, env: dict[str, str], args, logs: Path) -> Server:
    """`python -m MODULE` as the Procfile runs it, on a loopback port; knobs only if given."""
    port = free_port()
    env = {**env, "PORT": str(port), "WEB_HOST": "127.0.0.1"}
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["WEB_THREADS"] = str(args.threads)
    log = logs / f"{label}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return Server(label, process, port, log)


def measure(
    label: str, module: str, env: dict[str, str], asks: list[Ask], args, logs: Path, bare: bool
) -> dict:
    """Serve, ask every question once (the answers checked and kept), then the load; the figures."""
    server = start_server(label, module, env, args, logs)
    try:
        workers = int(env.get("WEB_CONCURRENCY") or args.workers or DEFAULT_WORKERS)
        wait_ready(server, asks[0], workers)
        answers: dict[int, bytes] = {}

        def first(index: int, status: int, body: bytes) -> str | None:
            problem = bare_problem(status, body) if bare else reply_problem(asks[index], status, body)
            if problem is None:
                answers[index] = body
            return problem

        every = list(range(len(asks)))
        clients = min(args.clients, FIRST_CLIENTS, len(asks))
        seen = run_phase(server.port, asks, every, len(asks), clients, args.max_seconds, first, label)
        first_errors = dict(seen.errors)
        for _ in range(RETRIES):  # a late first answer (cold caches, a busy machine) is asked again
            missing = [index for index in every if index not in answers]
            if not missing:
                break
            if any(not late_or_lost(kind) for kind in seen.errors):
                break
            seen = run_phase(server.port, asks, missing, len(missing), 1, args.max_seconds, first, label)
        if len(answers) < len(asks):
            raise SystemExit(f"{label}: the first answers are not all real answers: {seen.samples}")

        def same(index: int, status: int, body: bytes) -> str | None:
            if status != 200:
                return f"HTTP {status}"
            if body != answers[index]:
                return (
                    reply_problem(asks[index], status, body)
                    if not bare
                    else bare_problem(status, body) or "another answer"
                )
            return None

        order = every[:]
        random.Random(1).shuffle(order)
        load = (os.getloadavg()[0], 0.0)
        outcome = run_phase(
            server.port,
            asks,
            order,
            args.commands,
            args.clients,
            args.max_seconds,
            same,
            label,
            server,
            args.ramp,
        )
        load = (load[0], os.getloadavg()[0])
        server.note_rss()
        server.check_alive()
        figures = outcome.figures()
        figures["load_before_after"] = load
        figures["first_ask_errors"] = first_errors
        figures["workers"] = workers
        figures["peak_rss_mb"] = max(server.peak_rss_kb.values(), default=0) / 1024
        if outcome.samples:
            figures["error_samples"] = outcome.samples
        return figures
    finally:
        server.stop()


def late_or_lost(kind: str) -> bool:
    """An error that says nothing about the answer itself: too slow, or the connection failed."""
    return kind == "late" or kind.startswith(("HTTP 5", "connection:"))


def wait_ready(server: Server, ask: Ask, workers: int) -> None:
    """Until a signed command is answered and every worker is up (bounded by START_SECONDS)."""
    deadline = time.monotonic() + START_SECONDS
    seen: list[str] = []

    def note(index: int, status: int, body: bytes) -> str | None:
        seen.append(f"HTTP {status}")
        return None

    while time.monotonic() < deadline:
        server.check_alive()
        answered = run_phase(server.port, [ask], [0], 1, 1, 10, note, "probe")
        if not answered.errors and len(server.workers()) >= workers:
            return
        time.sleep(0.5)
    tail = server.log.read_text(errors="replace")[-2000:]
    raise SystemExit(
        f"{server.label}: not ready after {START_SECONDS:.0f} s ({len(server.workers())} of {workers} "
        f"workers; answers {seen[-3:]}); its log ends:\n{tail}"
    )


def bare_problem(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    if LATE_JSON in body:
        return "late"
    return None if body == b"ok" or json.loads(body).get("text") == "ok" else "not the bare ack"


def report(rows: list[dict], args) -> None:
    print(
        f"\n{args.commands:,} signed commands from {args.clients} keep-alive clients a server; "
        f"web: {rows[0]['workers']} worker process(es), WEB_THREADS {args.threads or os.environ.get('WEB_THREADS') or DEFAULT_THREADS}\n"
    )
    print(
        "| database | server | commands | errors | p50 ms | p90 ms | p99 ms | max ms | commands/s "
        "| server CPU ms/cmd | client CPU ms/cmd (share of a core) | load avg before → after |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {row['database']} | {row['server']} | {row['sent']:,} | {row['errors']} | {row['p50_ms']:.1f} | "
            f"{row['p90_ms']:.1f} | {row['p99_ms']:.1f} | {row['max_ms']:.0f} | {row['throughput_rps']:.0f} | "
            f"{row['server_cpu_ms']:.2f} | {row['client_cpu_ms']:.2f} ({row['client_core_share']:.0%}) | "
            f"{row['load_before_after'][0]:.2f} → {row['load_before_after'][1]:.2f} |"
        )
    for row in rows:
        if row["server"] != "bare Bolt":
            print(
                f"\nBoardBot on {row['database']}, by command\n\n| command | n | p50 ms | p99 ms |\n|---|---:|---:|---:|"
            )
            for command, fig in row["by_command"].items():
                print(f"| {command} | {fig['n']:,} | {fig['p50_ms']:.1f} | {fig['p99_ms']:.1f} |")
        shares = " / ".join(f"{share:.0%}" for share in row["worker_cpu_shares"])
        print(f"\n{row['database']}, {row['server']}: the workers' shares of its CPU {shares}; ", end="")
        print(
            f"errors {row['error_kinds'] or 'none'}; first asks {row['first_ask_errors'] or 'all answered'}"
        )
        for sample in row.get("error_samples", []):
            print(f"  {row['database']} {row['server']}: {sample}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=20_000, help="commands a server (default 20000)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent keep-alive clients (default 50)")
    parser.add_argument(
        "--databases", default="postgresql,sqlite", help="throwaway databases to generate, in order"
    )
    parser.add_argument("--url", action="append", help="a database to use instead (generated into if empty)")
    parser.add_argument("--scale", type=float, default=1.0, help="bench.generate's scale (default 1.0)")
    parser.add_argument("--boards", type=int, default=200, help="boards asked about (default 200)")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: as the environment has it)")
    parser.add_argument("--threads", type=int, help="WEB_THREADS (default: as the environment has it)")
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="a load phase stops sending after this"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=2.0,
        help="open the clients' connections over this many seconds (default 2; 0: all at once)",
    )
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Bolt app")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not set(args.databases) <= {"postgresql", "sqlite"}:
        parser.error("--databases takes postgresql and/or sqlite")
    if not 0 < args.commands <= 1_000_000 or not 0 < args.clients <= 500 or not 0 < args.max_seconds <= 3600:
        parser.error(
            "keep --commands within 1..1000000, --clients within 1..500, --max-seconds within 0..3600"
        )
    return args


def stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"bench.load: stopped by signal {signum}; cleaning up")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    scratch = tempfile.TemporaryDirectory(prefix="bench-load-")
    logs = Path(scratch.name)
    stand_in = slack_stand_in()
    slack = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": stand_in.api_url}
    postgres: Postgres | None = None
    rows: list[dict] = []
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}", flush=True)
    on_main_thread = threading.current_thread() is threading.main_thread()
    if on_main_thread:  # so that servers, PostgreSQL and files are cleaned up; restored at the end
        previous = signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        targets = [(url.split(":", 1)[0].split("+")[0], url) for url in args.url or []]
        for kind in [] if args.url else args.databases:
            if kind == "postgresql":
                postgres = Postgres()
                targets.append(("postgresql", postgres.url))
            else:
                targets.append(("sqlite", f"sqlite:///{logs}/large.db"))
        for kind, url in targets:
            shown = url.split("@")[-1]
            if boards_in(url) == 0:
                print(f"{kind}: generating the data at scale {args.scale} into {shown}", flush=True)
                generate(url, args.scale)
            asks = asks_for(url, args.boards)
            print(
                f"{kind}: {len(asks)} distinct questions about {len(asks) // len(MIX)} boards of {asks[0].team}",
                flush=True,
            )
            env = app_env(ROOT, {**slack, "DATABASE_URL": url, "BOARDBOT_NOW": BOARDBOT_NOW})
            check_code_from(ROOT, env)
            row = measure("BoardBot", APP_MODULE, env, asks, args, logs, bare=False)
            rows.append({"database": kind, **row})
            print(
                f"  BoardBot: {row['sent']:,} sent, {row['errors']} errors, {row['throughput_rps']:.0f}/s",
                flush=True,
            )
            if not args.no_bare:
                bare = measure("bare Bolt", BARE_MODULE, app_env(ROOT, slack), asks, args, logs, bare=True)
                rows.append({"database": kind, **bare})
                print(
                    f"  bare Bolt: {bare['sent']:,} sent, {bare['errors']} errors, {bare['throughput_rps']:.0f}/s",
                    flush=True,
                )
    finally:  # what was measured is reported even when a later step fails
        if rows:
            report(rows, args)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=2))
        stand_in.close()
        if postgres:
            postgres.stop()
        scratch.cleanup()
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
