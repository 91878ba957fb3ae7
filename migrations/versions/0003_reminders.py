"""reminders: delivery ledger, snoozes, delivery preferences, board reminder settings

The ledger's unique key (kind, recipient, occasion) is what makes two clocks deliver once; its day
index bounds each run's look at it. Meetings get an index led by the date, so a run finds every
board's meetings in a date range without reading them all.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:38:56.503511
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("occasion", sa.String(length=200), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name=op.f("ck_reminder_deliveries_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_reminder_deliveries_board_id_boards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_deliveries")),
        sa.UniqueConstraint(
            "kind", "recipient", "occasion", name=op.f("uq_reminder_deliveries_kind_recipient_occasion")
        ),
    )
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_deliveries_board_id"), ["board_id"], unique=False)
        batch_op.create_index("ix_reminder_deliveries_day", ["day"], unique=False)
        batch_op.create_index("ix_reminder_deliveries_recipient_sent", ["recipient", "sent_at"], unique=False)

    op.create_table(
        "reminder_snoozes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "subject_kind IN ('action', 'paper')", name=op.f("ck_reminder_snoozes_subject_kind_valid")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reminder_snoozes_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_snoozes")),
        sa.UniqueConstraint(
            "person_id",
            "subject_kind",
            "subject_id",
            name=op.f("uq_reminder_snoozes_person_id_subject_kind_subject_id"),
        ),
    )
    with op.batch_alter_table("reminder_snoozes", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_snoozes_until", ["until"], unique=False)

    op.create_table(
        "reminder_preferences",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "delivery IN ('immediate', 'daily')", name=op.f("ck_reminder_preferences_delivery_valid")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reminder_preferences_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_reminder_preferences")),
    )

    op.create_table(
        "board_reminder_settings",
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("send_at", sa.Time(), nullable=False),
        sa.Column("papers", sa.Boolean(), nullable=False),
        sa.Column("paper_days_before", sa.JSON(), nullable=False),
        sa.Column("paper_overdue_daily", sa.Boolean(), nullable=False),
        sa.Column("actions", sa.Boolean(), nullable=False),
        sa.Column("action_days_before", sa.Integer(), nullable=False),
        sa.Column("action_overdue_every_days", sa.Integer(), nullable=False),
        sa.Column("escalate_secretary_after_days", sa.Integer(), nullable=False),
        sa.Column("escalate_chair_after_days", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.Boolean(), nullable=False),
        sa.Column("secretary_digest", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "action_days_before BETWEEN 0 AND 60",
            name=op.f("ck_board_reminder_settings_action_days_before_range"),
        ),
        sa.CheckConstraint(
            "action_overdue_every_days BETWEEN 1 AND 60",
            name=op.f("ck_board_reminder_settings_action_overdue_every_range"),
        ),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_board_reminder_settings_board_id_boards")
        ),
        sa.PrimaryKeyConstraint("board_id", name=op.f("pk_board_reminder_settings")),
    )

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_meets_on", ["meets_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_meets_on")
    op.drop_table("board_reminder_settings")
    op.drop_table("reminder_preferences")
    with op.batch_alter_table("reminder_snoozes", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_snoozes_until")
    op.drop_table("reminder_snoozes")
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_deliveries_recipient_sent")
        batch_op.drop_index("ix_reminder_deliveries_day")
        batch_op.drop_index(batch_op.f("ix_reminder_deliveries_board_id"))
    op.drop_table("reminder_deliveries")
