"""action lists in index order: a page of a board's open, overdue or done actions reads one page

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 17:10:00

The old (board, status, due date) index is the prefix of the first new one, which also serves
what it served (counts by status, reminders' scans).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REF_ORDER = [sa.text("rtrim(ref, '0123456789')"), sa.text("length(ref)"), "ref"]


def upgrade() -> None:
    op.create_index(
        "ix_actions_board_status_due_ref", "actions", ["board_id", "status", "due_on", *REF_ORDER]
    )
    op.create_index("ix_actions_board_status_ref", "actions", ["board_id", "status", *REF_ORDER])
    op.drop_index("ix_actions_board_status_due", table_name="actions")


def downgrade() -> None:
    op.create_index("ix_actions_board_status_due", "actions", ["board_id", "status", "due_on"])
    op.drop_index("ix_actions_board_status_ref", table_name="actions")
    op.drop_index("ix_actions_board_status_due_ref", table_name="actions")
