"""How actions read in replies: status and field labels, text cut short, leads, changes in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from zoneinfo import ZoneInfo

from bot import models as m
from bot.actions.timescales import due_by

OPEN_STATUSES = (m.ActionStatus.OPEN, m.ActionStatus.IN_PROGRESS, m.ActionStatus.BLOCKED)
STATUS_LABELS: dict[str, str] = {
    m.ActionStatus.OPEN: "Open",
    m.ActionStatus.IN_PROGRESS: "In progress",
    m.ActionStatus.BLOCKED: "Blocked",
    m.ActionStatus.DONE: "Done",
    m.ActionStatus.CANCELLED: "Cancelled",
}
RAG_LABELS: dict[str, str] = {m.Rag.RED: "Red", m.Rag.AMBER: "Amber", m.Rag.GREEN: "Green"}
FIELD_LABELS: dict[str, str] = {
    "status": "status",
    "due_on": "due date",
    "timescale": "timescale",
    "rag": "RAG",
    "progress": "progress",
    "lead": "lead",
    "description": "description",
}
VIA_LABELS: dict[str, str] = {
    m.UpdateVia.IMPORT: "loaded from a file",
    m.UpdateVia.MESSAGE: "by message",
    m.UpdateVia.BUTTON: "by button",
    m.UpdateVia.FORM: "by form",
}


PART_2_HIDDEN = "not shown here (Part 2)"


def is_restricted(action: m.Action) -> bool:
    """Whether the action was raised at a restricted (Part 2) item, and so is restricted like it:
    its description, progress and history only for the board's members, in a DM."""
    return bool(action.agenda_item and action.agenda_item.restricted)


@dataclass
class Change:
    """One history entry as a reader sees it."""

    update: m.ActionUpdate
    on: date  # in the board's zone
    who: str
    what: str  # "status: In progress → Done"


def shorten(text: str | None, limit: int) -> str:
    """The text on one line, cut at a word boundary with "…" when longer than `limit`."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def clip(text: str, limit: int) -> str:
    """The text as written, line breaks kept, cut with "…" when longer than `limit`."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def lead_name(action: m.Action) -> str:
    return lead_label(action.lead.name if action.lead else None, action.lead_text)


def lead_label(name: str | None, as_written: str | None) -> str:
    """The lead's name when they are in the data, else the lead as written, else "not recorded"."""
    if name is not None:
        return name
    return shorten(as_written, 120) if as_written else "not recorded"


def overdue_days(action: m.Action, today: date) -> int:
    """Days past the due date (set, or derived from the timescale), for open actions; 0 otherwise."""
    deadline = action.deadline
    if deadline is None or action.status not in OPEN_STATUSES:
        return 0
    return max((today - deadline).days, 0)


def derived_due(action: m.Action, *, inline: bool = False) -> str | None:
    """'by end of June 2023 (from the timescale as written)' when the due date is derived, else None."""
    if not action.deadline_derived:
        return None
    # the stored date stands in for the day it was raised: it places a year-less "end of March" the
    # same way, and reads nothing more (this runs after a reminder run's session has closed)
    found = due_by(action.timescale, action.due_by)
    return found.describe(inline=inline) if found else None


def describe_update(update: m.ActionUpdate, zone: str, *, value_limit: int) -> Change:
    """A change as a reader sees it: the day in the board's zone, who (their name when they are in
    the data, else as written, else "not recorded"), and what changed."""
    at = update.at if update.at.tzinfo else update.at.replace(tzinfo=UTC)  # SQLite drops the zone
    who = (update.by.name if update.by else None) or update.by_text
    label = FIELD_LABELS.get(update.field, update.field)
    old = shown_value(update.field, update.old, value_limit)
    new = shown_value(update.field, update.new, value_limit)
    return Change(
        update, at.astimezone(ZoneInfo(zone)).date(), who or "not recorded", f"{label}: {old} → {new}"
    )


def shown_value(field: str, value: str | None, limit: int) -> str:
    """A stored history value as a reader would write it."""
    if value is None or not value.strip():
        return "none"
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "rag":
        return RAG_LABELS.get(value, value)
    if field == "due_on":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return shorten(value, limit)
        return f"{day:%a} {day.day} {day:%b %Y}"
    return shorten(value, limit)
