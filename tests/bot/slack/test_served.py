"""The web process as the Procfile starts it, on loopback: slow clients, oversized and malformed bodies.

Each test starts the Procfile's `web:` command (uvicorn serving bot.slack.asgi) against the demo
database and the fake Slack Web API, and speaks HTTP to it over sockets, the way Slack and an
attacker would. Every loop is bounded in count and seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.slack.asgi import SlackASGI
from tests.bot.slack.conftest import SECRET

ROOT = Path(__file__).resolve().parents[3]
DEMO_NOW = "2023-09-01T09:00:00+01:00"
NEXT_HWB = "Thursday 5 October 2023"
SLOW_CONNECTIONS = 64
# What a rejected body carries that must never reach the log: Slack's verification token, the
# response_url (which can post into the conversation) and what the member typed.
SECRETS = ("TOKENq7Zk2", "hooks.slack.com/commands/T1/RESPONSEq7Zk2", "TEXTq7Zk2")


def procfile_command(process: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return command.strip()
    raise AssertionError(f"no {process}: line in the Procfile")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command_body(text: str = "hwb", **fields: str) -> bytes:
    payload = {
        "token": "x",
        "team_id": "T0TEST",  # the fake Slack's team: start-up gave it the demo's `local` boards
        "user_id": "U1",
        "channel_id": "D1",
        "channel_name": "directmessage",
        "command": "/nextmeeting",
        "text": text,
        "response_url": "http://127.0.0.1:9/unused",
        **fields,
    }
    return urlencode(payload).encode()


def signature_headers(body: bytes, *, secret: str = SECRET, timestamp: str | None = None) -> dict[str, str]:
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    # Slack's v0 scheme over the bytes (slack_sdk's helper would first decode them as UTF-8)
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + digest.hexdigest()}


@dataclass
class Served:
    process: subprocess.Popen
    port: int
    log: Path

    def post(
        self,
        body: bytes,
        headers: dict[str, str],
        content_type: str = "application/x-www-form-urlencoded",
        timeout: float = 10,
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(
                "POST", "/slack/events", body=body, headers={"Content-Type": content_type, **headers}
            )
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    def signed(self, body: bytes, content_type: str = "application/x-www-form-urlencoded") -> tuple[int, str]:
        return self.post(body, signature_headers(body), content_type)

    def ask(self, text: str) -> tuple[float, int, str]:
        """A member's signed /nextmeeting: seconds to the answer, status, reply text."""
        start = time.monotonic()
        status, body = self.signed(command_body(text))
        seconds = time.monotonic() - start
        return seconds, status, (json.loads(body)["text"] if status == 200 else body)


