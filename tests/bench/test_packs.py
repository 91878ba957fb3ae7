"""bench.packs: a 300-page agenda pack imports well under a minute."""

from __future__ import annotations

import pytest

from bench.packs import run


@pytest.mark.slow
def test_a_300_page_pack_imports_well_under_a_minute(tmp_path):
    took = run(300, None, tmp_path)
    assert took["pages"] >= 300
    assert took["read"] + took["merge"] < 30, took
