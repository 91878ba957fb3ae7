"""full-text search over the board's data, and watched searches

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 17:00:00

`search_entries` holds one row per searchable passage (bot/search/sources.py fills it). The text
index differs by database: on SQLite an FTS5 table with external content (the rows stay in
`search_entries`; the FTS table holds only the index, kept in step by the three triggers FTS5's
documentation gives), with the porter stemmer; on PostgreSQL the `vector` column, the English
tsvector of title (weight A) and body (weight D), set by a trigger as PostgreSQL's text-search
documentation shows, with a GIN index. Stored, so ranking does not parse each page again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TRIGGERS = {
    "search_entries_ai": "AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "search_entries_ad": "AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "search_entries_au": "AFTER UPDATE OF title, body ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION search_entries_vector() RETURNS trigger AS $$
BEGIN
  NEW.vector := setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('pg_catalog.english', coalesce(NEW.body, '')), 'D');
  RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("page", sa.String(length=30), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("dated", sa.Date(), nullable=True),
        sa.Column("vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("key", name=op.f("uq_search_entries_key")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_search_entries_kind_source", "search_entries", ["kind", "source_id"])
    op.create_index(op.f("ix_search_entries_workspace_id"), "search_entries", ["workspace_id"])
    op.create_index(op.f("ix_search_entries_board_id"), "search_entries", ["board_id"])
    op.create_table(
        "search_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("after_entry_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_search_watches_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_watches")),
    )
    op.create_index("ix_search_watches_person", "search_watches", ["person_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_entries', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        for name, body in FTS_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER search_entries_vector BEFORE INSERT OR UPDATE OF title, body ON search_entries "
            "FOR EACH ROW EXECUTE FUNCTION search_entries_vector()"
        )
        op.execute("CREATE INDEX ix_search_entries_text ON search_entries USING gin (vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE search_fts")
    else:
        op.execute("DROP INDEX ix_search_entries_text")
        op.execute("DROP TRIGGER search_entries_vector ON search_entries")
        op.execute("DROP FUNCTION search_entries_vector()")
    op.drop_index("ix_search_watches_person", table_name="search_watches")
    op.drop_table("search_watches")
    op.drop_index(op.f("ix_search_entries_board_id"), table_name="search_entries")
    op.drop_index(op.f("ix_search_entries_workspace_id"), table_name="search_entries")
    op.drop_index("ix_search_entries_kind_source", table_name="search_entries")
    op.drop_table("search_entries")
