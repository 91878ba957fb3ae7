"""The web process: uvicorn serves Slack's requests at /slack/events through this ASGI app.

    python -m bot.slack.asgi        # the Procfile's web line; `boardbot serve` runs the same

uvicorn's event loop reads every connection, so a client whose headers or body trickle in holds
no thread. A request reaches Bolt only whole, at most 1 MB, read within BODY_SECONDS, Slack-signed
and parsable (bot.slack.gate); Bolt's synchronous App then runs in a small thread pool, since its
listeners and the database sessions under them are synchronous. GET /healthz (the process is up)
and GET /readyz (database reachable, schema current, Slack takes the bot token; else 503 and why) are
the probes. With BOARDBOT_PUBLIC_URL set, GET /calendar/… serves members' calendar feeds
(bot.calendar.feeds): not signed by Slack, so the URL's token is the key; the log never shows it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from functools import partial

from slack_bolt import App, BoltRequest, BoltResponse

from bot import logs, process
from bot.app import create_app
from bot.calendar import links
from bot.calendar.feeds import CalendarFeeds, loggable
from bot.config import ConfigError, Settings
from bot.db import check_schema, make_engine, make_sessions, unready
from bot.slack import gate
from bot.slack.listeners import LATE
from bot.slack.oauth import Installations
from bot.slack.ready import SlackCheck
from bot.workspaces import start_up

log = logging.getLogger("bot.slack.asgi")  # also when run as __main__

ANSWER_SECONDS = 2.5  # Slack gives up after 3 s; past this the answer says so instead (a hung database)
FEED_SECONDS = 10.0  # a calendar client waits longer than Slack; a feed is a few queries
INSTALL_SECONDS = 20.0  # an install's redirect asks Slack for the token (oauth.v2.access, auth.test)
BODY_SECONDS = 10.0  # Slack sends its few KB at once; a body still arriving after this is cut off
WORKER_PING_SECONDS = 30
DEFAULT_WORKERS = 2  # processes (WEB_CONCURRENCY)
DEFAULT_THREADS = 8  # Bolt's threads a process (WEB_THREADS), within the database pool's 5 + 10
REQUEST: ContextVar[dict] = ContextVar("REQUEST")  # the request line's fields, filled in as it is served


class TooLarge(Exception):
    """The body passed gate.MAX_BODY_BYTES (the rest is not read)."""


class ClientGone(Exception):
    """The client disconnected before its body was whole."""


class SlackASGI:
    """POST /slack/events, checked by bot.slack.gate, then Bolt's App in a thread pool."""

    def __init__(
        self,
        app: App,
        signing_secret: str,
        *,
        threads: int = DEFAULT_THREADS,
        body_seconds: float | None = None,
        answer_seconds: float | None = None,
        unready: Callable[[], str | None] | None = None,
        slack: SlackCheck | None = None,
        calendars: CalendarFeeds | None = None,
    ):
        self.app = app
        self.secret = signing_secret.encode()
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bolt")
        self.body_seconds = BODY_SECONDS if body_seconds is None else body_seconds
        self.answer_seconds = ANSWER_SECONDS if answer_seconds is None else answer_seconds
        self.unready = unready
        self.slack = slack
        self.calendars = calendars

    async def __call__(self, scope, receive, send) -> None:
        """Serve the request, then log one line of it: kind, team, status, time; never its body."""
        if scope["type"] != "http":
            await self.handle(scope, receive, send)
            return
        started = time.perf_counter()
        path = scope["path"]
        shown = loggable(path) if path.startswith(links.PREFIX) else path  # never a feed's token
        fields = {"method": scope["method"], "path": shown, "kind": "-", "team": None, "status": 0}
        REQUEST.set(fields)

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                fields["status"] = message["status"]
            await send(message)

        try:
            await self.handle(scope, receive, sending)
        finally:
            fields["ms"] = round((time.perf_counter() - started) * 1000, 1)
            probe = scope["path"] in gate.HEALTH_PATHS and fields["status"] == 200
            log.log(logging.DEBUG if probe else logging.INFO, "request", extra={"fields": fields})

    async def handle(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets here (uvicorn is started with ws="none")
        path = scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        if self.calendars is not None and path.startswith(links.PREFIX):
            await self.calendar(scope, receive, send)
            return
        refusal = gate.route(scope["method"], path, installs=self.app.oauth_flow is not None)
        if refusal:
            allow = ("POST" if path == gate.EVENTS_PATH else "GET") if refusal.status == 405 else None
            await respond(send, refusal.status, refusal.reason, allow=allow)
            return
        if path in gate.HEALTH_PATHS:
            status, text = (200, "up") if path == "/healthz" else await self.readiness()
            await respond(send, status, text)
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
        }
        raw = await self.read(path, headers, receive)
        if raw is None:
            return  # the client left before its body was whole: nobody to answer
        if isinstance(raw, bytes) and path in gate.INSTALL_PATHS:
            await send_bolt(send, await self.install(path, query, headers))
            return
        admitted = raw if isinstance(raw, gate.Refusal) else gate.admit(self.secret, raw, headers, query)
        if isinstance(admitted, gate.Refusal):
            if isinstance(raw, bytes):
                admitted.log(path, f"{len(raw)} bytes")
            await respond(send, admitted.status, admitted.reason)
            return
        await send_bolt(send, await self.dispatch(admitted))

    async def calendar(self, scope, receive, send) -> None:
        """GET /calendar/…: a feed (bot.calendar.feeds), after the same body limits as any request."""
        path = scope["path"]
        REQUEST.get({})["kind"] = "calendar"
        if scope["method"] not in ("GET", "HEAD"):
            await respond(send, 405, "A calendar is read with GET.", allow="GET")
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
        }
        raw = await self.read(loggable(path), headers, receive)
        if raw is None:
            return
        if isinstance(raw, gate.Refusal):
            await respond(send, raw.status, raw.reason)
            return
        assert self.calendars is not None  # handle() routes here only with feeds set up
        loop = asyncio.get_running_loop()
        try:
            answer = await asyncio.wait_for(
                loop.run_in_executor(self.pool, self.calendars.answer, path), FEED_SECONDS
            )
        except TimeoutError:
            log.error("The calendar feed was not read within %g s", FEED_SECONDS)
            await respond(send, 503, "The calendar could not be read in time; try again later.")
            return
        except Exception:
            log.exception("The calendar feed failed (token not logged)")
            await respond(send, 500, "BoardBot failed on this calendar; it is logged.")
            return
        REQUEST.get({})["kind"] = answer.kind
        pairs = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()]
        pairs.append((b"content-length", str(len(answer.body)).encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": pairs})
        await send({"type": "http.response.body", "body": answer.body})

    async def read(self, path: str, headers: dict[str, str], receive) -> bytes | gate.Refusal | None:
        """The whole body; a refusal (logged) when too large or too slow; None if the client left."""
        declared = headers.get("content-length", "").strip()
        length = gate.declared_length(declared or None)
        if isinstance(length, gate.Refusal):
            length.log(path, f"{declared} bytes declared" if declared.isdigit() else "an unreadable length")
            return length
        try:
            return await asyncio.wait_for(read_body(receive), self.body_seconds)
        except ClientGone:
            return None
        except TooLarge:
            refusal, size = gate.too_large(), "over the limit"
        except TimeoutError:
            refusal, size = gate.Refusal(408, f"The body took over {self.body_seconds:g} s to arrive."), "?"
        refusal.log(path, size)
        return refusal

    async def dispatch(self, request: BoltRequest) -> BoltResponse:
        """Bolt's answer, or one saying it is late when Bolt takes over `answer_seconds` (its thread runs on;
        an event answered late gets 503, so Slack retries it and the retry is de-duplicated)."""
        REQUEST.get({}).update(logs.slack_request(request.body))
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self.pool, self.app.dispatch, request), self.answer_seconds
            )
        except TimeoutError:
            kind = request.body.get("command") or request.body.get("type")
            log.error("Bolt did not answer %s within %g s", kind, self.answer_seconds)
            if request.body.get("type") == "event_callback":
                return BoltResponse(
                    status=503, body="The event was not recorded in time; Slack will retry it."
                )
            reply = json.dumps({"response_type": "ephemeral", "text": LATE})
            return BoltResponse(status=200, body=reply, headers={"content-type": "application/json"})
        except Exception:
            log.exception("Bolt failed on a signed request (body not logged)")
            return BoltResponse(status=500, body="BoardBot failed on this request; it is logged.")

    async def install(self, path: str, query: str, headers: dict[str, str]) -> BoltResponse:
        """Bolt's OAuthFlow: the install page, or Slack's redirect back with a code (many workspaces).
        A browser asks these, not Slack, so nothing is signed: the flow checks its state cookie."""
        flow = self.app.oauth_flow
        if flow is None:  # gate.route serves these paths only with an install flow
            return BoltResponse(status=404, body="Not found. BoardBot listens at /slack/events.")
        handle = flow.handle_installation if path == gate.INSTALL_PATH else flow.handle_callback
        loop = asyncio.get_running_loop()
        request = BoltRequest(body="", query=query, headers=dict(headers))
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.pool, handle, request), INSTALL_SECONDS)
        except TimeoutError:
            log.error("The install flow did not finish %s within %g s", path, INSTALL_SECONDS)
            return BoltResponse(
                status=504, body="Slack did not answer in time; start again at /slack/install"
            )
        except Exception:
            log.exception("The install flow failed on %s (query not logged)", path)
            return BoltResponse(
                status=500, body="The install failed; it is logged. Start again at /slack/install"
            )

    async def readiness(self) -> tuple[int, str]:
        """/readyz: 200 when the database is reachable, its schema current and Slack takes the bot token
        (bot.slack.ready: a Slack outage is noted, not unready), else 503 and why."""
        if self.unready is None:
            return 503, "not ready: no readiness check configured"
        loop = asyncio.get_running_loop()
        try:
            problem = await asyncio.wait_for(
                loop.run_in_executor(self.pool, self.unready), self.answer_seconds
            )
        except TimeoutError:
            problem = f"database did not answer within {self.answer_seconds:g} s"
        if problem:
            return 503, f"not ready: {problem}"
        if self.slack is None:
            return 200, "ready"
        try:
            refusal, outage = await asyncio.wait_for(
                loop.run_in_executor(self.pool, self.slack.verdict, self.pool), self.answer_seconds
            )
        except TimeoutError:
            refusal, outage = None, f"Slack's auth.test did not answer within {self.answer_seconds:g} s"
        if refusal:
            return 503, f"not ready: {refusal}"
        return 200, f"ready ({outage})" if outage else "ready"

    async def lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.pool.shutdown(wait=True)
                await send({"type": "lifespan.shutdown.complete"})
                return


