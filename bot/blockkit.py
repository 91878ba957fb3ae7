"""Block Kit's limits, and the final pass that fits every rendered reply, form and reminder inside them.

bot.render runs every template's output through `fit_message` or `fit_view`, so no template can
overflow whatever the data holds. Text is clipped after escaping, at a boundary that breaks no entity
(`&amp;`), no `<…>` token (link, mention, date) and no code span, and ends with "…". A message with
too many blocks keeps its first items and its last block group (where the footer and its commands
are), and says how many items it left out, naming each by its first line. Lengths are counted as
Slack counts them: in UTF-16 code units, so an emoji counts twice.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS = 10
HEADER_TEXT = 150
CONTEXT_TEXT = 2000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTON_URL = 3000
ID = 255  # action_id, block_id, callback_id
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
PLACEHOLDER = 150
LABEL = 2000
HINT = 2000
INPUT_VALUE = 3000  # a plain_text_input's initial_value, unless its max_length is lower
VIEW_TITLE = 24  # a view's title, submit and close
PRIVATE_METADATA = 3000
FALLBACK_TEXT = 3000  # ours: Slack takes 40,000, but a notification shows far less
ALT_TEXT = 2000
CONFIRM = {"title": 100, "text": 300, "confirm": 30, "deny": 30}

ELLIPSIS = "…"
WORD_BACKTRACK = 30  # how far back a clip looks for a space to end on
MIN_LINE = 200  # below this share per line, a long text keeps whole lines and counts the rest
LIST_LINE = 150  # the length of each line naming a left-out item
# spans a clip must not end inside: code blocks and spans, <…> tokens, and entities such as &amp;
SPAN_RE = re.compile(r"```.*?```|`[^`\n]+`|<[^<>\n]*>|&#?\w{1,8};", re.DOTALL)
MORE_NOTE = "…and {n} more not shown here, to keep within what one Slack message holds:"


def slack_len(text: str) -> int:
    """The length Slack counts: UTF-16 code units (a character outside the BMP counts as two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _prefix_within(text: str, units: int) -> int:
    """How many characters of `text` fit in `units` UTF-16 code units."""
    if len(text) <= units and slack_len(text) <= units:
        return len(text)
    head = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
    return len(head.decode("utf-16-le", "ignore"))  # a pair cut in half is left out whole


def _joins_previous(char: str) -> bool:
    """A character that belongs with the one before it: combining marks, joiners, selectors, tones."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or code in (0x200D, 0xFE0E, 0xFE0F)
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def _span_start(text: str, cut: int) -> int:
    """`cut`, or the start of the protected span it would fall inside."""
    for found in SPAN_RE.finditer(text):
        if found.start() >= cut:
            break
        if found.end() > cut:
            return found.start()
    return cut


def _safe_cut(text: str, cut: int) -> int:
    cut = _span_start(text, cut)
    space = max(text.rfind(" ", max(cut - WORD_BACKTRACK, 0), cut), text.rfind("\n", 0, cut))
    if space > max(cut - WORD_BACKTRACK, 0) and _span_start(text, space) == space:
        cut = space
    while 0 < cut < len(text) and (_joins_previous(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return cut


def _close_marks(kept: str) -> str:
    """A bold or italic mark left open by the clip, closed after the ellipsis."""
    line = SPAN_RE.sub("", kept.rsplit("\n", 1)[-1])
    closing = ""
    for mark in "*_":
        if line.count(mark) % 2 == 1:
            at = line.rfind(mark)
            opens = (at == 0 or not line[at - 1].isalnum()) and at + 1 < len(line)
            if opens:
                closing = mark + closing
    return closing


def clip(text: str, limit: int) -> str:
    """`text` within `limit` (as Slack counts), cut at a safe boundary and ending with "…"."""
    if slack_len(text) <= limit:
        return text
    cut = _safe_cut(text, _prefix_within(text, limit - 1))
    kept = text[:cut].rstrip()
    closing = _close_marks(kept)
    while kept and slack_len(kept) + 1 + len(closing) > limit:  # room for what closes the marks
        kept = text[: _safe_cut(text, len(kept) - 1)].rstrip()
        closing = _close_marks(kept)
    return kept + ELLIPSIS + closing


def _line_cap(lengths: list[int], budget: int) -> int:
    """The largest per-line cap at which all the lines, each cut to it, fit in `budget`."""
    remaining, left = budget, len(lengths)
    for length in sorted(lengths):
        if length * left > remaining:
            return remaining // left
        remaining -= length
        left -= 1
    return max(lengths)


def fit_text(text: str, limit: int) -> str:
    """A multi-line text within `limit`: long lines cut first, and when there are too many lines for
    that, the first lines kept whole and the others counted."""
    if slack_len(text) <= limit:
        return text
    lines = text.split("\n")
    if len(lines) == 1:
        return clip(text, limit)
    cap = _line_cap([slack_len(line) for line in lines], limit - (len(lines) - 1))
    if cap >= MIN_LINE:
        return "\n".join(clip(line, cap) for line in lines)
    kept: list[str] = []
    size, room = -1, limit - len(f"\n…and {len(lines)} more")
    for number, line in enumerate(lines):
        line = clip(line, MIN_LINE)
        size += slack_len(line) + 1
        if size > room:
            return "\n".join([*kept, f"…and {len(lines) - number} more"])
        kept.append(line)
    return "\n".join(kept)


# --- Blocks ---------------------------------------------------------------------------------------


def _text_object(obj: Any, limit: int) -> Any:
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        return obj | {"text": fit_text(obj["text"], limit)}
    return obj


def _option(option: dict[str, Any]) -> dict[str, Any] | None:
    if slack_len(str(option.get("value", ""))) > OPTION_VALUE:
        return None  # a value cut short would name something else
    fitted = option | {"text": _text_object(option.get("text"), OPTION_TEXT)}
    if "description" in option:
        fitted["description"] = _text_object(option["description"], OPTION_TEXT)
    return fitted


def _confirm(dialog: dict[str, Any]) -> dict[str, Any]:
    return dialog | {k: _text_object(dialog[k], n) for k, n in CONFIRM.items() if k in dialog}


def fit_element(element: dict[str, Any]) -> dict[str, Any] | None:
    """An interactive element within its limits; None when it cannot be (a button value too long)."""
    fitted = dict(element)
    if "action_id" in fitted:
        fitted["action_id"] = str(fitted["action_id"])[:ID]
    if "value" in fitted and element.get("type") == "button":
        if slack_len(str(fitted["value"])) > BUTTON_VALUE:
            return None  # a value cut short would ask something else: no button rather than a wrong one
    if "text" in fitted:
        fitted["text"] = _text_object(fitted["text"], BUTTON_TEXT)
    if "url" in fitted and slack_len(str(fitted["url"])) > BUTTON_URL:
        fitted.pop("url")
    if "placeholder" in fitted:
        fitted["placeholder"] = _text_object(fitted["placeholder"], PLACEHOLDER)
    if "confirm" in fitted:
        fitted["confirm"] = _confirm(fitted["confirm"])
    if "options" in fitted:
        fitted["options"] = [o for o in map(_option, fitted["options"]) if o is not None][:OPTIONS]
    if "initial_option" in fitted:
        initial = _option(fitted["initial_option"])
        if initial is None or initial not in fitted.get("options", [initial]):
            fitted.pop("initial_option")
        else:
            fitted["initial_option"] = initial
    if isinstance(fitted.get("initial_value"), str):
        longest = min(int(fitted.get("max_length") or INPUT_VALUE), INPUT_VALUE)
        fitted["initial_value"] = clip(fitted["initial_value"], longest)
    if "alt_text" in fitted:
        fitted["alt_text"] = clip(str(fitted["alt_text"]), ALT_TEXT)
    return fitted


def _more_text(count: int, limit: int) -> dict[str, str]:
    return {"type": "mrkdwn", "text": clip(f"…and {count} more", limit)}


def fit_block(block: dict[str, Any]) -> dict[str, Any] | None:
    """One block within Block Kit's limits; None when nothing of it is left (an empty actions block)."""
    fitted = dict(block)
    kind = block.get("type")
    if "block_id" in fitted:
        fitted["block_id"] = str(fitted["block_id"])[:ID]
    if kind == "section":
        if "text" in fitted:
            fitted["text"] = _text_object(fitted["text"], SECTION_TEXT)
        if "fields" in fitted:
            fields = [_text_object(f, FIELD_TEXT) for f in fitted["fields"]]
            if len(fields) > FIELDS:
                fields = [*fields[: FIELDS - 1], _more_text(len(fields) - FIELDS + 1, FIELD_TEXT)]
            fitted["fields"] = fields
        if "accessory" in fitted:
            accessory = fit_element(fitted["accessory"])
            if accessory is None:
                fitted.pop("accessory")
            else:
                fitted["accessory"] = accessory
    elif kind == "header":
        fitted["text"] = _text_object(fitted.get("text"), HEADER_TEXT)
    elif kind == "context":
        elements = [
            fit_element(e) if e.get("type") == "image" else _text_object(e, CONTEXT_TEXT)
            for e in fitted.get("elements", [])
        ]
        if len(elements) > CONTEXT_ELEMENTS:
            more = len(elements) - CONTEXT_ELEMENTS + 1
            elements = [*elements[: CONTEXT_ELEMENTS - 1], _more_text(more, CONTEXT_TEXT)]
        fitted["elements"] = [e for e in elements if e is not None]
    elif kind == "actions":
        elements = [fit_element(e) for e in fitted.get("elements", [])]
        fitted["elements"] = [e for e in elements if e is not None][:ACTIONS_ELEMENTS]
        if not fitted["elements"]:
            return None
    elif kind == "input":
        fitted["label"] = _text_object(fitted.get("label"), LABEL)
        if "hint" in fitted:
            fitted["hint"] = _text_object(fitted["hint"], HINT)
        if "element" in fitted:
            element = fit_element(fitted["element"])
            fitted["element"] = element if element is not None else fitted["element"]
    elif kind == "image":
        fitted["alt_text"] = clip(str(fitted.get("alt_text", "")), ALT_TEXT)
        if "title" in fitted:
            fitted["title"] = _text_object(fitted["title"], ALT_TEXT)
    return fitted


def _first_line(unit: list[dict[str, Any]]) -> str | None:
    """The first line of text in a group of blocks: what names it in a list of those left out."""
    for block in unit:
        texts = [block.get("text")] + list(block.get("fields", [])) + list(block.get("elements", []))
        for obj in texts:
            if isinstance(obj, dict) and isinstance(obj.get("text"), str) and obj["text"].strip():
                return clip(obj["text"].strip().split("\n", 1)[0].rstrip(":"), LIST_LINE)
    return None


def _units(blocks: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Blocks in groups that stand together: a block with the contexts and buttons that follow it."""
    units: list[list[dict[str, Any]]] = []
    for block in blocks:
        if units and block.get("type") in ("context", "actions"):
            units[-1].append(block)
        else:
            units.append([block])
    largest = 5  # a longer run is not one item's: let it be cut block by block
    return [[b] for unit in units for b in unit] if any(len(u) > largest for u in units) else units


def _cut_blocks(blocks: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """At most `limit` blocks: the first groups, a line saying how many more, and the last group."""
    units = _units(blocks)
    last = units[-1] if len(units[-1]) < limit // 2 else []
    body = units[: len(units) - 1] if last else units
    room = limit - len(last) - 1
    kept: list[dict[str, Any]] = []
    shown = 0
    for unit in body:
        if len(kept) + len(unit) > room:
            break
        kept += unit
        shown += 1
    left_out = [line for line in map(_first_line, body[shown:]) if line is not None]
    lines = [MORE_NOTE.format(n=len(left_out)), *(f"• {line}" for line in left_out)]
    note = {"type": "section", "text": {"type": "mrkdwn", "text": fit_text("\n".join(lines), SECTION_TEXT)}}
    return [*kept, note, *last] if left_out else [*kept, *last]


def fit_blocks(blocks: list[dict[str, Any]], limit: int = MESSAGE_BLOCKS) -> list[dict[str, Any]]:
    """Every block within its limits, and at most `limit` of them."""
    fitted = [b for b in map(fit_block, blocks) if b is not None]
    return fitted if len(fitted) <= limit else _cut_blocks(fitted, limit)


def fit_view(view: dict[str, Any]) -> dict[str, Any]:
    """A modal or App Home view within its limits (its blocks, title, buttons and ids)."""
    fitted = dict(view)
    for name in ("title", "submit", "close"):
        if name in fitted:
            fitted[name] = _text_object(fitted[name], VIEW_TITLE)
    if "callback_id" in fitted:
        fitted["callback_id"] = str(fitted["callback_id"])[:ID]
    fitted["blocks"] = fit_blocks(fitted.get("blocks", []), VIEW_BLOCKS)
    return fitted
