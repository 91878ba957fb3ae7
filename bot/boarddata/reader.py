"""Read board-data files into typed records, collecting every problem with its file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.boarddata.schema import FORMAT_VERSION, KIND_BY_NAME, Kind
from bot.boarddata.values import NULL_VALUES, ValueProblem, check_length, convert, suggest

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
                    f"unknown section '{list_name}'; {suggest(list_name, KIND_BY_NAME)}accepted: {accepted}",
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
                    f"unknown field '{key}' for a {kind.label}; {suggest(key, kind.by_name)}"
                    f"accepted: {', '.join(kind.by_name)}",
                )
            )
            ok = False
            continue
        lines[key] = line
        try:
            values[key] = convert(spec, value_node)
            check_length(kind, spec, values[key])
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
    if ok and kind.name == "memberships" and not _dates_in_order(values):
        problems.append(
            Problem(
                name,
                lines.get("ends_on", _line(node)),
                f"{where}, field 'ends_on'",
                f"{values['ends_on']} is before starts_on {values['starts_on']}; a membership ends on "
                "or after the day it starts: check the two dates",
            )
        )
        ok = False
    if ok and kind.name == "attendance" and values.get("person") is None and not values.get("name"):
        problems.append(
            Problem(
                name,
                _line(node),
                where,
                "an attendance record names someone: give `person` (a person key) or `name` (as written)",
            )
        )
        ok = False
    return Record(kind, values, name, _line(node), index, lines) if ok else None


def _dates_in_order(values: dict[str, Any]) -> bool:
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    return starts_on is None or ends_on is None or starts_on <= ends_on