async def read_body(receive) -> bytes:
    """The whole body; TooLarge as soon as it passes the limit, ClientGone if the client left."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > gate.MAX_BODY_BYTES:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def send_bolt(send, response: BoltResponse) -> None:
    await send({"type": "http.response.start", "status": response.status, "headers": raw_headers(response)})
    await send({"type": "http.response.body", "body": response.body.encode()})


def raw_headers(response: BoltResponse) -> list[tuple[bytes, bytes]]:
    pairs = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, values in response.headers.items()
        if name != "content-length"
        for value in values
    ]
    return [*pairs, (b"content-length", str(len(response.body.encode())).encode())]


async def respond(send, status: int, text: str, *, allow: str | None = None) -> None:
    body = (text + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    if allow:
        headers.append((b"allow", allow.encode()))
    if status in (400, 408, 413):
        headers.append((b"connection", b"close"))  # the rest of a refused body is not read
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def make_application(settings: Settings | None = None) -> SlackASGI:
    """The app for one uvicorn worker: BoardBot's Bolt app on a schema-checked database."""
    settings = settings or Settings.from_env()
    logs.setup(settings)
    if not settings.slack_signing_secret:
        raise SystemExit("SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify Slack's requests.")
    engine = make_engine(settings.database_url, timeout=settings.database_timeout, pool_pre_ping=True)
    check_schema(engine)
    sessions = make_sessions(engine)
    start_up(settings, sessions)  # the bot token's workspace gets the boards loaded for `local`
    installations = Installations.on(settings, engine) if settings.oauth else None  # many workspaces
    app = create_app(settings, sessions, installations=installations)
    return SlackASGI(
        app,
        settings.slack_signing_secret,
        threads=env_int("WEB_THREADS", DEFAULT_THREADS),
        unready=partial(unready, engine),
        slack=SlackCheck(app.client) if settings.slack_bot_token else None,
        calendars=CalendarFeeds(sessions, settings) if settings.public_url else None,
    )


