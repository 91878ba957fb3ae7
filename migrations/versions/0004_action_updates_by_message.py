"""action updates by message, button and form: each request claimed once, with the history rows it appended

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 15:42:04.019795
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "update_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('applied', 'unchanged', 'refused', 'not_understood', 'undone')",
            name=op.f("ck_update_requests_outcome_valid"),
        ),
        sa.CheckConstraint(
            "via IN ('import', 'message', 'button', 'form')", name=op.f("ck_update_requests_via_valid")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_update_requests_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["undoes_id"], ["update_requests.id"], name=op.f("fk_update_requests_undoes_id_update_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_requests")),
        sa.UniqueConstraint("key", name=op.f("uq_update_requests_key")),
        sa.UniqueConstraint("undoes_id", name=op.f("uq_update_requests_undoes_id")),
    )
    with op.batch_alter_table("update_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_update_requests_person_received", ["person_id", "received_at"], unique=False
        )
        batch_op.create_index("ix_update_requests_thread", ["team_id", "channel", "thread_ts"], unique=False)

    op.create_table(
        "update_request_changes",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("action_update_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_update_id"],
            ["action_updates.id"],
            name=op.f("fk_update_request_changes_action_update_id_action_updates"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["update_requests.id"],
            name=op.f("fk_update_request_changes_request_id_update_requests"),
        ),
        sa.PrimaryKeyConstraint("request_id", "action_update_id", name=op.f("pk_update_request_changes")),
        sa.UniqueConstraint("action_update_id", name=op.f("uq_update_request_changes_action_update_id")),
    )


def downgrade() -> None:
    op.drop_table("update_request_changes")
    with op.batch_alter_table("update_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_update_requests_thread")
        batch_op.drop_index("ix_update_requests_person_received")

    op.drop_table("update_requests")
