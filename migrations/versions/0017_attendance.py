"""attendance at meetings, and a board's quorum rule

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 17:00:00

`attendance` holds each member's reply before a meeting (attending, in person or online; apologies
with an optional substitute; withdrawn) and, with `minuted`, what a meeting's minutes record (present,
apologies, substitutes, also present) with the source. `boards.quorum` is the number of members a
meeting needs, and `quorum_groups` the groups it needs some of; both null or absent when not stated.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sourced() -> list[sa.Column]:
    return [
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("source_page", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quorum", sa.Integer(), nullable=True))
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("minuted", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=True),
        sa.Column("substitute_id", sa.Integer(), nullable=True),
        sa.Column("substitute_name", sa.String(length=300), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_sourced(),
        sa.CheckConstraint(
            "status IN ('attending', 'apologies', 'also-present', 'withdrawn')",
            name=op.f("ck_attendance_status_valid"),
        ),
        sa.CheckConstraint("mode IN ('in-person', 'online')", name=op.f("ck_attendance_mode_valid")),
        sa.CheckConstraint("person_id IS NOT NULL OR name IS NOT NULL", name=op.f("ck_attendance_someone")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_attendance_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_attendance_person_id_people")),
        sa.ForeignKeyConstraint(
            ["substitute_id"], ["people.id"], name=op.f("fk_attendance_substitute_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_attendance_recorded_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["documents.id"],
            name=op.f("fk_attendance_source_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint(
            "meeting_id",
            "person_id",
            "name",
            "minuted",
            name=op.f("uq_attendance_meeting_id_person_id_name_minuted"),
        ),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_meeting", ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_substitute_id"), ["substitute_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_recorded_by_id"), ["recorded_by_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attendance_source_document_id"), ["source_document_id"], unique=False
        )
    op.create_table(
        "quorum_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("at_least", sa.Integer(), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=True),
        sa.Column("people", sa.JSON(), nullable=True),
        *_sourced(),
        sa.CheckConstraint("at_least BETWEEN 1 AND 100", name=op.f("ck_quorum_groups_at_least_range")),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_quorum_groups_board_id_boards")),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["documents.id"],
            name=op.f("fk_quorum_groups_source_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quorum_groups")),
        sa.UniqueConstraint("board_id", "key", name=op.f("uq_quorum_groups_board_id_key")),
    )
    with op.batch_alter_table("quorum_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quorum_groups_source_document_id"), ["source_document_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("quorum_groups")
    op.drop_table("attendance")
    with op.batch_alter_table("boards", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("quorum")
