"""bench.commands end to end on the demo data: every command answers, and both apps are measured
the same number of times, turn about."""

from __future__ import annotations

import json

from bench import commands
from bench.commands import interleaved, main


def test_a_short_run_on_the_demo_data_measures_every_command(tmp_path, monkeypatch):
    settled = []  # as a server does, but not to this test process: gc.freeze() would keep its garbage
    monkeypatch.setattr(commands, "settle", lambda: settled.append(True))
    out = tmp_path / "figures.json"
    assert main(["--demo", "--rounds", "2", "--boards", "2", "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert figures["database"] == "sqlite"
    assert set(figures["commands"]) == {
        "/nextmeeting",
        "/agenda next",
        "/agenda last",
        "/kpi",
        "/kpi words",
        "/actions",
        "/actions overdue",
        "/actions done",
        "/actions ref",
        "/boardbot help",
    }
    assert {row["n"] for row in figures["commands"].values()} == {4}  # two boards, two rounds
    assert 0 < figures["bare"]["median_ms"] <= figures["bare"]["p99_ms"]
    assert 0 < figures["peak_rss_mb"]
    assert settled == [True]


def test_the_two_apps_take_turns_round_by_round(monkeypatch):
    order = []

    def measure(app, requests, rounds):
        order.append(app)
        return {label: [1.0] * rounds for label, _ in requests}

    monkeypatch.setattr(commands, "measure", measure)
    ours, bare = interleaved("ours", "bare", [("/kpi", None), ("/actions", None)], 3)
    assert order == ["ours", "bare"] * 3
    assert ours == bare == {"/kpi": [1.0] * 3, "/actions": [1.0] * 3}
