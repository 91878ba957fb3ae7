"""index actions by board and lead: /actions mine and @person stay on one board's rows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:15:16.010473
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_actions_board_lead_status_due", ["board_id", "lead_id", "status", "due_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_board_lead_status_due")
