"""bench.plans on a small generated database, on both databases: it captures what the commands
send, explains it, and sees a whole-table scan when there is one."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bench.generate import main as generate
from bench.plans import main, whole_scans
from bot.db import make_engine


@pytest.fixture(scope="module")
def small_bench_db(backend) -> Engine:
    url = backend.fresh_url()
    assert generate(["--url", url, "--scale", "0.0002"]) == 0
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_the_commands_statements_are_captured_and_explained(small_bench_db, capsys):
    url = small_bench_db.url.render_as_string(hide_password=False)
    assert main(["--url", url, "--min-rows", "1000000"]) == 0
    out = capsys.readouterr().out
    assert "large tables (>= 1,000,000 rows): none" in out
    assert int(out.split(": ", 1)[1].split()[0]) >= 20  # distinct statements explained


def test_the_check_sees_a_whole_scan_when_there_is_one(small_bench_db):
    with small_bench_db.connect() as connection:
        if connection.dialect.name == "postgresql":  # it would read so small a table whole anyway
            connection.exec_driver_sql("SET enable_seqscan = off")
        large = {"actions"}
        assert whole_scans(connection, "SELECT id FROM actions WHERE description = 'x'", (), large)
        assert not whole_scans(
            connection, "SELECT id FROM actions WHERE board_id = 1 AND ref = 'A-1'", (), large
        )
