"""Read one field's value of a board-data record by the field's type, or say what would fit."""

from __future__ import annotations

import difflib
import re
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from dateutil import parser as dateparser
from sqlalchemy import FromClause, inspect

from bot.boarddata.schema import Field, Kind, Source

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACTION_REF_RE = re.compile(r"^[A-Za-z]+-\d+$")
AGENDA_NUMBER_RE = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
INT_RE = re.compile(r"^[+-]?\d+$")
NULL_VALUES = {"", "~", "null", "Null", "NULL"}


class ValueProblem(ValueError):
    """A scalar that does not fit its field; the message says what would."""


def suggest(word: str, options) -> str:
    """A "did you mean" for a misspelt name, or nothing when none is close."""
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def check_length(kind: Kind, spec: Field, value: Any) -> None:
    """Text longer than its column holds: PostgreSQL would refuse it, SQLite silently keep it."""
    table: FromClause = inspect(kind.model).local_table
    columns = table.columns
    if not isinstance(value, str) or spec.attribute not in columns:
        return
    limit = getattr(columns[spec.attribute].type, "length", None)
    if limit and len(value) > limit:
        raise ValueProblem(f"is {len(value)} characters long; at most {limit} fit: shorten it")


def _scalar(node: yaml.Node, expected: str) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        raise ValueProblem(
            f"expected {expected}, not a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}"
        )
    if node.style is None and node.value in NULL_VALUES:
        return None
    return node.value


def convert(spec: Field, node: yaml.Node) -> Any:
    """Read one field's value by the field's own type."""
    if spec.type == "source":
        return _source(node)
    if spec.type == "list":
        if isinstance(node, yaml.ScalarNode) and node.value in NULL_VALUES:
            return None
        if not isinstance(node, yaml.SequenceNode):
            raise ValueProblem("expected a list of text, e.g. [LAC, looked after children]")
        items = [_scalar(item, "text") for item in node.value]
        if any(item is None for item in items):
            raise ValueProblem("list items cannot be empty")
        return items or None
    raw = _scalar(node, "a single value")
    if raw is None:
        return None
    return parse_scalar(spec, raw)


def parse_scalar(spec: Field, raw: str) -> Any:
    kind = spec.type
    if kind == "text":
        text = raw.strip()
        return text or None
    if kind in ("key", "ref"):
        if not KEY_RE.match(raw):
            raise ValueProblem(
                f"'{raw}' is not a key: use lower-case letters, digits and hyphens, e.g. '{_keyish(raw)}'"
            )
        return raw
    if kind == "actionref":
        if not ACTION_REF_RE.match(raw):
            raise ValueProblem(
                f"'{raw}' is not an action reference: use letters, a hyphen and a number, e.g. A-12"
            )
        return raw.upper()
    if kind == "agenda-number":
        if not AGENDA_NUMBER_RE.match(raw):
            raise ValueProblem(f'\'{raw}\' is not an agenda number: use e.g. "4", "4.1" or "3a"')
        return raw
    if kind == "int":
        if not INT_RE.match(raw):
            raise ValueProblem(f"'{raw}' is not a whole number")
        value = int(raw)
        if spec.minimum is not None and value < spec.minimum:
            raise ValueProblem(f"{value} is too small: the least accepted is {spec.minimum}")
        if spec.maximum is not None and value > spec.maximum:
            raise ValueProblem(f"{value} is too large: the most accepted is {spec.maximum}")
        return value
    if kind == "number":
        cleaned = raw.replace(",", "")
        try:
            number = float(cleaned)
        except ValueError:
            hint = " (leave out the % sign: the KPI's unit says it is a percentage)" if "%" in raw else ""
            raise ValueProblem(f"'{raw}' is not a number{hint}; write e.g. 42 or 40.5") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueProblem(f"'{raw}' is not a finite number")
        return number
    if kind == "bool":
        lowered = raw.lower()
        if lowered in ("true", "yes"):
            return True
        if lowered in ("false", "no"):
            return False
        raise ValueProblem(f"'{raw}' is not true or false")
    if kind == "date":
        return parse_iso_date(raw)
    if kind == "time":
        match = TIME_RE.match(raw)
        if not match:
            raise ValueProblem(
                f"'{raw}' is not a time: write times as HH:MM on the 24-hour clock, "
                "e.g. 19:00 (or leave the field out when no time is published)"
            )
        return time(int(match.group(1)), int(match.group(2)))
    if kind == "datetime":
        try:
            instant = datetime.fromisoformat(raw)
        except ValueError:
            raise ValueProblem(f"'{raw}' is not a date-time: write e.g. 2023-10-05T18:30:00+01:00") from None
        if instant.tzinfo is None:
            raise ValueProblem(f"'{raw}' has no UTC offset: add one, e.g. {raw}+00:00")
        return instant.astimezone(UTC)
    if kind == "timezone":
        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueProblem(
                f"'{raw}' is not a time zone: use an IANA name such as Europe/London"
            ) from None
        return raw
    if kind == "choice":
        if raw in spec.choices:
            return raw
        normalised = raw.strip().lower().replace(" ", "_" if "_" in "".join(spec.choices) else "-")
        if normalised in spec.choices:
            return normalised
        raise ValueProblem(
            f"'{raw}' is not accepted; {suggest(normalised, spec.choices)}"
            f"use one of: {', '.join(spec.choices)}"
        )
    raise AssertionError(f"unknown field type {kind}")


def parse_iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    hint = "write dates as YYYY-MM-DD, e.g. 2024-02-29"
    try:
        meant = dateparser.parse(raw, dayfirst=True)
    except (ValueError, OverflowError):
        digits = re.findall(r"\d+", raw)
        if len(digits) == 3:
            raise ValueProblem(f"'{raw}' is not a real date (check the day and month); {hint}") from None
        raise ValueProblem(f"'{raw}' is not a date; {hint}") from None
    raise ValueProblem(f"'{raw}' is not in the accepted form; {hint} (here: {meant.date().isoformat()})")


def _keyish(raw: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-") or "my-key"


def _source(node: yaml.Node) -> Source | None:
    if isinstance(node, yaml.ScalarNode) and node.value in NULL_VALUES:
        return None
    if not isinstance(node, yaml.MappingNode):
        raise ValueProblem("expected {doc: DOCUMENT_KEY, line: N} or {doc: DOCUMENT_KEY, page: N}")
    parts: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in ("doc", "line", "page"):
            raise ValueProblem(f"unknown source field '{key}'; accepted: doc, line, page")
        raw = _scalar(value_node, "a single value")
        if key == "doc":
            if raw is None or not KEY_RE.match(raw):
                raise ValueProblem(f"source doc '{raw}' is not a document key")
            parts["doc"] = raw
        elif raw is not None:
            if not INT_RE.match(raw) or int(raw) < 1:
                raise ValueProblem(f"source {key} '{raw}' must be a whole number from 1")
            parts[key] = int(raw)
    if "doc" not in parts:
        raise ValueProblem("a source needs `doc`, e.g. {doc: hwb-2023-10-05-pack, line: 92}")
    return Source(**parts)
