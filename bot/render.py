"""One Jinja environment that renders Block Kit JSON, escaping every value for Slack.

Templates in bot/templates/ write Block Kit as JSON. Every `{{ value }}` is escaped twice over: for
Slack mrkdwn (`&`, `<`, `>`) and for the JSON string it sits in, so a title holding `<!channel>`
shows as text. Only `Mrkdwn` values, built by the helpers below from escaped parts, pass through
as mrkdwn. A None reaching the output is an error: a template must say "not recorded" itself.
Trailing commas (natural in `{% for %}` loops) are dropped before parsing. Every rendered reply,
form and reminder then passes bot.blockkit's final pass, which keeps it inside Block Kit's limits.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot import blockkit
from bot.reply import Reply

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_FALLBACK = blockkit.FALLBACK_TEXT
USER_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,20}$")
SAFE_URL_RE = re.compile(r"^https?://[^\s<>|]+$")
TRAILING_COMMA_RE = re.compile(r",(\s*[\]}])")
TOKEN_RE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
LINK_RE = re.compile(r"<(https?://[^|>]+)\|([^>]*)>")
MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)>")


class Mrkdwn(str):
    """Text that is already valid, escaped Slack mrkdwn."""


def slack_escape(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# Inside a JSON string: quotes, backslashes and control characters escaped as JSON wants, and `]`
# and `}` as \u escapes too, so no value can hold the `, ]` that trailing-comma removal looks for.
JSON_STRING = {c: f"\\u{c:04x}" for c in range(0x20)} | {
    ord('"'): '\\"',
    ord("\\"): "\\\\",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    ord("]"): "\\u005d",
    ord("}"): "\\u007d",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
SLACK_AND_JSON = JSON_STRING | {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}


def _finalize(value: Any) -> str:
    if value is None:
        raise ValueError("a template rendered None: say 'not recorded' (or leave the line out)")
    if isinstance(value, Mrkdwn):
        return str.translate(value, JSON_STRING)
    return str(value).translate(SLACK_AND_JSON)


def link(url: str | None, label: str) -> Mrkdwn:
    """A link when the URL is a plain http(s) URL; otherwise just the label."""
    if url and SAFE_URL_RE.match(url):
        return Mrkdwn(f"<{url}|{slack_escape(label)}>")
    return Mrkdwn(slack_escape(label))


def cite(title: str, url: str | None = None, page: int | None = None) -> Mrkdwn:
    """A source as a member reads it: the document, linked when its URL is known, and its printed page.

    The data's line numbers point into local text extractions, for the tests: they mean nothing in Slack.
    """
    document = link(url, title)
    return Mrkdwn(f"{document}, page {page}") if page is not None else document


def mention(user_id: str | None, fallback: str) -> Mrkdwn:
    if user_id and USER_ID_RE.match(user_id):
        return Mrkdwn(f"<@{user_id}>")
    return Mrkdwn(slack_escape(fallback))


def bold(text: Any) -> Mrkdwn:
    """*text*, with the asterisks kept out of the escaped value's way."""
    inner = slack_escape(text).replace("*", "∗")
    return Mrkdwn(f"*{inner}*") if inner.strip() else Mrkdwn("")


def when(day: date, at: time | None, zone: str) -> Mrkdwn:
    """A Slack date token: each reader sees their own zone; the fallback uses the board's."""
    tz = ZoneInfo(zone)
    if at is None:
        # noon keeps the day the same for readers within twelve hours of the board
        instant = datetime.combine(day, time(12, 0), tz)
        fallback = f"{day:%A} {day.day} {day:%B %Y}"
        return Mrkdwn(f"<!date^{int(instant.timestamp())}^{{date_long_pretty}}|{slack_escape(fallback)}>")
    instant = datetime.combine(day, at, tz)
    fallback = f"{day:%A} {day.day} {day:%B %Y} at {at:%H:%M} ({instant:%Z})"
    token = "{date_long_pretty} at {time}"
    return Mrkdwn(f"<!date^{int(instant.timestamp())}^{token}|{slack_escape(fallback)}>")


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def number(value: float | None) -> str:
    if value is None:
        return "not recorded"
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 1000 else f"{value:g}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # templates ship with the code and change only with it
    )
    env.globals.update(link=link, cite=cite, mention=mention, when=when, Mrkdwn=Mrkdwn)
    env.filters.update(bold=bold, short_date=short_date, number=number, slack=slack_escape, clip=clip)
    return env


def clip(text: Any, limit: int) -> Mrkdwn:
    """The value escaped for Slack, then clipped to `limit` at a safe boundary, ending with "…"."""
    escaped = text if isinstance(text, Mrkdwn) else slack_escape(text)
    return Mrkdwn(blockkit.clip(escaped, limit))


def render_blocks(template: str, **context: Any) -> list[dict[str, Any]]:
    """The template's blocks (or, for a form, its view), fitted inside Block Kit's limits."""
    text = environment().get_template(template).render(**context)
    cleaned = TRAILING_COMMA_RE.sub(r"\1", text)
    try:
        rendered = json.loads(cleaned)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{template} rendered invalid JSON: {exc}\n{cleaned}") from exc
    if isinstance(rendered, dict):
        return blockkit.fit_view(rendered)  # type: ignore[return-value]  # a view is one JSON object
    return blockkit.fit_blocks(rendered)


def fallback_text(blocks: list[dict[str, Any]]) -> str:
    """The reply as plain mrkdwn lines, for notifications and clients without blocks."""
    lines: list[str] = []
    for block in blocks:
        if block.get("type") in ("section", "header") and block.get("text"):
            lines.append(block["text"]["text"])
        for item in block.get("fields", []):
            lines.append(item["text"])
        if block.get("type") == "context":
            lines.extend(e["text"] for e in block.get("elements", []) if "text" in e)
    text = "\n".join(line for line in lines if line)
    return blockkit.clip(text, MAX_FALLBACK) or "BoardBot"


def reply(template: str, *, public: bool = False, **context: Any) -> Reply:
    blocks = render_blocks(template, **context)
    return Reply(blocks=blocks, text=fallback_text(blocks), public=public)


def plain(text: str) -> str:
    """mrkdwn as a person reads it on a terminal: date tokens by their fallback, links inline."""
    text = TOKEN_RE.sub(lambda m: m.group(1), text)
    text = LINK_RE.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = MENTION_RE.sub(lambda m: f"@{m.group(1)}", text)
    return slack_unescape(text)
