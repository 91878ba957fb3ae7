"""moderngov syncs: boards the clock keeps in step with a ModernGov committee

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-06 14:15:00

`moderngov_syncs` remembers, for each board imported by `boardbot import moderngov`, the site and
committee it came from, the first day of the import's window and how often (in days; 0 never) the
clock re-runs the import, with when it last did and what came of it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "moderngov_syncs",
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=300), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.String(length=2000), nullable=True),
        sa.CheckConstraint("every_days BETWEEN 0 AND 365", name=op.f("ck_moderngov_syncs_every_days_range")),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_moderngov_syncs_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("board_id", name=op.f("pk_moderngov_syncs")),
    )


def downgrade() -> None:
    op.drop_table("moderngov_syncs")
