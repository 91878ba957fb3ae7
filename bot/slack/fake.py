"""A fake Slack Web API on loopback: records every call and answers as scripted (errors, 429s).

Also serves response_url posts (`/respond/...`) and file uploads (files_upload_v2: the URL that
files.getUploadURLExternal hands out, `/upload/F…`, keeps the bytes in `uploads`), so one sees
everything the app sent to Slack. The
console shows what BoardBot sends through it, so it ships in the package; tests and bench/ use it too.
Reading the calls first waits for the Slack calls BoardBot makes after its acks (bot.slack.after), so
a reader sees all that the requests answered so far have sent. A call can be scripted to answer late
or with an HTTP error (`script`).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.slack.after import AFTER


@dataclass
class Call:
    path: str
    method: str  # "chat.postMessage", or "respond" for response_url posts
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    answer: dict[str, Any] = field(default_factory=dict)  # what the fake answered


@dataclass
class Scripted:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    sent: Callable[[], None] | None = None  # called once the answer is written (benchmarks time it)


class Listener(ThreadingHTTPServer):
    """Accepts as many connections at once as a pool of clients opens: with the standard backlog of
    5, connections past it wait for the kernel to retry them, a second later."""

    request_queue_size = 128


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.seen = 0  # calls already handed out by take()
        self.scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self.lock = threading.Lock()
        self.heads: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) → the bot's message
        self.last_ts = 0  # microseconds: each message posted gets a later ts than the last
        self.teams: dict[str, tuple[str, str]] = {}  # bot token → (team id, name), for auth.test
        self.codes: dict[str, str] = {}  # OAuth code → the bot token oauth.v2.access trades it for
        self.uploads: dict[str, bytes] = {}  # file id → the bytes uploaded to its upload URL
        self.files: dict[str, dict[str, Any]] = {}  # file id → filename, length and alt text asked for
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if self.path.startswith("/upload/"):  # a file's bytes, as files_upload_v2 sends them
                    fake.receive_upload(self, data)
                    return
                raw = data.decode("utf-8")
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or "{}")
                else:
                    body = dict(parse_qsl(raw))
                method = "respond" if self.path.startswith("/respond") else self.path.rsplit("/", 1)[-1]
                call = Call(self.path, method, body, dict(self.headers))
                scripted = fake._record(call)
                if scripted.delay:
                    time.sleep(scripted.delay)
                call.answer = (
                    scripted.body if scripted.body is not None else fake.default(method, body, call.headers)
                )
                payload = json.dumps(call.answer).encode()
                self.send_response(scripted.status)
                for name, value in scripted.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                if scripted.sent is not None:
                    scripted.sent()

            def log_message(self, *args) -> None:
                pass

        self.server = Listener(("127.0.0.1", 0), Handler)
        report = self.server.handle_error

        def handle_error(request, client_address) -> None:
            if not isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
                report(request, client_address)  # a client that timed out and left is expected

        self.server.handle_error = handle_error  # type: ignore[method-assign]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str = "1") -> str:
        return f"{self.base}/respond/{name}"

    def default(
        self, method: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Slack's answer when none is scripted. Messages posted are remembered, so a thread's head
        can be read back (conversations.replies); a message to a user id goes to their DM, D….
        auth.test names the team of a token given by an install (`install_code`), else T0TEST."""
        body = body or {}
        if method == "auth.test":
            token = (headers or {}).get("Authorization", "").removeprefix("Bearer ")
            team_id, name = self.teams.get(token, ("T0TEST", "Test"))
            return {"ok": True, "team_id": team_id, "user_id": "UBOT", "bot_id": "BBOT", "team": name}
        if method == "oauth.v2.access":
            return self.oauth_access(str(body.get("code")))
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D0TEST"}}
        if method == "conversations.history":
            return {"ok": True, "messages": []}
        if method == "conversations.replies":
            head = self.heads.get((str(body.get("channel")), str(body.get("ts"))))
            return {"ok": True, "messages": [head] if head else []}
        if method == "files.getUploadURLExternal":
            return self.upload_url(body)
        if method == "files.completeUploadExternal":
            return self.complete_upload(body)
        channel = str(body.get("channel") or "C0TEST")
        channel = "D" + channel[1:] if channel[:1] in ("U", "W") else channel
        ts = self.next_ts()
        if method == "chat.postMessage":
            message = {k: body.get(k) for k in ("text", "blocks", "thread_ts") if body.get(k)}
            with self.lock:
                self.heads[(channel, ts)] = {"ts": ts, "user": "UBOT", "bot_id": "BBOT", **message}
        return {"ok": True, "channel": channel, "ts": ts}

    def upload_url(self, body: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal: a file id, and a URL on this fake to send the bytes to."""
        with self.lock:
            file_id = f"F{len(self.files) + 1:08d}"
            self.files[file_id] = {
                "filename": body.get("filename"),
                "length": int(body.get("length") or 0),
                "alt_txt": body.get("alt_txt"),
            }
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def receive_upload(self, handler: BaseHTTPRequestHandler, data: bytes) -> None:
        """The upload URL: keep the bytes, answer as Slack does ("OK - length")."""
        file_id = handler.path.removeprefix("/upload/")
        with self.lock:
            known = file_id in self.files
            if known:
                self.uploads[file_id] = data
            self.calls.append(Call(handler.path, "upload", {"file_id": file_id, "bytes": len(data)}, {}))
        payload = f"OK - {len(data)}".encode() if known else b"unknown upload URL"
        handler.send_response(200 if known else 404)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def complete_upload(self, body: dict[str, Any]) -> dict[str, Any]:
        """files.completeUploadExternal: the files shared in `channel_id` (if given), as Slack lists them."""
        listed = body.get("files")
        files = json.loads(listed) if isinstance(listed, str) else listed or []
        found = []
        with self.lock:
            for item in files:
                file_id = str(item.get("id"))
                if file_id not in self.uploads:
                    return {"ok": False, "error": "file_not_found"}
                asked = self.files[file_id]
                found.append({"id": file_id, "title": item.get("title"), "name": asked["filename"]})
        return {"ok": True, "files": found}

    def uploaded(self) -> list[tuple[Call, dict[str, bytes]]]:
        """Each files.completeUploadExternal call, with the bytes of the files it shared, by id."""
        completed = self.calls_to("files.completeUploadExternal")
        with self.lock:
            return [
                (call, {f["id"]: self.uploads[f["id"]] for f in call.answer.get("files", [])})
                for call in completed
            ]

    def install_code(self, code: str, team_id: str, name: str) -> str:
        """Make `code` a valid OAuth code: oauth.v2.access trades it for a bot token of `team_id`."""
        token = f"xoxb-{team_id.lower()}-{code}"
        with self.lock:
            self.teams[token] = (team_id, name)
            self.codes[code] = token
        return token

    def oauth_access(self, code: str) -> dict[str, Any]:
        """oauth.v2.access as Slack answers it for a bot install (one use of each code)."""
        with self.lock:
            token = self.codes.pop(code, None)
        if token is None:
            return {"ok": False, "error": "invalid_code"}
        team_id, name = self.teams[token]
        return {
            "ok": True,
            "app_id": "A0BOARDBOT",
            "authed_user": {"id": "U0INSTALLER"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": "UBOT",
            "team": {"id": team_id, "name": name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def next_ts(self) -> str:
        """A Slack ts later than any before it, from the real clock."""
        with self.lock:
            self.last_ts = max(time.time_ns() // 1000, self.last_ts + 1)
            return f"{self.last_ts // 1_000_000}.{self.last_ts % 1_000_000:06d}"

    def script(self, method: str, *answers: Scripted) -> None:
        """Answer the next calls of `method` with these, in order; then the default again."""
        with self.lock:
            self.scripts[method].extend(answers)

    def _record(self, call: Call) -> Scripted:
        with self.lock:
            self.calls.append(call)
            queue = self.scripts.get(call.method)
            return queue.popleft() if queue else Scripted()

    def calls_to(self, method: str) -> list[Call]:
        AFTER.settle()
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def take(self) -> list[Call]:
        """The calls made since the last take()."""
        AFTER.settle()
        with self.lock:
            taken, self.seen = self.calls[self.seen :], len(self.calls)
        return taken

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
