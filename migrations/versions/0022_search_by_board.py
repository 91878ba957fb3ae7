"""full-text search kept to a board: SQLite's FTS5 index holds each passage's board

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 23:00:00

FTS5 can only narrow its matches by what it indexes, so a search kept to one board joined every match
in the workspace (up to 245,000 at bench scale) to its entry to find the board's few hundred. The FTS5
table now indexes `board_id` too (as a word: "17"), and a board's search matches `board_id : "17"`
inside FTS5 (bot/search/query.py), with the question's words kept to title and body. The table is made
again and rebuilt from `search_entries`, with the triggers FTS5's documentation gives for external
content. PostgreSQL filters by board with its index on `board_id`: nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def triggers(columns: list[str]) -> dict[str, str]:
    """The three triggers that keep an external-content FTS5 table in step with `search_entries`."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    add = f"INSERT INTO search_fts(rowid, {names}) VALUES (new.id, {new});"
    remove = f"INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.id, {old});"
    return {
        "search_entries_ai": f"AFTER INSERT ON search_entries BEGIN {add} END",
        "search_entries_ad": f"AFTER DELETE ON search_entries BEGIN {remove} END",
        "search_entries_au": f"AFTER UPDATE OF {names} ON search_entries BEGIN {remove} {add} END",
    }


def remake(columns: list[str]) -> None:
    for name in triggers(columns):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute(
        f"CREATE VIRTUAL TABLE search_fts USING fts5({', '.join(columns)}, content='search_entries', "
        f"content_rowid='id', {TOKENIZE})"
    )
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    for name, body in triggers(columns).items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        remake(["title", "body", "board_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        remake(["title", "body"])
