"""How a tracker's headers, statuses, RAG, references and dates are read: the words councils use."""

from __future__ import annotations

from datetime import date

import pytest

from bot.importers import tracker as t


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Ref", "ref"),
        ("Action No.", "ref"),
        ("#", "ref"),
        ("Action", "description"),
        ("Description", "description"),
        ("Lead Officer(s)", "lead"),
        ("Owner", "lead"),
        ("Action owner", "lead"),
        ("Due date", "due_on"),
        ("Deadline", "due_on"),
        ("Timescale", "timescale"),
        ("Status", "status"),
        ("Status/Update", "status+progress"),
        ("Status / Progress", "status+progress"),
        ("Update", "progress"),
        ("Progress", "progress"),
        ("RAG", "rag"),
        ("RAG status", "rag"),
        ("Agenda Item", "agenda_item"),
        ("Meeting", "meeting"),
        ("Date raised", "meeting"),
        ("Budget line", None),
    ],
)
def test_headers_as_councils_write_them(header, field):
    assert t.field_of(header) == field


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Completed", "done"),
        ("Complete - circulated 3 May", "done"),
        ("In Progress", "in_progress"),
        ("On-going", "in_progress"),
        ("On track", "in_progress"),
        ("On hold pending the review", "blocked"),
        ("No longer required", "cancelled"),
        ("Not started", "open"),
        ("Not yet complete", "open"),
        ("Open", "open"),
        ("Awaiting a reply from the CCG", None),
        ("Incomplete", None),
    ],
)
def test_statuses_as_officers_write_them(text, status):
    assert t.normal_status(text) == status


def test_rag_and_what_was_written():
    assert [t.normal_rag(x) for x in ("G", "Amber/Green", "RED", "Blue", "Complete")] == [
        "green",
        "amber",
        "red",
        None,
        None,
    ]
    assert t.as_written("Green", "green") is None and t.as_written("G", "green") == "G"
    assert t.as_written("In progress", "in_progress") is None


def test_references_agenda_numbers_and_dates():
    assert [t.normal_ref(x, "FPS") for x in ("FPS-12", "fps 12", "FPS12", "12", "3.2")] == [
        "FPS-12",
        "FPS-12",
        "FPS-12",
        "FPS-12",
        None,
    ]
    assert [t.agenda_number(x) for x in ("Item 4: Cabinet Member Update", "4.1", "Agenda item 6a")] == [
        "4",
        "4.1",
        "6a",
    ]
    assert t.full_date("30/06/2023") == t.full_date("30 June 2023") == date(2023, 6, 30)
    assert t.full_date("Autumn 2023") is None and t.full_date("June 2023") is None
    assert t.date_within("ROUND TWO 17 OCTOBER 2019") == date(2019, 10, 17)


def test_the_header_row_below_a_title_and_a_mapped_column():
    rows = [
        ["Action log", None, None],
        [None, None, None],
        ["Detail", "Officer", "Comments"],
        ["Share the plan", "Amy Just", "Done"],
    ]
    assert t.find_header(rows, {}) is None
    columns = t.find_header(rows, {"detail": "description", "comments": "ignore"})
    assert columns is not None and columns.row == 3
    assert columns.by_field == {"description": 0, "lead": 1}
