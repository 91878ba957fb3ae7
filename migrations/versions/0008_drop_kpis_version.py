"""drop kpis version: KPIs are read from the database on every ask, so nothing counts their changes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00

Migration 0007 made the database number each change to a board's KPIs so that one process could
hold them in memory (bot/held.py, now gone). This drops its triggers, and on PostgreSQL its function
and sequence, then the column. The downgrade makes them again with 0007's own upgrade, since code
at 0007 trusts its memory only while the triggers keep the version moving.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = ("kpis_inserted", "kpis_updated", "kpis_deleted")  # and on PostgreSQL kpis_truncated


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name in (*TRIGGERS, "kpis_truncated"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON kpis")
        op.execute("DROP FUNCTION IF EXISTS kpis_changed()")
        op.execute("DROP SEQUENCE IF EXISTS kpi_versions")
    op.drop_column("boards", "kpis_version")


def downgrade() -> None:
    path = Path(__file__).with_name("0007_kpis_version.py")
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    assert spec is not None and spec.loader is not None
    migration_0007 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration_0007)
    migration_0007.upgrade()
