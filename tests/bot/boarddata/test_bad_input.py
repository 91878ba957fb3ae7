"""Bad board-data files: one clear message per problem, naming the place and the fix; nothing written."""

from __future__ import annotations

import pytest

from tests.bot.boarddata.test_loader import BOARD, export, load, write

CASES = [
    pytest.param(
        "boardbot: 1\nmeetings:\n  - key: hwb-2024-03-01\n    board: hwb\n   date: 2024-03-01\n",
        [(5, "YAML syntax", "indentation")],
        id="malformed-yaml",
    ),
    pytest.param(
        """
        boardbot: 1
        meetings:
          - {key: hwbb-2024-03-01, board: hwbb, date: 2024-03-01, status: confirmed}
        """,
        [(4, "field 'board'", "no board 'hwbb' in these files or the database; did you mean hwb?")],
        id="unknown-board",
    ),
    pytest.param(
        """
        boardbot: 1
        meetings:
          - key: hwb-2024-02-31
            board: hwb
            date: 31/02/2024
            status: confirmed
        """,
        [
            (
                6,
                "field 'date'",
                "'31/02/2024' is not a real date (check the day and month); write dates as YYYY-MM-DD",
            )
        ],
        id="impossible-date",
    ),
    pytest.param(
        """
        boardbot: 1
        meetings:
          - {key: hwb-2024-03-05, board: hwb, date: 05/03/2024, status: confirmed}
        """,
        [(4, "field 'date'", "write dates as YYYY-MM-DD, e.g. 2024-02-29 (here: 2024-03-05)")],
        id="british-date",
    ),
    pytest.param(
        """
        boardbot: 1
        actions:
          - {board: hwb, ref: A-7, description: First, status: open}
          - {board: hwb, ref: a-7, description: Second, status: open}
        """,
        [(5, "actions[1] hwb/A-7", "duplicate action hwb/A-7 (first given at")],
        id="duplicate-action-ref",
    ),
    pytest.param(
        """
        boardbot: 1
        agenda_items:
          - {meeting: hwb-2099-01-01, number: "1", title: Welcome}
        """,
        [(4, "field 'meeting'", "no meeting 'hwb-2099-01-01' in these files or the database")],
        id="agenda-item-for-missing-meeting",
    ),
    pytest.param(
        """
        boardbot: 1
        actions:
          - {board: hwb, ref: A-8, description: Act, status: finished, rag: purple}
        """,
        [
            (4, "field 'status'", "use one of: open, in_progress, done, blocked, cancelled"),
            (4, "field 'rag'", "use one of: red, amber, green"),
        ],
        id="unknown-status-and-rag",
    ),
    pytest.param(
        """
        boardbot: 1
        meetings:
          - key: hwb-2024-04-01
            board: hwb
            date: 2024-04-01
            start_time: 7.00 pm
            status: confirmed
            vneue: Town Hall
        """,
        [
            (7, "field 'start_time'", "write times as HH:MM on the 24-hour clock"),
            (9, "unknown field 'vneue' for a meeting; did you mean 'venue'?", "accepted: key, board"),
        ],
        id="bad-time-and-misspelt-field",
    ),
    pytest.param(
        """
        boardbot: 1
        kpi_values:
          - {kpi: fte, area: Westminster, period: 2023/24, value: 42%}
        """,
        [
            (4, "field 'value'", "leave out the % sign"),
            (4, "kpi_values[0]", "missing required field 'source'"),
        ],
        id="kpi-value-with-percent-and-no-source",
    ),
    pytest.param(
        """
        boardbot: 1
        meeting:
          - {key: hwb-2024-05-01, board: hwb, date: 2024-05-01, status: confirmed}
        """,
        [(3, "top level", "unknown section 'meeting'; did you mean 'meetings'?")],
        id="misspelt-section",
    ),
    pytest.param(
        """
        boardbot: 1
        boards:
          - {key: long, name: A board, short_name: A short name that is far too long to be a short name at all}
        """,
        [(4, "field 'short_name'", "is 59 characters long; at most 50 fit: shorten it")],
        id="text-longer-than-its-column",
    ),
    pytest.param(
        """
        boardbot: 2
        """,
        [(2, "boardbot", "format version must be 1")],
        id="wrong-version",
    ),
    pytest.param(
        """
        boardbot: 1
        actions:
          - {board: hwb, ref: A-9, agenda_item: "4", description: Act, status: open}
        """,
        [(4, "field 'agenda_item'", "needs meeting as well")],
        id="agenda-item-without-meeting",
    ),
    pytest.param(
        """
        boardbot: 1
        meetings:
          - {key: hwb-2024-01-10, board: hwb, date: 2024-01-10, status: confirmed}
        minutes:
          - {meeting: hwb-2024-02-01, status: approved, approval_meeting: hwb-2024-01-10}
        """,
        [(6, "field 'approval_meeting'", "is not a later meeting of board 'hwb'")],
        id="minutes-approved-before-their-meeting",
    ),
    pytest.param(
        """
        boardbot: 1
        decisions:
          - {meeting: hwb-2024-02-01, agenda_item: "7", seq: 1, text: That the report be noted.}
          - {meeting: hwb-2024-02-01, agenda_item: "4", seq: 0, text: That it be agreed.}
        """,
        [
            (5, "field 'seq'", "0 is too small: the least accepted is 1"),
            (4, "field 'agenda_item'", "no agenda item 'hwb-2024-02-01/7'"),
        ],
        id="decision-on-an-unknown-item",
    ),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_bad_file_is_refused_with_place_and_fix_and_nothing_changes(fresh_db, tmp_path, text, expected):
    load(fresh_db, write(tmp_path, BOARD))
    before = export(fresh_db)
    good_extra = write(
        tmp_path,
        """
        boardbot: 1
        people:
          - {key: new-person, name: A new person who must not be half-loaded}
    """,
        "good.yaml",
    )
    bad = write(tmp_path, text, "bad.yaml")
    result = load(fresh_db, good_extra, bad)
    assert not result.ok
    messages = [str(p) for p in result.problems]
    assert len(messages) == len(expected), messages
    for (line, where, fix), message in zip(expected, messages, strict=True):
        assert message.startswith(f"{bad}:{line}: "), message
        assert where in message and fix in message, message
    assert export(fresh_db) == before


def test_every_problem_in_every_file_is_reported_at_once(fresh_db, tmp_path):
    first = write(
        tmp_path,
        "boardbot: 1\nmeetings:\n  - {key: x-1, board: nope, date: 2024-13-01, status: confirmed}\n",
        "a.yaml",
    )
    second = write(tmp_path, "boardbot: 1\npeople:\n  - {key: Bad Key, name: Someone}\n", "b.yaml")
    missing = str(tmp_path / "missing.yaml")
    result = load(fresh_db, first, second, missing)
    text = "\n".join(str(p) for p in result.problems)
    assert "a.yaml:3: meetings[0], field 'date': '2024-13-01'" in text
    assert "b.yaml:3: people[0], field 'key': 'Bad Key' is not a key" in text and "'bad-key'" in text
    assert "missing.yaml:0: file: no such file" in text


def test_an_empty_file_says_what_a_file_starts_with(fresh_db, tmp_path):
    result = load(fresh_db, write(tmp_path, "", "empty.yaml"))
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'empty.yaml'}:1: file: is empty; a board-data file starts with `boardbot: 1`"
    ]
