"""bench.load: a tiny load run, end to end, on a generated database of each kind (no timings asserted)."""

from __future__ import annotations

import json
import signal

from bench.load import Ask, main, reply_problem
from bot.slack.listeners import LATE

SCALE = 0.0002  # one board in the benchmark's main workspace


def test_a_tiny_load_run_answers_every_command(backend, tmp_path):
    out = tmp_path / "load.json"
    argv = ["--url", backend.fresh_url(), "--scale", str(SCALE), "--commands", "40", "--clients", "4"]
    before = signal.getsignal(signal.SIGTERM)
    status = main([*argv, "--json", str(out)])
    assert signal.getsignal(signal.SIGTERM) is before  # the run's own handler does not outlive it
    rows = json.loads(out.read_text())
    assert [row["server"] for row in rows] == ["BoardBot", "bare Bolt"]
    assert [(row["sent"], row["ok"] + row["errors"]) for row in rows] == [(40, 40), (40, 40)]
    # an answer later than Slack allows is a matter of the machine's load, not of the code
    assert {kind for row in rows for kind in row["error_kinds"]} <= {"late"}
    assert status == (1 if any(row["errors"] for row in rows) else 0)
    assert set(rows[0]["by_command"]) == {"/nextmeeting", "/agenda", "/kpi", "/actions"}


def test_a_late_or_unresolved_reply_is_not_an_answer():
    ask = Ask("/agenda", "", "CB0001", "UB00001", "TBENCH", ("Northbridge Safeguarding Adults Board",))
    late = json.dumps({"response_type": "ephemeral", "text": LATE}).encode()
    which = json.dumps({"text": "Which board do you mean? You are on *A* and *B*."}).encode()
    found = json.dumps({"text": "Next meeting of *Northbridge Safeguarding Adults Board*: …"}).encode()
    assert reply_problem(ask, 200, late) == "late"
    assert reply_problem(ask, 200, which).startswith("says")
    assert reply_problem(ask, 500, found) == "HTTP 500"
    assert reply_problem(ask, 200, b'{"text": "Agenda"}').startswith("names none")
    assert reply_problem(ask, 200, found) is None
