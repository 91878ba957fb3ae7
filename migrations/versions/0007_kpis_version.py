"""kpis version: the database marks each change to a board's KPIs, so /kpi can hold them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 02:30:00

/kpi read all of a board's KPIs to page its headlines or match words (a hundred rows, read and
sorted: 0.3 ms of a 1.5 ms command on the demo). boards.kpis_version is set to a number never used
before whenever a KPI of the board is inserted, updated or deleted, by triggers, so every writer
counts: the ORM, the loaders, the benchmark's bulk loads and hand-written SQL alike. bot/held.py
holds a board's KPIs until its version changes. A KPI moved to another board changes both.

- PostgreSQL: the numbers come from the sequence kpi_versions, which starts at the time in
  microseconds (never handed out twice, even by a sequence made again, and taking one waits for
  nobody), once a statement (transition tables: a COPY of 10,000 KPIs is one
  UPDATE), and a TRUNCATE of kpis changes every board's. The function is created OR REPLACE
  (dropping every table, as `bench.generate --force` does, leaves it) and runs with the
  search_path it was created with.
- SQLite (row triggers only, one writer at a time): one past the board's last number, and no
  less than the time in microseconds.

The triggers update the board's row, so a transaction writing a board's KPIs holds that row until
it commits: two transactions writing KPIs of one board take turns (loads and imports; nothing in
Slack writes KPIs). On SQLite the triggers name boards and kpis: a migration that rebuilds either
table (Alembic's batch mode copies it) must drop them first and create them again.
"""

import time
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# a board's next number: past its last, and no earlier than the time in microseconds, so a board
# made again under an old id (SQLite hands out the highest id again) starts past anything held
SQLITE_NEXT = "max(kpis_version + 1, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER))"
SQLITE = [
    f"CREATE TRIGGER kpis_inserted AFTER INSERT ON kpis BEGIN "
    f"UPDATE boards SET kpis_version = {SQLITE_NEXT} WHERE id = NEW.board_id; END",
    f"CREATE TRIGGER kpis_updated AFTER UPDATE ON kpis BEGIN "
    f"UPDATE boards SET kpis_version = {SQLITE_NEXT} WHERE id = OLD.board_id; "
    f"UPDATE boards SET kpis_version = {SQLITE_NEXT} WHERE id = NEW.board_id AND NEW.board_id IS NOT OLD.board_id; "
    "END",
    f"CREATE TRIGGER kpis_deleted AFTER DELETE ON kpis BEGIN "
    f"UPDATE boards SET kpis_version = {SQLITE_NEXT} WHERE id = OLD.board_id; END",
]
# event: the trigger's name, its transition tables, the boards whose KPIs changed
POSTGRESQL_EVENTS = {
    "INSERT": ("kpis_inserted", "REFERENCING NEW TABLE AS new_rows", "SELECT board_id FROM new_rows"),
    "UPDATE": (
        "kpis_updated",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "SELECT board_id FROM old_rows UNION SELECT board_id FROM new_rows",
    ),
    "DELETE": ("kpis_deleted", "REFERENCING OLD TABLE AS old_rows", "SELECT board_id FROM old_rows"),
    "TRUNCATE": ("kpis_truncated", "", "SELECT id FROM boards"),
}


POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION kpis_changed() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    + " ".join(
        f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{event}' THEN UPDATE boards SET kpis_version = "
        f"nextval('kpi_versions') WHERE id IN ({boards});"
        for i, (event, (_, _, boards)) in enumerate(POSTGRESQL_EVENTS.items())
    )
    + " END IF; RETURN NULL; END $$",
    *(
        f"CREATE TRIGGER {name} AFTER {event} ON kpis {tables} FOR EACH STATEMENT EXECUTE FUNCTION kpis_changed()"
        for event, (name, tables, _) in POSTGRESQL_EVENTS.items()
    ),
]


def _postgresql() -> list[str]:
    # starting at the time in microseconds, as SQLite's do: a sequence made again (a downgrade and
    # an upgrade) starts past every number the last one handed out
    return [
        f"CREATE SEQUENCE IF NOT EXISTS kpi_versions START WITH {int(time.time() * 1_000_000)}",
        *POSTGRESQL,
    ]


def upgrade() -> None:
    op.add_column("boards", sa.Column("kpis_version", sa.BigInteger(), server_default="0", nullable=False))
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else _postgresql():
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    names = [name for name, _, _ in POSTGRESQL_EVENTS.values() if not (sqlite and name == "kpis_truncated")]
    for name in names:
        op.execute(f"DROP TRIGGER {name}" if sqlite else f"DROP TRIGGER {name} ON kpis")
    if not sqlite:
        op.execute("DROP FUNCTION kpis_changed()")
        op.execute("DROP SEQUENCE kpi_versions")
    op.drop_column("boards", "kpis_version")
