"""Slash commands as a Slack user feels them: the Procfile's web process on loopback, signed requests.

    .venv/bin/python -m bench.e2e --demo                                  # demo data, temporary SQLite
    .venv/bin/python -m bench.e2e --url sqlite:////tmp/large.db          # a bench.generate database
    .venv/bin/python -m bench.e2e --app-dir /tmp/before --url URL_BEFORE --app-dir . --url URL_AFTER

Each `--app-dir` (default: this checkout) is served by its own web process, started as the
Procfile's web line starts it (`python -m bot.slack.asgi`: uvicorn; a checkout from before it is
served by its gunicorn config, which needs gunicorn installed), with that directory first on
PYTHONPATH and as the working directory, bound to a loopback port, on its `--url` (one for all, or
one per `--app-dir` in the same order). Beside them, a bare Bolt app (`bench.bare`) served the same
way. A local client sends each command Slack-signed, with the
board key of the data, in turns (for each command every server in turn, the order reversed from one
command to the next, so all see the machine in the same state), at each number of concurrent
clients, each phase bounded in requests and seconds. Reported per command and server: median and
p99 latency, requests per second, the workers' CPU per request; and each worker's peak RSS
(VmHWM). The targets are printed beside the figures; nothing here asserts them.

Only loopback traffic: Bolt's `auth.test` is answered by the fake Slack Web API (bot.slack.fake).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import create_engine, func, select

from bench.search import QUESTIONS as search_questions
from bot import models as m
from bot.slack.fake import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
ASKER = "UBENCH"  # in nobody's data: a stranger asking in a DM
DM = "DBENCH"
LARGE_NOW = "2026-11-22T09:00:00+00:00"  # bench.synth.NOW
DEMO_NOW = "2023-09-01T09:00:00+01:00"
TARGET_P99_MS = 100.0  # at 10 concurrent clients, large data, both databases
TARGET_RPS_PER_WORKER = 100.0
TARGET_RSS_MB = 150.0
APP_MODULE = "bot.slack.asgi"  # the Procfile's web line: python -m bot.slack.asgi
BARE_MODULE = "bench.bare"
START_SECONDS = 90.0
RUN_CLI = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"


@dataclass(frozen=True)
class Case:
    label: str
    command: str
    asks: tuple[tuple[str, str], ...]  # (text, channel), one a board, used in turn


@dataclass
class Server:
    label: str
    process: subprocess.Popen
    port: int
    log: Path
    peak_rss_kb: dict[int, int] = field(default_factory=dict)

    def workers(self) -> list[int]:
        """The worker processes: the server's children, or the server itself when it has one worker."""
        pid = self.process.pid
        try:
            children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except FileNotFoundError:
            return []
        return [child for child in children if not is_resource_tracker(child)] or [pid]

    def cpu_seconds(self) -> float:
        """User and system time of the workers so far (clock ticks in /proc/PID/stat)."""
        ticks = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def note_rss(self) -> None:
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_rss_kb[pid] = max(self.peak_rss_kb.get(pid, 0), int(line.split()[1]))

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"{self.label}: the web process exited ({self.process.returncode}):\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def is_resource_tracker(pid: int) -> bool:
    """multiprocessing's helper beside uvicorn's spawned workers, which serves no request."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return True


def slack_stand_in() -> FakeSlack:
    """The fake Slack Web API on loopback, which answers Bolt's auth.test."""
    return FakeSlack()


def signed_body(command: str, text: str, channel: str, team: str) -> tuple[bytes, dict[str, str]]:
    """A slash command as Slack posts it: form-encoded, signed with v0 HMAC-SHA256."""
    body = urlencode(
        {
            "command": command,
            "text": text,
            "team_id": team,
            "user_id": ASKER,
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "board",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1.2.3",
        }
    )
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }
    return body.encode(), headers


