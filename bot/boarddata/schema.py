"""The board-data file format: every kind of record, its fields and its natural key.

docs/data-format.md documents the same thing for people; tests/test_boarddata_docs.py keeps
the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import models as m
from bot.models.kpis import PeriodKind

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Source:
    doc: str
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text key ref actionref agenda-number date time datetime int number bool choice list source
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None  # the kind a ref points at
    ref_with: tuple[str, ...] = ()  # fields of this record that lead the target's key
    column: str | None = None  # model attribute, when not the field's own name (or name_id)
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def attribute(self) -> str:
        if self.column:
            return self.column
        if self.ref:
            return f"{self.name}_id"
        return self.name


@dataclass(frozen=True)
class Kind:
    name: str  # the list's name in a file
    label: str  # one record, in messages
    model: type
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    in_workspace: bool = False  # the model has a workspace_id of its own
    by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.name: f for f in self.fields})

    def key_of(self, record: dict[str, Any]) -> tuple:
        """The natural key of a record, in file terms."""
        return tuple(
            record[name].doc if isinstance(record.get(name), Source) else record.get(name)
            for name in self.key
        )


def choice(name: str, enum, **kw) -> Field:
    return Field(name, "choice", choices=tuple(e.value for e in enum), **kw)


def ref(name: str, kind: str, **kw) -> Field:
    return Field(name, "ref", ref=kind, **kw)


SOURCE = Field("source", "source")
UPDATE_FIELDS = ("status", "due_on", "timescale", "rag", "progress", "lead", "description")

KINDS: tuple[Kind, ...] = (
    Kind(
        "documents",
        "document",
        m.Document,
        (
            Field("key", "key", required=True),
            Field("title", "text", required=True),
            Field("publisher", "text"),
            Field("published_on", "date"),
            Field("url", "text"),
            Field("file", "text"),
        ),
        key=("key",),
        in_workspace=True,
    ),
    Kind(
        "organisations",
        "organisation",
        m.Organisation,
        (
            Field("key", "key", required=True),
            Field("name", "text", required=True),
            Field("short_name", "text"),
            SOURCE,
        ),
        key=("key",),
        in_workspace=True,
    ),
    Kind(
        "people",
        "person",
        m.Person,
        (
            Field("key", "key", required=True),
            Field("name", "text", required=True),
            Field("role_title", "text"),
            ref("organisation", "organisations"),
            Field("email", "text"),
            Field("slack_user_id", "text"),
            SOURCE,
        ),
        key=("key",),
        in_workspace=True,
    ),
    Kind(
        "boards",
        "board",
        m.Board,
        (
            Field("key", "key", required=True),
            Field("name", "text", required=True),
            Field("short_name", "text"),
            Field("slack_channel", "text"),
            Field("timezone", "timezone", default="Europe/London"),
            choice("holiday_region", m.HolidayRegion, default="england"),
            Field("paper_deadline_working_days", "int", minimum=0, maximum=60),  # left out: not stated
            Field("minutes_due_working_days", "int", minimum=0, maximum=60),  # left out: the default
            ref("secretary", "people"),
            Field("quorum", "int", minimum=1, maximum=200),  # left out: not stated
            SOURCE,
        ),
        key=("key",),
        in_workspace=True,
    ),
    Kind(
        "memberships",
        "membership",
        m.Membership,
        (
            ref("board", "boards", required=True),
            ref("person", "people", required=True),
            choice("role", m.MembershipRole, required=True),
            Field("starts_on", "date"),
            Field("ends_on", "date"),
            SOURCE,
        ),
        key=("board", "person", "starts_on"),  # a person may hold a seat twice, at different times
    ),
    Kind(
        "meetings",
        "meeting",
        m.Meeting,
        (
            Field("key", "key", required=True),
            ref("board", "boards", required=True),
            Field("date", "date", required=True, column="meets_on"),
            Field("start_time", "time", column="starts_at"),
            Field("venue", "text"),
            ref("host", "organisations"),
            choice("status", m.MeetingStatus, required=True),
            Field("papers_url", "text"),
            Field("notes", "text"),
            SOURCE,
        ),
        key=("key",),
    ),
    Kind(
        "agenda_items",
        "agenda item",
        m.AgendaItem,
        (
            ref("meeting", "meetings", required=True),
            Field("number", "agenda-number", required=True),
            Field("title", "text", required=True),
            Field("purpose", "text"),
            Field("pages", "text"),
            Field("presenter", "text"),
            Field("report_author", "text"),
            ref("report_author_person", "people", column="report_author_id"),
            ref("report_co_author_person", "people", column="report_co_author_id"),
            Field("paper_due_on", "date"),
            choice("paper_status", m.PaperStatus),
            Field("restricted", "bool", default=False),
            Field("outcome", "text"),
            SOURCE,
        ),
        key=("meeting", "number"),
    ),
    Kind(
        "quorum_groups",
        "quorum group",
        m.QuorumGroup,
        (
            ref("board", "boards", required=True),
            Field("key", "key", required=True),
            Field("label", "text", required=True),
            Field("at_least", "int", default=1, minimum=1, maximum=100),
            Field("organisations", "list"),
            Field("roles", "list"),
            Field("people", "list"),
            SOURCE,
        ),
        key=("board", "key"),
    ),
    Kind(
        "attendance",
        "attendance record",
        m.Attendance,
        (
            ref("meeting", "meetings", required=True),
            ref("person", "people"),
            Field("name", "text"),
            Field("minuted", "bool", default=False),
            choice("status", m.AttendanceStatus, required=True),
            choice("mode", m.AttendanceMode),
            ref("substitute", "people"),
            Field("substitute_name", "text"),
            ref("recorded_by", "people"),
            Field("recorded_at", "datetime"),
            Field("note", "text"),
            SOURCE,
        ),
        key=("meeting", "person", "name", "minuted"),
    ),
    Kind(
        "actions",
        "action",
        m.Action,
        (
            ref("board", "boards", required=True),
            Field("ref", "actionref", required=True),
            ref("meeting", "meetings"),
            Field("agenda_item", "agenda-number", ref="agenda_items", ref_with=("meeting",)),
            Field("description", "text", required=True),
            ref("lead", "people"),
            Field("lead_text", "text"),
            Field("due_on", "date"),
            Field("timescale", "text"),
            choice("status", m.ActionStatus, required=True),
            choice("rag", m.Rag),
            Field("status_text", "text"),
            Field("rag_text", "text"),
            Field("progress", "text"),
            SOURCE,
        ),
        key=("board", "ref"),
    ),
    Kind(
        "action_updates",
        "action update",
        m.ActionUpdate,
        (
            ref("board", "boards", required=True, column="-"),
            Field("action", "actionref", required=True, ref="actions", ref_with=("board",)),
            Field("seq", "int", required=True, minimum=1),
            Field("at", "datetime", required=True),
            Field("field", "choice", required=True, choices=UPDATE_FIELDS),
            Field("old", "text"),
            Field("new", "text"),
            ref("by", "people"),
            Field("by_text", "text"),
            Field("note", "text"),
            choice("via", m.UpdateVia, required=True),
            Field("link", "text"),
        ),
        key=("board", "action", "seq"),
    ),
    Kind(
        "kpis",
        "KPI",
        m.Kpi,
        (
            Field("key", "key", required=True),
            ref("board", "boards", required=True),
            Field("name", "text", required=True),
            Field("unit", "text"),
            choice("better", m.Better),
            Field("theme", "text"),
            choice("scope", m.KpiScope, required=True),
            Field("aliases", "list"),
            Field("description", "text"),
            Field("headline", "bool", default=False),
            Field("same_as", "key"),
            SOURCE,
        ),
        key=("key",),
    ),
    Kind(
        "kpi_values",
        "KPI value",
        m.KpiValue,
        (
            ref("kpi", "kpis", required=True),
            Field("area", "text", required=True),
            Field("period", "text", required=True),
            Field("period_end", "date"),
            choice("period_kind", PeriodKind),
            Field("value", "number", required=True),
            Field("target", "number"),
            choice("rag", m.Rag),
            Field("london", "number"),
            Field("england", "number"),
            Field("statistical_neighbours", "number"),
            Field("previous", "number"),
            Field("previous_period", "text"),
            Field("change", "text"),
            Field("note", "text"),
            Field("source", "source", required=True),
        ),
        key=("kpi", "area", "period", "source"),
    ),
    Kind(
        "declarations",
        "declaration of interest",
        m.Declaration,
        (
            ref("meeting", "meetings", required=True),
            Field("agenda_item", "agenda-number", required=True, ref="agenda_items", ref_with=("meeting",)),
            ref("person", "people", required=True),
            Field("interest", "text", required=True),
            choice("kind", m.InterestKind),
            Field("declared_on", "date"),
            ref("recorded_by", "people"),
            SOURCE,
        ),
        key=("meeting", "agenda_item", "person"),
    ),
    Kind(
        "standing_declarations",
        "standing declaration",
        m.StandingDeclaration,
        (
            ref("board", "boards", required=True),
            ref("person", "people", required=True),
            Field("interest", "text", required=True),
            choice("kind", m.InterestKind),
            Field("declared_on", "date"),
            Field("reviewed_on", "date"),
            SOURCE,
        ),
        key=("board", "person", "interest"),
    ),
    Kind(
        "minutes",
        "minutes",
        m.Minutes,
        (
            ref("meeting", "meetings", required=True),
            choice("status", m.MinutesStatus, required=True),
            Field("circulated_on", "date"),
            ref("approval_meeting", "meetings"),
            Field("url", "text"),
            SOURCE,
        ),
        key=("meeting",),
    ),
    Kind(
        "decisions",
        "decision",
        m.Decision,
        (
            ref("meeting", "meetings", required=True),
            Field("agenda_item", "agenda-number", required=True, ref="agenda_items", ref_with=("meeting",)),
            Field("seq", "int", required=True, minimum=1),
            Field("text", "text", required=True),
            SOURCE,
        ),
        key=("meeting", "agenda_item", "seq"),
    ),
)

KIND_BY_NAME = {kind.name: kind for kind in KINDS}
