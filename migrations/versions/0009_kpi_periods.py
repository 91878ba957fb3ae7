"""kpi periods: a value's period kind and stated change, a KPI's headline flag and same measure

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:30:00

/kpi compares a value only with one of a like period (a full year with a full year, never a part
year or a live tracker with a final figure), so each value may say what kind of period it covers
and the change its source states ("10% decrease since April 2022"). A KPI may be one of the
board's chosen headlines, and may name the KPI of another document that is the same measure.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERIOD_KINDS = "period_kind IN ('year', 'quarter', 'month', 'to-date', 'snapshot', 'live')"


def upgrade() -> None:
    # plain ADD COLUMN: a batch copy of kpis would break the foreign keys of kpi_values on SQLite
    op.add_column("kpis", sa.Column("headline", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("kpis", sa.Column("same_as", sa.String(length=100), nullable=True))
    with op.batch_alter_table("kpi_values", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("change", sa.Text(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_kpi_values_period_kind_valid"), PERIOD_KINDS)


def downgrade() -> None:
    with op.batch_alter_table("kpi_values", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_kpi_values_period_kind_valid"), type_="check")
        batch_op.drop_column("change")
        batch_op.drop_column("period_kind")
    op.drop_column("kpis", "same_as")
    op.drop_column("kpis", "headline")
