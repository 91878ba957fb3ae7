"""kpis version: the database counts the changes to each board's KPIs, so /kpi can hold them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 02:30:00

/kpi reads all of a board's KPIs to page its headlines or match words (a hundred rows, read and
sorted: 0.3 ms of a 1.5 ms command on the demo). boards.kpis_version moves on whenever a KPI of the
board is inserted, updated or deleted, by triggers, so every writer counts: the ORM, the loaders,
the benchmark's bulk loads and hand-written SQL alike. bot/kpis.py holds a board's KPIs until its
version moves. A KPI moved to another board moves both boards' versions.

The function is created OR REPLACE: dropping every table (`bench.generate --force`) leaves it.
SQLite's triggers belong to their table: a migration that rebuilds kpis (Alembic's batch mode on
SQLite copies the table) must create them again. tests/bot/test_db.py checks they are there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUMP = "UPDATE boards SET kpis_version = kpis_version + 1 WHERE id = {board}"
TRIGGERS = {
    "sqlite": (
        f"CREATE TRIGGER kpis_inserted AFTER INSERT ON kpis BEGIN {BUMP.format(board='NEW.board_id')}; END",
        "CREATE TRIGGER kpis_updated AFTER UPDATE ON kpis BEGIN "
        f"{BUMP.format(board='OLD.board_id')}; "
        f"{BUMP.format(board='NEW.board_id')} AND NEW.board_id IS NOT OLD.board_id; END",
        f"CREATE TRIGGER kpis_deleted AFTER DELETE ON kpis BEGIN {BUMP.format(board='OLD.board_id')}; END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION kpis_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {BUMP.format(board='OLD.board_id')}; END IF; "
        "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.board_id IS DISTINCT FROM OLD.board_id) THEN "
        f"{BUMP.format(board='NEW.board_id')}; END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER kpis_changed AFTER INSERT OR UPDATE OR DELETE ON kpis "
        "FOR EACH ROW EXECUTE FUNCTION kpis_changed()",
    ),
}
DROPS = {
    "sqlite": (
        "DROP TRIGGER kpis_inserted",
        "DROP TRIGGER kpis_updated",
        "DROP TRIGGER kpis_deleted",
    ),
    "postgresql": ("DROP TRIGGER kpis_changed ON kpis", "DROP FUNCTION kpis_changed()"),
}


def upgrade() -> None:
    op.add_column("boards", sa.Column("kpis_version", sa.Integer(), server_default="0", nullable=False))
    for statement in TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROPS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_column("boards", "kpis_version")
