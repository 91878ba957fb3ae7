"""Read board-data files into typed records, collecting every problem with its file and line."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from dateutil import parser as dateparser

from bot.boarddata.schema import FORMAT_VERSION, KIND_BY_NAME, Field, Kind, Source

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACTION_REF_RE = re.compile(r"^[A-Za-z]+-\d+$")
AGENDA_NUMBER_RE = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
INT_RE = re.compile(r"^[+-]?\d+$")
NULL_VALUES = {"", "~", "null", "Null", "NULL"}
DEFAULT_TEAM = "local"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    where: str  # "meetings[3] hwb-2023-10-05, field 'date'"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.where}: {self.message}"


@dataclass
class Record:
    kind: Kind
    values: dict[str, Any]
    file: str
    line: int
    index: int
    field_lines: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return self.kind.key_of(self.values)

    def describe(self) -> str:
        return f"{self.kind.name}[{self.index}] {describe_key(self.key)}"

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


@dataclass
class WorkspaceData:
    team_id: str
    name: str | None
    file: str
    line: int
    records: list[Record] = field(default_factory=list)


def describe_key(key: tuple) -> str:
    return "/".join("?" if part is None else str(part) for part in key)


class ValueProblem(ValueError):
    """A scalar that does not fit its field; the message says what would."""


def read_files(paths: list[str | Path]) -> tuple[list[WorkspaceData], list[Problem]]:
    """Parse every file; return its workspaces' records and every problem found."""
    documents: list[WorkspaceData] = []
    problems: list[Problem] = []
    for path in paths:
        name = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(Problem(name, 0, "file", "no such file; check the path"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, 0, "file", f"cannot be read ({exc}); save it as UTF-8"))
            continue
        documents.extend(read_text(text, name, problems))
    return documents, problems