def served_application() -> SlackASGI:
    """make_application for a worker `serve` starts: then its start-up objects are frozen (bot.process)."""
    application = make_application()
    process.started()
    return application


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name}={value!r} is not a positive whole number; e.g. {default}")
    return int(value)


def serve(settings: Settings, factory: str = "bot.slack.asgi:served_application") -> int:
    """Run uvicorn on $PORT with WEB_CONCURRENCY worker processes, each making its app by `factory`."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    host = os.environ.get("WEB_HOST", "0.0.0.0")
    config = uvicorn.Config(
        factory,
        host=host,
        port=settings.port,
        workers=env_int("WEB_CONCURRENCY", DEFAULT_WORKERS),
        factory=True,
        ws="none",
        lifespan="on",
        log_level=settings.log_level.lower(),
        log_config=None,  # uvicorn's lines go through bot.logs, in LOG_FORMAT
        access_log=False,  # SlackASGI logs each request once, with what it was and how long it took
        timeout_graceful_shutdown=20,
        # A worker that has not answered the supervisor's ping in this long is killed and replaced.
        # uvicorn's 5 s also covers a new worker's start (a fresh interpreter importing the app),
        # which on a busy machine takes longer: the workers were then killed over and over.
        timeout_worker_healthcheck=WORKER_PING_SECONDS,
        proxy_headers=False,  # nothing here reads the client's address
    )
    log.info("Serving Slack over HTTP on %s:%s at /slack/events (uvicorn)", host, settings.port)
    if config.workers == 1:
        server = uvicorn.Server(config)
        server.run()
        return 0 if server.started else 3
    Multiprocess(config, sockets=[tcp_listener(host, settings.port)]).run()
    return 0


def tcp_listener(host: str, port: int) -> socket.socket:
    """The socket the workers share, bound as TCP so that asyncio turns Nagle off on its connections.

    uvicorn's own shared socket leaves the protocol 0, and then every keep-alive response waits
    for the client's delayed ACK (uvicorn issue 3149); a socket asyncio binds itself, as with one
    worker, is right already.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def main() -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"boardbot: {exc}", file=sys.stderr)
        return 2
    logs.setup(settings)
    return serve(settings)


if __name__ == "__main__":
    raise SystemExit(main())
