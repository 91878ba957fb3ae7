"""bench.compare's arithmetic: each after is judged against the before measured just ahead of it."""

from __future__ import annotations

import pytest

from bench.compare import paired, table, with_url


def result(median: float, p99: float, bare: float = 0.1) -> dict:
    return {
        "commands": {"/kpi": {"median_ms": median, "p99_ms": p99}},
        "bare": {"median_ms": bare, "p99_ms": 0.2},
    }


def test_pairs_are_compared_in_order_and_the_spread_is_kept():
    # the machine slows down between pairs: the runs' own medians would hide the 20% the code saved
    before = [result(5.0, 9.0), result(7.5, 12.0), result(10.0, 16.0)]
    after = [result(4.0, 8.0), result(6.0, 11.0), result(8.5, 13.0)]
    row, control = paired(before, after)
    assert row["before_median"] == 7.5 and row["after_median"] == 6.0
    assert row["before_p99"] == 12.0 and row["after_p99"] == 11.0
    assert (row["ratio_low"], row["ratio"], row["ratio_high"]) == (0.8, 0.8, 0.85)
    assert "| /kpi | 7.5 | 6.0 | 0.80 (0.80–0.85) | 12.0 | 11.0 |" in table([row])


def test_the_other_commit_can_have_its_own_database():
    args = ["--url", "postgresql+psycopg://h/new", "--team", "TBENCH"]
    assert with_url(args, "postgresql+psycopg://h/old") == [
        "--url",
        "postgresql+psycopg://h/old",
        "--team",
        "TBENCH",
    ]
    assert with_url(args, None) == args
    assert with_url(["--url=sqlite:////tmp/new.db"], "sqlite:////tmp/old.db") == [
        "--url=sqlite:////tmp/old.db"
    ]
    with pytest.raises(SystemExit, match="replaces the --url"):
        with_url(["--demo"], "sqlite:////tmp/old.db")


def test_the_bare_app_is_the_control():
    # the same bare app measured 10% faster in every "after": the machine, not the code
    before = [result(5.0, 9.0, bare=0.10), result(5.0, 9.0, bare=0.10)]
    after = [result(4.5, 8.0, bare=0.09), result(4.5, 8.0, bare=0.09)]
    _, control = paired(before, after)
    assert control["command"] == "bare app (control)"
    assert round(control["ratio"], 2) == 0.9