def start(command: list[str], demo_db, fake_slack, log: Path, **env: str) -> Served:
    port = free_port()
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": demo_db.url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "PORT": str(port),
        "WEB_HOST": "127.0.0.1",  # nothing listens beyond loopback
        "BOARDBOT_NOW": DEMO_NOW,
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "INFO",
        **env,
    }
    environment.pop("SLACK_APP_TOKEN", None)
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    served = Served(process, port, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if served.ask("hwb")[1] == 200:
                return served
        except OSError:
            time.sleep(0.1)
    stop(served)
    raise AssertionError(f"the web process did not answer within 30 s:\n{log.read_text()}")


def stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait(timeout=10)


@pytest.fixture
def web(demo_db, fake_slack, tmp_path) -> Iterator[Served]:
    """The Procfile's web process, one worker, on a loopback port."""
    served = start(["bash", "-c", procfile_command("web")], demo_db, fake_slack, tmp_path / "web.log")
    yield served
    stop(served)


class SlowClients:
    """Connections whose headers (half of them) or bodies (the other half) arrive a byte at a time."""

    def __init__(self, port: int, count: int):
        self.sockets: list[tuple[socket.socket, bytes]] = []
        for n in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if n % 2:
                s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
                self.sockets.append((s, b"X-Slow: a\r\n"))
            else:
                s.sendall(
                    b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nc"
                )
                self.sockets.append((s, b"x"))
        self.stopped = threading.Event()
        self.sent = 0
        self.thread = threading.Thread(target=self.trickle, daemon=True)
        self.thread.start()

    def trickle(self) -> None:
        for _ in range(120):  # a minute at most
            if self.stopped.wait(0.5):
                return
            for s, piece in self.sockets:
                s.sendall(piece)
                self.sent += 1

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        for s, _ in self.sockets:
            s.close()


def test_signed_commands_answer_within_a_second_while_64_slow_clients_hang_on(web):
    slow = SlowClients(web.port, SLOW_CONNECTIONS)
    try:
        time.sleep(1)  # every slow connection is open and has sent something
        assert slow.sent >= SLOW_CONNECTIONS
        asks = ["hwb", "wellbeing", "Health and Wellbeing Board", "health & wellbeing", "HWB"] * 2
        for text in asks:
            seconds, status, reply = web.ask(text)
            assert status == 200 and NEXT_HWB in reply, (text, reply)
            assert seconds < 1.0, (text, seconds)
        with ThreadPoolExecutor(max_workers=8) as pool:  # and several at once
            answers = list(pool.map(web.ask, ["hwb"] * 16))
        assert all(status == 200 and NEXT_HWB in reply for _, status, reply in answers)
        assert max(seconds for seconds, _, _ in answers) < 1.0, answers
        assert slow.thread.is_alive()  # the slow clients were still trickling all along
    finally:
        slow.close()
    assert web.process.poll() is None


def raw_request(port: int, head: bytes, body_chunks: list[bytes] = ()) -> tuple[int, float]:
    """Send a request's head and chunks (as far as the server lets us); its status and seconds taken."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head)
        try:
            for chunk in body_chunks:
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest: the point
        reply = s.makefile("rb").readline()
    return int(reply.split()[1]), time.monotonic() - start


def test_an_oversized_body_gets_413_before_it_is_read(web):
    # Declared far over the limit: refused on the headers alone, the body never sent.
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 200000000\r\n\r\n"
    )
    status, seconds = raw_request(web.port, head)
    assert status == 413 and seconds < 1.0
    # Streamed without a length: cut off once past 1 MB, not read to its 20 MB end.
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
    status, seconds = raw_request(web.port, head, [chunk] * 320)
    assert status == 413 and seconds < 5.0
    # The same limit holds for a signed body: Slack's requests are a few KB.
    big = command_body("hwb " + "x" * 1_100_000)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n" % len(big)
    head += b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in signature_headers(big).items())
    assert raw_request(web.port, head + b"\r\n", [big])[0] == 413
    assert web.ask("hwb")[1] == 200


def test_unsigned_forged_stale_and_malformed_bodies_are_refused_and_never_logged(web):
    token, response_url, typed = SECRETS
    body = command_body(typed, token=token, response_url=f"https://{response_url}")
    now = int(time.time())
    for headers in (
        {},  # unsigned
        signature_headers(body, secret="not-the-secret"),  # forged
        signature_headers(body, timestamp=str(now - 3600)),  # stale
        signature_headers(body, timestamp="soon"),  # not a number
        {**signature_headers(body), "X-Slack-Signature": "v0=" + "0" * 64},  # tampered
    ):
        assert web.post(body, headers)[0] == 401, headers
    assert web.post(body + b"x" * 900_000, {})[0] == 401  # unsigned and large: refused, not logged
    payload = json.dumps({"type": "block_actions", "token": token, "response_url": response_url})
    for malformed, content_type in (
        (b"{", "application/json"),
        (b"payload=notjson&text=" + typed.encode(), "application/x-www-form-urlencoded"),
        (b"payload=[]", "application/x-www-form-urlencoded"),
        (b"[" * 50_000 + b"]" * 50_000, "application/json"),
        (urlencode({"payload": payload}).encode(), "application/x-www-form-urlencoded"),  # no actions
        (b"command=%2Fkpi&text=\xff" + typed.encode(), "application/x-www-form-urlencoded"),  # not UTF-8
        (command_body(typed, token=token), "application/json"),  # a form sent as JSON
    ):
        status, answer = web.signed(malformed, content_type)
        assert status == 400, (malformed[:40], status, answer)
        assert "not" in answer  # says what was wrong
    assert web.ask("hwb")[1] == 200  # and the process serves on
    log = web.log.read_text(errors="replace")
    assert "refused 401" in log and "refused 400" in log
    assert not [secret for secret in SECRETS if secret in log], log[-3000:]
    assert "Traceback" not in log
    assert len(log) < 20_000  # reasons and sizes, not bodies


def test_boardbot_serve_runs_the_same_web_process_with_two_workers(demo_db, fake_slack, tmp_path):
    served = start(
        [sys.executable, "-m", "bot.cli", "serve"],
        demo_db,
        fake_slack,
        tmp_path / "serve.log",
        WEB_CONCURRENCY="2",
    )
    try:
        answers = [served.ask(text) for text in ("hwb", "the health and wellbeing board", "fps")]
        assert all(status == 200 for _, status, _ in answers)
        assert NEXT_HWB in answers[0][2] and NEXT_HWB in answers[1][2]
        assert "Family and People Services" in answers[2][2]
        assert served.post(command_body(), signature_headers(command_body(), secret="forged"))[0] == 401
        # Replies on a kept-alive connection come at once: no ~40 ms wait on Nagle's algorithm and the
        # client's delayed ACK, which uvicorn's shared socket for several workers would cause.
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        took = []
        for _ in range(15):
            began = time.monotonic()
            connection.request("POST", "/slack/events", body=b"x=1")
            response = connection.getresponse()
            response.read()
            took.append(time.monotonic() - began)
            assert response.status == 401
        connection.close()
        assert sorted(took)[len(took) // 2] < 0.02, took
    finally:
        stop(served)
    assert "uvicorn" in served.log.read_text().lower()


def test_a_body_still_trickling_in_after_its_time_gets_408(bolt_app):
    """The body's deadline, on the ASGI app itself with a short one (the served default is 10 s)."""
    asgi = SlackASGI(bolt_app, SECRET, threads=1, body_seconds=0.2)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/slack/events",
        "query_string": b"",
        "headers": [(b"content-length", b"100")],
    }
    pieces = iter([b"c", b"o"])
    sent: list[dict] = []

    async def receive() -> dict:
        piece = next(pieces, None)
        if piece is None:
            await asyncio.sleep(5)  # the rest never comes in time
        return {"type": "http.request", "body": piece or b"", "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    start = time.monotonic()
    asyncio.run(asgi(scope, receive, send))
    assert time.monotonic() - start < 1.0
    assert sent[0]["status"] == 408 and b"took over" in sent[1]["body"]
    asgi.pool.shutdown()
