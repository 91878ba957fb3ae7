"""The merge rule, field by field: the file wins only where it changed; Slack's changes are kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import models as m
from bot.boarddata.merge import APPLY, CONFLICT, LEARNED, UNCHANGED_FILE, decide
from bot.boarddata.provenance import value_hash

AT = datetime(2023, 9, 1, 8, tzinfo=UTC)


def by(source: m.SourceKind) -> m.FieldProvenance:
    return m.FieldProvenance(source=source.value, source_name="x", at=AT)


SLACK, FILE = by(m.SourceKind.SLACK), by(m.SourceKind.FILE)
NEVER = object()  # the file has never been loaded or exported


def base(last):
    return None if last is NEVER else value_hash(last)


CASES = [
    # (kind, field, database, file now, who set the database's value, what the file said last, expected)
    ("actions", "status", "open", "done", FILE, "open", APPLY),  # edited in the file only
    ("actions", "status", "done", "open", SLACK, "open", UNCHANGED_FILE),  # done in Slack, file as it was
    ("actions", "status", "done", "blocked", SLACK, "open", CONFLICT),  # both changed it
    ("actions", "due_on", date(2023, 12, 15), None, SLACK, None, UNCHANGED_FILE),
    ("actions", "timescale", "Autumn 2023", "October 2023", FILE, "Autumn 2023", APPLY),
    ("actions", "status", "done", "open", SLACK, NEVER, CONFLICT),  # a file never loaded
    ("actions", "status", "done", "open", None, NEVER, CONFLICT),  # loaded before provenance was kept
    ("actions", "description", "old", "new", None, NEVER, APPLY),  # Slack never sets it
    ("actions", "timescale", "old", "new", FILE, NEVER, APPLY),
    ("people", "slack_user_id", "UKIRAN", None, SLACK, None, LEARNED),
    ("people", "slack_user_id", "UKIRAN", None, FILE, "UKIRAN", LEARNED),  # the file dropped it
    ("people", "slack_user_id", "UOLD", "UNEW", FILE, "UOLD", APPLY),
    ("kpi_values", "value", 40, 41.0, FILE, 40.0, APPLY),  # 40 and 40.0 are one value
]


@pytest.mark.parametrize(("kind", "name", "old", "new", "provenance", "last", "expected"), CASES)
def test_a_differing_field_is_applied_only_where_the_file_changed_it(
    kind, name, old, new, provenance, last, expected
):
    assert decide(kind, name, old, new, provenance, base(last), prefer_file=False) == expected


@pytest.mark.parametrize(("kind", "name", "old", "new", "provenance", "last", "expected"), CASES)
def test_prefer_file_applies_everything_but_never_clears_a_slack_id(
    kind, name, old, new, provenance, last, expected
):
    wanted = LEARNED if expected == LEARNED else APPLY
    assert decide(kind, name, old, new, provenance, base(last), prefer_file=True) == wanted