def read_text(text: str, name: str, problems: list[Problem]) -> list[WorkspaceData]:
    try:
        nodes = list(yaml.compose_all(text, Loader=SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or exc.context or "malformed YAML"
        problems.append(
            Problem(
                name,
                line,
                "YAML syntax",
                f"{what}; check the indentation and quoting on "
                "this line and the one before (text containing ': ' or '#' needs quotes)",
            )
        )
        return []
    except yaml.YAMLError as exc:
        problems.append(Problem(name, 0, "YAML syntax", str(exc)))
        return []
    result = []
    for node in nodes:
        if node is None:
            continue
        data = _read_document(node, name, problems)
        if data is not None:
            result.append(data)
    if not result and not problems:
        problems.append(Problem(name, 1, "file", "is empty; a board-data file starts with `boardbot: 1`"))
    return result


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, name: str, where: str, problems: list[Problem]) -> dict | None:
    """A mapping node as {key: (key_line, value_node)}, reporting duplicate keys."""
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(name, _line(node), where, "expected a mapping of `field: value` lines"))
        return None
    out: dict[str, tuple[int, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(name, _line(key_node), where, "a field name must be plain text"))
            continue
        if key_node.value in out:
            problems.append(
                Problem(
                    name,
                    _line(key_node),
                    where,
                    f"field '{key_node.value}' is given twice (also on line "
                    f"{out[key_node.value][0]}); keep one",
                )
            )
            continue
        out[key_node.value] = (_line(key_node), value_node)
    return out


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _read_document(node: yaml.Node, name: str, problems: list[Problem]) -> WorkspaceData | None:
    top = _mapping(node, name, "top level", problems)
    if top is None:
        return None
    version = top.pop("boardbot", None)
    if version is None:
        problems.append(
            Problem(
                name, _line(node), "top level", f"missing `boardbot: {FORMAT_VERSION}` (the format version)"
            )
        )
    elif not (isinstance(version[1], yaml.ScalarNode) and version[1].value == str(FORMAT_VERSION)):
        problems.append(Problem(name, version[0], "boardbot", f"format version must be {FORMAT_VERSION}"))
    team_id, team_name = DEFAULT_TEAM, None
    if "workspace" in top:
        line, ws_node = top.pop("workspace")
        ws = _mapping(ws_node, name, "workspace", problems) or {}
        for key, (kline, vnode) in ws.items():
            if key not in ("team_id", "name"):
                problems.append(
                    Problem(name, kline, "workspace", f"unknown field '{key}'; accepted: team_id, name")
                )
                continue
            if not isinstance(vnode, yaml.ScalarNode) or vnode.value in NULL_VALUES:
                problems.append(Problem(name, kline, f"workspace, field '{key}'", "expected text"))
            elif key == "team_id":
                team_id = vnode.value
            else:
                team_name = vnode.value
    data = WorkspaceData(team_id, team_name, name, _line(node))
    for list_name, (line, list_node) in top.items():
        kind = KIND_BY_NAME.get(list_name)
        if kind is None:
            accepted = ", ".join(["boardbot", "workspace", *KIND_BY_NAME])
            problems.append(
                Problem(
                    name,
                    line,
                    "top level",
                    f"unknown section '{list_name}'; {_suggest(list_name, KIND_BY_NAME)}accepted: {accepted}",
                )
            )
            continue
        if isinstance(list_node, yaml.ScalarNode) and list_node.value in NULL_VALUES:
            continue
        if not isinstance(list_node, yaml.SequenceNode):
            problems.append(
                Problem(name, line, list_name, "expected a list of records (lines starting with '- ')")
            )
            continue
        for index, item in enumerate(list_node.value):
            record = _read_record(kind, item, index, name, problems)
            if record is not None:
                data.records.append(record)
    return data


def _read_record(
    kind: Kind, node: yaml.Node, index: int, name: str, problems: list[Problem]
) -> Record | None:
    where = f"{kind.name}[{index}]"
    fields = _mapping(node, name, where, problems)
    if fields is None:
        return None
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    ok = True
    for key, (line, value_node) in fields.items():
        spec = kind.by_name.get(key)
        if spec is None:
            problems.append(
                Problem(
                    name,
                    line,
                    where,
                    f"unknown field '{key}' for a {kind.label}; {_suggest(key, kind.by_name)}"
                    f"accepted: {', '.join(kind.by_name)}",
                )
            )
            ok = False
            continue
        lines[key] = line
        try:
            values[key] = convert(spec, value_node)
            _check_length(kind, spec, values[key])
        except ValueProblem as exc:
            problems.append(Problem(name, line, f"{where}, field '{key}'", str(exc)))
            ok = False
    for spec in kind.fields:
        if values.get(spec.name) is not None:
            continue
        if spec.name in lines and spec.name not in values:
            continue  # its value was wrong, and said so above
        if spec.required:
            ok = False
            if spec.name in lines:
                problems.append(
                    Problem(
                        name,
                        lines[spec.name],
                        f"{where}, field '{spec.name}'",
                        "is required and cannot be empty",
                    )
                )
            else:
                problems.append(
                    Problem(
                        name, _line(node), where, f"missing required field '{spec.name}' for a {kind.label}"
                    )
                )
        values[spec.name] = spec.default
    return Record(kind, values, name, _line(node), index, lines) if ok else None


def _check_length(kind: Kind, spec: Field, value: Any) -> None:
    """Text longer than its column holds: PostgreSQL would refuse it, SQLite silently keep it."""
    if not isinstance(value, str) or spec.attribute not in kind.model.__table__.columns:
        return
    limit = getattr(kind.model.__table__.columns[spec.attribute].type, "length", None)
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
            value = float(cleaned)
        except ValueError:
            hint = " (leave out the % sign: the KPI's unit says it is a percentage)" if "%" in raw else ""
            raise ValueProblem(f"'{raw}' is not a number{hint}; write e.g. 42 or 40.5") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem(f"'{raw}' is not a finite number")
        return value
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
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise ValueProblem(f"'{raw}' is not a date-time: write e.g. 2023-10-05T18:30:00+01:00") from None
        if value.tzinfo is None:
            raise ValueProblem(f"'{raw}' has no UTC offset: add one, e.g. {raw}+00:00")
        return value.astimezone(UTC)
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
            f"'{raw}' is not accepted; {_suggest(normalised, spec.choices)}"
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
