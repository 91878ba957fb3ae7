"""Log lines for every process: plain text with `key=value` fields, or one JSON object a line.

LOG_FORMAT=json suits a log collector; the default suits a terminal. Structured lines (one per
HTTP request, one per reminder run) pass their fields as `extra={"fields": {...}}`; they carry
kinds, ids, counts and timings, never tokens, secrets or what a member wrote.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bot.config import Settings

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_VALUE = 80  # a field's value is an id, a name or a number; anything longer is cut


def fields_of(record: logging.LogRecord) -> Mapping[str, Any]:
    fields = getattr(record, "fields", None)
    return fields if isinstance(fields, Mapping) else {}


def text_value(value: Any) -> str:
    """A value as `key=value` shows it: bare when it has no space, quote or `=`, else JSON-quoted."""
    shown = "-" if value is None else str(value)[:MAX_VALUE]
    if shown and not any(c.isspace() or c in '"=\\' or not c.isprintable() for c in shown):
        return shown
    return json.dumps(shown)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message key=value …`."""

    def __init__(self) -> None:
        super().__init__(TEXT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        pairs = " ".join(f"{key}={text_value(value)}" for key, value in fields_of(record).items())
        if not pairs:
            return line
        first, newline, rest = line.partition("\n")  # a traceback stays below the fields
        return f"{first} {pairs}{newline}{rest}"


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the fields, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in fields_of(record).items():
            line[key] = (
                value if isinstance(value, int | float | bool) or value is None else str(value)[:MAX_VALUE]
            )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    return JSONFormatter() if log_format == "json" else TextFormatter()


class _Ours(logging.StreamHandler):
    """The handler setup() installs, so that calling it again replaces it instead of adding another."""


class StandardError:
    """sys.stderr as it is at each write, so a handler outlives whoever swaps it (pytest, the console)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def setup(settings: Settings, stream: IO[str] | None = None) -> None:
    """Every process's logging: the level and format of the settings, to standard error (or `stream`)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Ours)]:
        root.removeHandler(old)
    handler = _Ours(stream or StandardError())
    handler.setFormatter(formatter(settings.log_format))
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    if settings.log_level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    # Bolt verifies again after bot.slack.gate; should it ever refuse, it would log the body at INFO.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)


@contextmanager
def to_file(path: str | Path, settings: Settings) -> Iterator[None]:
    """Log lines go to a file for a while instead of the terminal (the console: not into its prompt)."""
    root = logging.getLogger()
    to_terminal = [h for h in root.handlers if type(h) in (logging.StreamHandler, _Ours)]
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(formatter(settings.log_format))
    for old in to_terminal:
        root.removeHandler(old)
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()
        for old in to_terminal:
            root.addHandler(old)


def slack_request(body: Mapping[str, Any]) -> dict[str, Any]:
    """What a request line says of a Slack payload: its kind (command, action, event or view and
    its name) and team, nothing a member wrote."""
    kind = body.get("type")
    name: Any = None
    if body.get("command"):
        kind, name = "command", body.get("command")
    elif kind == "block_actions":
        actions = body.get("actions") or [{}]
        name = actions[0].get("action_id") if isinstance(actions[0], dict) else None
    elif kind == "event_callback":
        event = body.get("event")
        kind, name = "event", event.get("type") if isinstance(event, dict) else None
    elif kind in ("view_submission", "view_closed"):
        view = body.get("view")
        name = view.get("callback_id") if isinstance(view, dict) else None
    elif kind in ("shortcut", "message_action"):
        name = body.get("callback_id")
    elif kind is None and body.get("ssl_check"):
        kind = "ssl_check"
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    if not team and isinstance(body.get("user"), dict):
        team = body["user"].get("team_id")
    return {"kind": f"{kind}:{name}" if name else (kind or "unknown"), "team": team or None}
