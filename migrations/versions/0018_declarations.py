"""declarations of interest, and the agenda as members were last told it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 16:50:27

`declarations`: a person's interest in an agenda item of a meeting; `standing_declarations`: a
member's interests on a board whatever the agenda, reviewed yearly; `agenda_notices`: the agenda
the last full agenda notice told members, which agenda-change notices compare the data with.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "standing_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("interest", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("declared_on", sa.Date(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("source_page", sa.Integer(), nullable=True),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('pecuniary', 'non-pecuniary', 'other')",
            name=op.f("ck_standing_declarations_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_standing_declarations_board_id_boards")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_standing_declarations_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["documents.id"],
            name=op.f("fk_standing_declarations_source_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_declarations")),
        sa.UniqueConstraint(
            "board_id",
            "person_id",
            "interest",
            name=op.f("uq_standing_declarations_board_id_person_id_interest"),
        ),
    )
    with op.batch_alter_table("standing_declarations", schema=None) as batch_op:
        batch_op.create_index("ix_standing_declarations_person", ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_standing_declarations_source_document_id"), ["source_document_id"], unique=False
        )

    op.create_table(
        "agenda_notices",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("told", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_agenda_notices_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_agenda_notices")),
    )
    op.create_table(
        "declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("interest", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("declared_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("source_page", sa.Integer(), nullable=True),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('pecuniary', 'non-pecuniary', 'other')", name=op.f("ck_declarations_kind_valid")
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"], name=op.f("fk_declarations_agenda_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_declarations_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_declarations_person_id_people")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_declarations_recorded_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["documents.id"],
            name=op.f("fk_declarations_source_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
        sa.UniqueConstraint(
            "meeting_id",
            "agenda_item_id",
            "person_id",
            name=op.f("uq_declarations_meeting_id_agenda_item_id_person_id"),
        ),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declarations_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_declarations_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_declarations_recorded_by_id"), ["recorded_by_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_declarations_source_document_id"), ["source_document_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_source_document_id"))
        batch_op.drop_index(batch_op.f("ix_declarations_recorded_by_id"))
        batch_op.drop_index(batch_op.f("ix_declarations_person_id"))
        batch_op.drop_index(batch_op.f("ix_declarations_agenda_item_id"))

    op.drop_table("declarations")
    op.drop_table("agenda_notices")
    with op.batch_alter_table("standing_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standing_declarations_source_document_id"))
        batch_op.drop_index("ix_standing_declarations_person")

    op.drop_table("standing_declarations")
