"""derived due-by dates from timescales as written, and a second report author

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:30:00

`actions.due_by` holds the end of the period an action's timescale names ("June 2023" is due by
30 June 2023), kept apart from `due_on`, a date someone set. Overdue lists and reminder runs read
open actions by `coalesce(due_on, due_by)`, so that expression is indexed. Existing rows are filled
in here by the same rule the loader uses (bot.actions.timescales).

`agenda_items.report_co_author_id` links the second author when a report names two people.
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

from bot.actions.timescales import due_by_date

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_by", sa.Date(), nullable=True))
    op.create_index("ix_actions_deadline_status", "actions", [sa.text("coalesce(due_on, due_by)"), "status"])
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_co_author_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_agenda_items_report_co_author_id"), ["report_co_author_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_items_report_co_author_id_people"),
            "people",
            ["report_co_author_id"],
            ["id"],
        )
    _fill_due_by()


def _fill_due_by() -> None:
    connection = op.get_bind()
    actions = sa.table(
        "actions",
        sa.column("id", sa.Integer),
        sa.column("timescale", sa.Text),
        sa.column("meeting_id", sa.Integer),
        sa.column("due_by", sa.Date),
    )
    meetings = sa.table("meetings", sa.column("id", sa.Integer), sa.column("meets_on", sa.Date))
    rows = connection.execute(
        sa.select(actions.c.id, actions.c.timescale, meetings.c.meets_on)
        .select_from(actions.outerjoin(meetings, actions.c.meeting_id == meetings.c.id))
        .where(actions.c.timescale.is_not(None))
    ).all()
    for action_id, timescale, meets_on in rows:
        raised_on = date.fromisoformat(meets_on) if isinstance(meets_on, str) else meets_on
        found = due_by_date(timescale, raised_on)
        if found is not None:
            connection.execute(sa.update(actions).where(actions.c.id == action_id).values(due_by=found))


def downgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_agenda_items_report_co_author_id_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_agenda_items_report_co_author_id"))
        batch_op.drop_column("report_co_author_id")
    op.drop_index("ix_actions_deadline_status", table_name="actions")
    # ALTER TABLE … DROP COLUMN in place: recreating the table would lose its expression indexes
    with op.batch_alter_table("actions", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("due_by")
