"""kpis in reading order: a page of a board's KPI headlines reads that page, not every KPI

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 02:00:00

Headlines are shown by theme, then name, as a reader orders them (bot/reading_order.py). Python
sorted every KPI of the board on each /kpi; each KPI now keeps its place as `reading_key`, and
(board, reading_key, id) reads a page in order. (board, theme) counts the themes from the index
alone. The keys of existing KPIs are worked out here with the code's own function.

SQLite adds a NOT NULL column only with a default, and changing the column afterwards would copy
the table, which its foreign keys forbid while KPI values point at it: there the column keeps a
default of '' that the ORM never uses (it sets the key whenever a theme or name is set).
PostgreSQL has no default.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.reading_order import kpi_reading_key

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READING_KEY = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
BATCH = 1000


def upgrade() -> None:
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    op.add_column(
        "kpis",
        sa.Column("reading_key", READING_KEY, nullable=not sqlite, server_default="" if sqlite else None),
    )
    kpis = sa.table("kpis", sa.column("id"), sa.column("theme"), sa.column("name"), sa.column("reading_key"))
    rows = connection.execute(sa.select(kpis.c.id, kpis.c.theme, kpis.c.name)).all()
    keyed = kpis.update().where(kpis.c.id == sa.bindparam("kpi_id")).values(reading_key=sa.bindparam("key"))
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        connection.execute(keyed, [{"kpi_id": i, "key": kpi_reading_key(t, n)} for i, t, n in batch])
    if not sqlite:
        op.alter_column("kpis", "reading_key", nullable=False)
    op.create_index("ix_kpis_board_reading_key", "kpis", ["board_id", "reading_key", "id"])
    op.create_index("ix_kpis_board_theme", "kpis", ["board_id", "theme"])


def downgrade() -> None:
    op.drop_index("ix_kpis_board_theme", table_name="kpis")
    op.drop_index("ix_kpis_board_reading_key", table_name="kpis")
    op.drop_column("kpis", "reading_key")  # SQLite 3.35 and later drop a column in place
