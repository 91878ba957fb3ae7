"""`assert_fits_slack`: a reply, message or view as Slack would take it, checked against Block Kit.

Each block must parse with slack_sdk.models and pass its `validate_json()`; on top of that every
documented limit slack_sdk does not check is checked here, counted as Slack counts (UTF-16 units),
and every mrkdwn text must be escaped and cut cleanly (no stray `&`, no unclosed `<…>` token, no
broadcast mention). Reusable by any test: pass a Reply, a chat.postMessage/respond body, a list of
blocks, or a view.
"""

from __future__ import annotations

import json
import re
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blockkit import slack_len
from bot.reply import Reply

LIMITS = {
    "message_blocks": 50,
    "view_blocks": 100,
    "section_text": 3000,
    "field": 2000,
    "fields": 10,
    "header": 150,
    "context_text": 2000,
    "context_elements": 10,
    "actions_elements": 25,
    "button_text": 75,
    "button_value": 2000,
    "url": 3000,
    "id": 255,
    "option_text": 75,
    "option_value": 150,
    "options": 100,
    "placeholder": 150,
    "label": 2000,
    "hint": 2000,
    "view_title": 24,
    "private_metadata": 3000,
    "fallback": 3000,
}
BROADCAST_RE = re.compile(r"<!(channel|here|everyone)\b")
BAD_AMPERSAND_RE = re.compile(r"&(?!amp;|lt;|gt;)")
TOKEN_RE = re.compile(r"<[^<>]*>")


class SlackLimitError(AssertionError):
    pass


def _check(ok: bool, where: str, what: str) -> None:
    if not ok:
        raise SlackLimitError(f"{where}: {what}")


def _within(text: Any, limit: str, where: str) -> None:
    _check(isinstance(text, str), where, f"not a string: {text!r}")
    _check(
        0 < slack_len(text) <= LIMITS[limit],
        where,
        f"{slack_len(text)} characters; {limit} allows 1-{LIMITS[limit]}",
    )


def check_mrkdwn(text: str, where: str) -> None:
    """Escaped and whole: every `&` outside a token an entity, every `<` the start of a closed token,
    no broadcast mention."""
    _check(not BROADCAST_RE.search(text), where, f"a broadcast mention: {text[:200]!r}")
    outside = TOKEN_RE.sub("", text)  # a link's URL keeps its own & as written
    _check(not BAD_AMPERSAND_RE.search(outside), where, f"an unescaped & or a cut entity: {text[-200:]!r}")
    _check("<" not in outside and ">" not in outside, where, f"an unclosed or cut <…> token: {text[-200:]!r}")


def _text_object(obj: Any, limit: str, where: str) -> None:
    _check(
        isinstance(obj, dict) and obj.get("type") in ("mrkdwn", "plain_text"),
        where,
        f"not a text object: {obj!r}",
    )
    _within(obj["text"], limit, where)
    if obj["type"] == "mrkdwn":
        check_mrkdwn(obj["text"], where)


def _option(option: dict[str, Any], where: str) -> None:
    _text_object(option["text"], "option_text", f"{where} text")
    _within(option["value"], "option_value", f"{where} value")


def _element(element: dict[str, Any], where: str) -> None:
    if "action_id" in element:
        _within(element["action_id"], "id", f"{where} action_id")
    if element.get("type") == "button":
        _text_object(element["text"], "button_text", f"{where} text")
        if "value" in element:
            _within(element["value"], "button_value", f"{where} value")
        if "url" in element:
            _within(element["url"], "url", f"{where} url")
    if "placeholder" in element:
        _text_object(element["placeholder"], "placeholder", f"{where} placeholder")
    options = element.get("options", [])
    _check(len(options) <= LIMITS["options"], where, f"{len(options)} options")
    for number, option in enumerate(options):
        _option(option, f"{where} option {number}")
    if "initial_option" in element:
        _option(element["initial_option"], f"{where} initial_option")
        _check(element["initial_option"] in options, where, "initial_option is not one of the options")
    if "initial_value" in element:
        longest = element.get("max_length", 3000)
        _check(len(element["initial_value"]) <= longest, where, "initial_value longer than max_length")


