"""bench.trackers on a small tracker, on both databases: it imports, re-imports and sees one change."""

from __future__ import annotations

from bench.trackers import main


def test_a_small_tracker_imports_once_then_changes_one_row(backend, capsys):
    assert main(["--url", backend.fresh_url(), "--rows", "40"]) == 0
    out = capsys.readouterr().out
    assert "xlsx: import with one row changed" in out and "csv: second import (nothing to change)" in out
