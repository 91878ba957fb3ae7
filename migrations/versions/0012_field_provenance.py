"""field provenance and loaded files: loading merges with what Slack changed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 12:20:00

`field_provenance` keeps, per field of a record, who set its current value (a file, Slack, an
importer) and when. `loaded_files` keeps each file loaded or exported, with its digest (so
`boardbot load --if-changed` can skip it), and `loaded_values` what it said each field was (a hash):
`boardbot load` changes a field only when the file's value differs from that, and keeps a field
changed since in Slack. Records loaded before this revision have neither: the first load after it
reports a field Slack can change that differs from the file as a conflict rather than guess.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "field_provenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_name", sa.String(length=300), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('file', 'slack', 'import')", name=op.f("ck_field_provenance_source_valid")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_field_provenance_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_provenance")),
        sa.UniqueConstraint(
            "kind", "record_id", "field", name=op.f("uq_field_provenance_kind_record_id_field")
        ),
    )
    with op.batch_alter_table("field_provenance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_field_provenance_workspace_id"), ["workspace_id"], unique=False)
    op.create_table(
        "loaded_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loaded_files")),
        sa.UniqueConstraint("path", name=op.f("uq_loaded_files_path")),
    )
    op.create_table(
        "loaded_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loaded_file_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value_hash", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["loaded_file_id"],
            ["loaded_files.id"],
            name=op.f("fk_loaded_values_loaded_file_id_loaded_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loaded_values")),
        sa.UniqueConstraint(
            "loaded_file_id",
            "kind",
            "record_id",
            "field",
            name=op.f("uq_loaded_values_loaded_file_id_kind_record_id_field"),
        ),
    )


def downgrade() -> None:
    op.drop_table("loaded_values")
    op.drop_table("loaded_files")
    with op.batch_alter_table("field_provenance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_provenance_workspace_id"))
    op.drop_table("field_provenance")