def post(connection: http.client.HTTPConnection, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    connection.request("POST", "/slack/events", body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def phase(
    port: int, case: Case, team: str, count: int, seconds: float, clients: int
) -> tuple[list[float], float]:
    """`count` requests (fewer if `seconds` run out) from `clients` threads: latencies in ms, wall s."""
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    failures: list[str] = []
    start = time.perf_counter()
    deadline = start + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while not failures:
                with lock:
                    if issued[0] >= count or time.perf_counter() > deadline:
                        return
                    n = issued[0]
                    issued[0] += 1
                body, headers = signed_body(case.command, *case.asks[n % len(case.asks)], team)
                began = time.perf_counter()
                try:
                    status, answer = post(connection, body, headers)
                except (http.client.HTTPException, ConnectionError):  # a keep-alive closed: once more
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    began = time.perf_counter()
                    status, answer = post(connection, body, headers)
                elapsed = (time.perf_counter() - began) * 1000
                if status != 200:
                    failures.append(f"{case.label}: HTTP {status}: {answer[:300]!r}")
                    return
                with lock:
                    latencies.append(elapsed)
        except Exception as exc:  # reported below, with the case that raised it
            failures.append(f"{case.label}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    if failures or any(thread.is_alive() for thread in threads):
        raise SystemExit("; ".join(failures) or f"{case.label}: a client did not finish")
    return latencies, time.perf_counter() - start


def reply_text(port: int, case: Case, team: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        status, answer = post(connection, *signed_body(case.command, *case.asks[0], team))
    finally:
        connection.close()
    if status != 200:
        raise SystemExit(f"{case.label}: HTTP {status}: {answer[:300]!r}")
    try:
        text = json.loads(answer).get("text") or ""
    except ValueError:  # a bare ack's text comes as it is
        text = answer.decode()
    return " ".join(text.split())


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(app_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(app_dir), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.update(extra)
    return env


def check_code_from(app_dir: Path, env: dict[str, str]) -> None:
    """Refuse to measure code from anywhere but `app_dir` (an editable install elsewhere wins otherwise)."""
    where = subprocess.run(
        [sys.executable, "-c", "import bot; print(bot.__file__)"],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(app_dir.resolve()):
        raise SystemExit(f"{app_dir}: `import bot` finds {where}, not this checkout's code")


def start_server(label: str, module: str, app_dir: Path, env: dict[str, str], args, logs: Path) -> Server:
    port = free_port()
    env = {**env, "PORT": str(port), "WEB_HOST": "127.0.0.1", "WEB_CONCURRENCY": str(args.workers)}
    if args.threads:
        env["WEB_THREADS"] = str(args.threads)
    command = [sys.executable, "-m", module]
    legacy = app_dir / "bot" / "slack" / "gunicorn_conf.py"  # a checkout from before uvicorn
    if module == APP_MODULE and legacy.exists():
        command = [sys.executable, "-m", "gunicorn", "--config", str(legacy), "--bind", f"127.0.0.1:{port}"]
        command += [
            "--workers",
            str(args.workers),
            *(["--threads", str(args.threads)] if args.threads else []),
        ]
        command += ["bot.slack.wsgi:make_application()"]
    log = logs / f"{label}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=app_dir, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server(label, process, port, log)


def wait_ready(server: Server, team: str, workers: int) -> None:
    """Until a signed request is answered and every worker is up (bounded by START_SECONDS)."""
    deadline = time.monotonic() + START_SECONDS
    probe = Case("probe", "/boardbot", (("help", DM),))
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            reply_text(server.port, probe, team)
            if len(server.workers()) >= workers:
                return
        except (ConnectionError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{server.label}: not answering after {START_SECONDS:.0f} s; see {server.log}")


def load_demo(app_dir: Path, url: str, env: dict[str, str]) -> None:
    """The demo data, loaded into an empty database by that checkout's own `boardbot`."""
    files = sorted(str(p) for p in (app_dir / "data" / "demo").glob("*.yaml"))
    env = {**env, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    for argv in (["db", "upgrade"], ["load", *files]):
        subprocess.run(
            [sys.executable, "-c", RUN_CLI, *argv],
            cwd=app_dir,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=600,
        )


def cases_for(url: str, team: str | None, boards: int) -> tuple[str, list[Case]]:
    """The workspace (given, or the one with most boards) and each command over its first boards."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if team is None:
                team = connection.scalar(
                    select(m.Workspace.team_id)
                    .join(m.Board, m.Board.workspace_id == m.Workspace.id)
                    .group_by(m.Workspace.team_id)
                    .order_by(func.count().desc(), m.Workspace.team_id)
                    .limit(1)
                )
            picked = connection.execute(
                select(m.Board.id, m.Board.key, m.Board.slack_channel)
                .join(m.Workspace, m.Board.workspace_id == m.Workspace.id)
                .where(m.Workspace.team_id == team)
                .order_by(m.Board.key)
                .limit(boards)
            ).all()
            places, refs, words, keys = [], [], [], []
            for board_id, key, channel in picked:
                keys.append(key)
                ref = connection.scalar(
                    select(m.Action.ref).where(m.Action.board_id == board_id).order_by(m.Action.id).limit(1)
                )
                name = connection.scalar(
                    select(m.Kpi.name).where(m.Kpi.board_id == board_id).order_by(m.Kpi.key).limit(1)
                )
                word = next((w for w in (name or "").split() if w.isalpha() and len(w) > 3), "rate")
                # in the board's channel, as members ask; a board with none is named in a DM
                places.append(("", channel) if channel else (key, DM))
                refs.append(ref or "A-1")
                words.append(word.lower())
    finally:
        engine.dispose()
    if not places:
        raise SystemExit(f"no boards in workspace {team!r} of {url}")

    def each(pattern: str) -> tuple[tuple[str, str], ...]:
        return tuple(
            (f"{key} {pattern.format(ref=ref, word=word)}".strip(), channel)
            for (key, channel), ref, word in zip(places, refs, words, strict=True)
        )

    return team, [
        Case("/nextmeeting", "/nextmeeting", each("")),
        Case("/agenda", "/agenda", each("")),
        Case("/agenda last", "/agenda", each("last")),
        Case("/kpi", "/kpi", each("")),
        Case("/kpi WORDS", "/kpi", each("{word}")),
        Case("/actions", "/actions", each("")),
        Case("/actions overdue", "/actions", each("overdue")),
        Case("/actions done", "/actions", each("done")),
        Case("/actions REF", "/actions", each("{ref}")),
        Case("/boardbot help", "/boardbot", (("help", DM),)),
        Case("/boardbot search", "/boardbot", tuple((f"search {q}", DM) for q in search_questions)),
        Case(
            "/boardbot search KEY",
            "/boardbot",
            tuple((f"search {keys[i % len(keys)]} {q}", DM) for i, q in enumerate(search_questions)),
        ),
    ]


def figures(latencies: list[float], wall: float, cpu: float) -> dict:
    return {
        "n": len(latencies),
        "median_ms": statistics.median(latencies),
        "p99_ms": p99(latencies),
        "rps": len(latencies) / wall,
        "cpu_ms": cpu * 1000 / len(latencies),
    }


def verdicts(row: dict, workers: int) -> str:
    if row["app"] == "bare" or row["clients"] != 10:
        return ""
    p99_ok = "ok" if row["p99_ms"] < TARGET_P99_MS else "MISS"
    rps_ok = "ok" if row["rps"] / workers >= TARGET_RPS_PER_WORKER else "MISS"
    return f"p99 {p99_ok}, req/s {rps_ok}"


def report(rows: list[dict], servers: list[Server], args, title: str) -> None:
    order = {label: n for n, label in enumerate(dict.fromkeys(row["command"] for row in rows))}
    labels = [server.label for server in servers]
    print(f"\n{title}")
    print(
        f"web: {args.workers} worker process(es) a server, threads: {args.threads or 'the default'}; "
        f"up to {args.requests} requests or {args.seconds:g} s per command, server and client count"
    )
    print(
        f"targets (10 concurrent clients, large data): p99 < {TARGET_P99_MS:.0f} ms, "
        f">= {TARGET_RPS_PER_WORKER:.0f} req/s a worker, RSS < {TARGET_RSS_MB:.0f} MB a worker"
    )
    for clients in args.clients:
        print(f"\n{clients} concurrent client(s)\n")
        print("| command | server | n | median ms | p99 ms | req/s | worker CPU ms/req | targets |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for row in sorted(rows, key=lambda r: (order[r["command"]], labels.index(r["app"]))):
            if row["clients"] == clients:
                print(
                    f"| {row['command']} | {row['app']} | {row['n']} | {row['median_ms']:.1f} | "
                    f"{row['p99_ms']:.1f} | {row['rps']:.0f} | {row['cpu_ms']:.2f} | "
                    f"{verdicts(row, args.workers)} |"
                )
    apps = [label for label in labels if label != "bare"]
    if len(apps) > 1:  # the last server against the first, measured moments apart
        first, last = apps[0], apps[-1]
        print(f"\n{last} / {first}, per command (below 1: {last} is faster)\n")
        print("| command | clients | median | p99 | worker CPU |\n|---|---:|---:|---:|---:|")
        by = {(r["command"], r["clients"], r["app"]): r for r in rows}
        for clients in args.clients:
            for command in order:
                a, b = by[command, clients, first], by[command, clients, last]
                ratios = [b[k] / a[k] if a[k] else float("nan") for k in ("median_ms", "p99_ms", "cpu_ms")]
                print(f"| {command} | {clients} | " + " | ".join(f"{r:.2f}" for r in ratios) + " |")
    print("\n| server | worker | peak RSS MB | target |\n|---|---|---:|---|")
    for server in servers:
        for pid, kb in sorted(server.peak_rss_kb.items()):
            mb = kb / 1024
            ok = "" if server.label == "bare" else ("ok" if mb < TARGET_RSS_MB else "MISS")
            print(f"| {server.label} | {pid} | {mb:.0f} | {ok} |")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.e2e", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--app-dir", action="append", type=Path, help="a checkout to serve (repeatable)")
    parser.add_argument("--label", action="append", help="a name for each --app-dir, in order")
    parser.add_argument("--url", action="append", help="database URL: one for all, or one per --app-dir")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="load the demo data first (into each --url, else temporary SQLite)",
    )
    parser.add_argument("--team", help="workspace team id (default: the one with most boards)")
    parser.add_argument("--boards", type=int, default=10, help="boards asked about, in turn")
    parser.add_argument("--now", help=f"the bot's clock (default {LARGE_NOW} for TBENCH, else {DEMO_NOW})")
    parser.add_argument("--clients", default="1,10", help="concurrent clients, comma-separated")
    parser.add_argument(
        "--requests", type=int, default=300, help="requests per command, server, client count"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="at most this long per phase")
    parser.add_argument("--workers", type=int, default=1, help="worker processes a server (WEB_CONCURRENCY)")
    parser.add_argument("--threads", type=int, help="Bolt's threads a worker (WEB_THREADS; default 8)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    args.app_dir = [p.resolve() for p in (args.app_dir or [ROOT])]
    args.label = args.label or [p.name for p in args.app_dir]
    if len(args.label) != len(args.app_dir) or len(set(args.label) | {"bare"}) != len(args.label) + 1:
        parser.error("give one distinct --label (not 'bare') for each --app-dir")
    if args.url and len(args.url) not in (1, len(args.app_dir)):
        parser.error("give one --url, or one for each --app-dir")
    if not args.url and not args.demo:
        parser.error("give --url or --demo")
    args.clients = [int(c) for c in args.clients.split(",")]
    if (
        not 0 < args.requests <= 100_000
        or not 0 < args.seconds <= 600
        or not all(0 < c <= 64 for c in args.clients)
    ):
        parser.error("keep --requests within 1..100000, --seconds within 0..600, --clients within 1..64")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    scratch = tempfile.TemporaryDirectory(prefix="bench-e2e-")
    logs = Path(scratch.name)
    stand_in = slack_stand_in()
    api_url = stand_in.api_url  # nothing leaves this machine
    slack = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url}
    servers: list[Server] = []
    try:
        urls = args.url or [f"sqlite:///{logs}/demo-{n}.db" for n in range(len(args.app_dir))]
        urls = urls * len(args.app_dir) if len(urls) == 1 else urls
        if args.demo:
            for app_dir, url in zip(args.app_dir, urls, strict=True):
                load_demo(app_dir, url, app_env(app_dir, {}))
        team, cases = cases_for(urls[0], args.team, args.boards)
        now = args.now or (LARGE_NOW if team == "TBENCH" else DEMO_NOW)
        for label, app_dir, url in zip(args.label, args.app_dir, urls, strict=True):
            env = app_env(app_dir, {**slack, "DATABASE_URL": url, "BOARDBOT_NOW": now})
            check_code_from(app_dir, env)
            servers.append(start_server(label, APP_MODULE, app_dir, env, args, logs))
        bare_env = app_env(ROOT, slack)
        servers.append(start_server("bare", BARE_MODULE, ROOT, bare_env, args, logs))
        for server in servers:
            wait_ready(server, team, args.workers)
        print(f"data: {urls[0].split('@')[-1]}  workspace {team}, {len(cases[0].asks)} boards, now {now}")
        for case in cases:  # what each command answers, once (and a first pass: templates, statements)
            answers = [
                reply_text(server.port, case, team)[:60] for server in servers if server.label != "bare"
            ]
            where = f"{case.asks[0][0]!r} in {case.asks[0][1]}"
            print(f"  {case.label:<18} {where:<28} -> {' | '.join(answers)}")
        for server in servers:
            for case in cases:
                phase(server.port, case, team, min(len(case.asks), 20) * args.workers, 30, args.workers)
        rows = []
        for clients in args.clients:
            for n, case in enumerate(cases):
                for server in servers if n % 2 == 0 else servers[::-1]:
                    server.check_alive()
                    cpu = server.cpu_seconds()
                    latencies, wall = phase(server.port, case, team, args.requests, args.seconds, clients)
                    used = server.cpu_seconds() - cpu
                    server.note_rss()
                    row = {"command": case.label, "app": server.label, "clients": clients}
                    rows.append(row | figures(latencies, wall, used))
        report(rows, servers, args, f"data {urls[0].split('@')[-1]} ({team}), now {now}")
        if args.json:
            out = {
                "workers": args.workers,
                "threads": args.threads,
                "rows": rows,
                "peak_rss_mb": {s.label: {p: kb / 1024 for p, kb in s.peak_rss_kb.items()} for s in servers},
            }
            Path(args.json).write_text(json.dumps(out, indent=2))
    finally:
        for server in servers:
            server.stop()
        stand_in.close()
        scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
