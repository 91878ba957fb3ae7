"""decisions and minutes: a meeting's resolutions, its minutes' status, a board's minutes rule

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 17:00:00

`decisions` holds each resolution on an agenda item (its status is derived from the minutes);
`minutes` one row a meeting: draft, circulated or approved, and the meeting that approves them.
`boards.minutes_due_working_days` is the board's rule for circulating draft minutes (None: default).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minutes_due_working_days", sa.Integer(), nullable=True))
    op.create_table(
        "minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("circulated_on", sa.Date(), nullable=True),
        sa.Column("approval_meeting_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("source_page", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'circulated', 'approved')", name=op.f("ck_minutes_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["approval_meeting_id"], ["meetings.id"], name=op.f("fk_minutes_approval_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_meeting_id_meetings")),
        sa.ForeignKeyConstraint(
            ["source_document_id"], ["documents.id"], name=op.f("fk_minutes_source_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_minutes_meeting_id")),
    )
    op.create_index(op.f("ix_minutes_approval_meeting_id"), "minutes", ["approval_meeting_id"])
    op.create_index(op.f("ix_minutes_source_document_id"), "minutes", ["source_document_id"])
    op.create_index(op.f("ix_minutes_updated_at"), "minutes", ["updated_at"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("source_page", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"], name=op.f("fk_decisions_agenda_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_decisions_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_decisions_recorded_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"], ["documents.id"], name=op.f("fk_decisions_source_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint(
            "meeting_id", "agenda_item_id", "seq", name=op.f("uq_decisions_meeting_id_agenda_item_id_seq")
        ),
    )
    for column in ("meeting_id", "agenda_item_id", "recorded_at", "recorded_by_id", "source_document_id"):
        op.create_index(op.f(f"ix_decisions_{column}"), "decisions", [column])


def downgrade() -> None:
    op.drop_table("decisions")
    op.drop_table("minutes")
    with op.batch_alter_table("boards", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("minutes_due_working_days")