def check_block(block: dict[str, Any], where: str) -> None:
    parsed = Block.parse(block)
    _check(parsed is not None, where, f"not a block slack_sdk knows: {block.get('type')!r}")
    assert parsed is not None
    parsed.validate_json()
    _check(
        parsed.to_dict() == block,
        where,
        f"slack_sdk reads it otherwise (a misspelt or unknown field): {block}",
    )
    kind = block["type"]
    if "block_id" in block:
        _within(block["block_id"], "id", f"{where} block_id")
    if kind == "section":
        _check("text" in block or "fields" in block, where, "a section with neither text nor fields")
        if "text" in block:
            _text_object(block["text"], "section_text", f"{where} text")
        fields = block.get("fields", [])
        _check(len(fields) <= LIMITS["fields"], where, f"{len(fields)} fields")
        for number, field in enumerate(fields):
            _text_object(field, "field", f"{where} field {number}")
        if "accessory" in block:
            _element(block["accessory"], f"{where} accessory")
    elif kind == "header":
        _text_object(block["text"], "header", f"{where} header")
    elif kind == "context":
        elements = block["elements"]
        _check(0 < len(elements) <= LIMITS["context_elements"], where, f"{len(elements)} context elements")
        for number, element in enumerate(elements):
            if element.get("type") in ("mrkdwn", "plain_text"):
                _text_object(element, "context_text", f"{where} element {number}")
    elif kind == "actions":
        elements = block["elements"]
        _check(0 < len(elements) <= LIMITS["actions_elements"], where, f"{len(elements)} elements")
        ids = [e.get("action_id") for e in elements if e.get("action_id")]
        _check(len(ids) == len(set(ids)), where, f"action_ids repeat in one block: {ids}")
        for number, element in enumerate(elements):
            _element(element, f"{where} element {number}")
    elif kind == "input":
        _text_object(block["label"], "label", f"{where} label")
        if "hint" in block:
            _text_object(block["hint"], "hint", f"{where} hint")
        _element(block["element"], f"{where} element")


def check_blocks(blocks: list[dict[str, Any]], limit: str, where: str) -> None:
    _check(0 < len(blocks) <= LIMITS[limit], where, f"{len(blocks)} blocks; {limit} allows {LIMITS[limit]}")
    for number, block in enumerate(blocks):
        check_block(block, f"{where} block {number} ({block.get('type')})")
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    _check(len(ids) == len(set(ids)), where, f"block_ids repeat: {ids}")


def check_view(view: dict[str, Any], where: str = "view") -> None:
    View(**view).validate_json()
    for name in ("title", "submit", "close"):
        if name in view:
            _text_object(view[name], "view_title", f"{where} {name}")
    if "private_metadata" in view:
        _check(
            len(view["private_metadata"]) <= LIMITS["private_metadata"], where, "private_metadata too long"
        )
    if "callback_id" in view:
        _within(view["callback_id"], "id", f"{where} callback_id")
    check_blocks(view["blocks"], "view_blocks", where)


def assert_fits_slack(reply: Reply | dict[str, Any] | list[dict[str, Any]], where: str = "reply") -> None:
    """Fail, saying where and which limit, unless Slack would take this reply, message or view as it is."""
    if isinstance(reply, dict) and reply.get("type") in ("modal", "home"):
        check_view(reply, where)
        json.dumps(reply)
        return
    if isinstance(reply, Reply):
        body = reply.as_slack()
        if reply.extra.get("view") is not None:
            check_view(reply.extra["view"], f"{where} view")
    elif isinstance(reply, dict):
        body = reply
    else:
        body = {"blocks": reply, "text": "not checked"}
    check_blocks(body["blocks"], "message_blocks", where)
    _within(body["text"], "fallback", f"{where} fallback text")
    check_mrkdwn(body["text"], f"{where} fallback text")
    json.dumps(body)
