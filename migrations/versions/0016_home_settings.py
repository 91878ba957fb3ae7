"""reminder settings for the Home tab: quiet weekdays, and away until a day with a delegate

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 17:10:00

A person's `reminder_preferences` row also holds the weekdays they want no reminders on (held for
the next day that is not quiet) and, while they are away, the day they are back and the person who
gets their reminders until then. Personal settings, not board data: kept by `boardbot backup`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder_preferences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quiet_days", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(sa.Column("away_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("delegate_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reminder_preferences_delegate_id_people"), "people", ["delegate_id"], ["id"]
        )
        batch_op.create_index(
            batch_op.f("ix_reminder_preferences_delegate_id"), ["delegate_id"], unique=False
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_reminder_preferences_delegate_not_self"),
            "delegate_id IS NULL OR delegate_id != person_id",
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_preferences", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reminder_preferences_delegate_not_self"), type_="check")
        batch_op.drop_index(batch_op.f("ix_reminder_preferences_delegate_id"))
        batch_op.drop_constraint(batch_op.f("fk_reminder_preferences_delegate_id_people"), type_="foreignkey")
        batch_op.drop_column("delegate_id")
        batch_op.drop_column("away_until")
        batch_op.drop_column("quiet_days")
