"""an action's status and RAG as a spreadsheet tracker wrote them

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-06 14:10:00

Trackers write statuses and RAG ratings their own way ("Completed", "On track", "G"). The importer
(bot/importers/actions.py) normalises them into `status` and `rag` and keeps what was written in
`status_text` and `rag_text`, so nothing the secretary wrote is lost and the export writes it back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rag_text", sa.Text(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place: recreating the table would lose its expression indexes
    with op.batch_alter_table("actions", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("rag_text")
        batch_op.drop_column("status_text")
