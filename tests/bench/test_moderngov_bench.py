"""bench.moderngov at a small size, on SQLite and PostgreSQL: every step runs and reports."""

from __future__ import annotations

from bench.moderngov import main


def test_the_moderngov_bench_imports_syncs_and_reports(fresh_url, capsys):
    assert main(["--url", fresh_url, "--meetings", "6", "--items", "3"]) == 0
    out = capsys.readouterr().out
    assert "meetings: 6 new, 0 changed; agenda_items: 18 new" in out
    assert "nothing to change (" in out
    assert "meetings: 0 new, 1 changed;" in out
