"""calendar feeds: each person's revocable calendar feed token, stored as a hash

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 17:10:00

A person's calendar feed (bot/calendar) is read at a URL carrying a token. The token is derived from
the row's `nonce` and a key the database does not hold (bot.calendar.links), so the table alone gives
no working URL; `token_hash` (SHA-256 of the token) is what a request is matched on. A new nonce
revokes the old URL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_calendar_feeds_person_id_people")
        ),
        sa.UniqueConstraint("person_id", name=op.f("uq_calendar_feeds_person_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
