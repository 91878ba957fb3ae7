"""dated memberships, and a paper deadline rule only where the board states one

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 11:30:00

Memberships gain `starts_on` and `ends_on` so a past meeting shows the seats in force on its day. A
person may hold a seat twice, so the one-row-per-person-and-board constraint becomes one row per
person, board and start, with at most one row whose start is not recorded (a partial unique index).

`boards.paper_deadline_working_days` becomes nullable: null means the board states no rule and the
default is used, and said to be. Every existing 10 was the format's default or a stated 10, which
the database cannot tell apart; they become null, and the next load of a file stating 10 restores it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDATED = "uq_memberships_board_person_undated"


def upgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_memberships_board_id_person_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_memberships_board_id_person_id_starts_on"), ["board_id", "person_id", "starts_on"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_memberships_dates_in_order"),
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on",
        )
    op.create_index(
        UNDATED,
        "memberships",
        ["board_id", "person_id"],
        unique=True,
        sqlite_where=sa.text("starts_on IS NULL"),
        postgresql_where=sa.text("starts_on IS NULL"),
    )
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.alter_column("paper_deadline_working_days", existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE boards SET paper_deadline_working_days = NULL WHERE paper_deadline_working_days = 10")


def downgrade() -> None:
    op.execute("UPDATE boards SET paper_deadline_working_days = 10 WHERE paper_deadline_working_days IS NULL")
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.alter_column("paper_deadline_working_days", existing_type=sa.Integer(), nullable=False)
    # 0008 holds one seat a person and board: keep each person's earliest-starting row (undated first)
    op.execute(
        "DELETE FROM memberships WHERE EXISTS (SELECT 1 FROM memberships AS earlier "
        "WHERE earlier.board_id = memberships.board_id AND earlier.person_id = memberships.person_id "
        "AND (memberships.starts_on IS NOT NULL AND (earlier.starts_on IS NULL "
        "OR earlier.starts_on < memberships.starts_on)))"
    )
    op.drop_index(UNDATED, table_name="memberships")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_memberships_dates_in_order"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_memberships_board_id_person_id_starts_on"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_memberships_board_id_person_id"), ["board_id", "person_id"]
        )
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")
