"""boards count changes: the database moves a board's version of its KPIs, and of its actions,
whenever one changes, so a command can hold what it worked out from them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 02:30:00

/kpi read all of a board's KPIs to page its headlines or match words (a hundred rows, read and
sorted: 0.3 ms of a 1.5 ms command on the demo), and /actions counted all of a board's actions by
status for its tally (0.9 ms of 4 on PostgreSQL with 2,500 actions a board). boards.kpis_version
and boards.actions_version move on whenever a row of kpis or actions of the board is inserted,
updated or deleted, by triggers, so every writer counts: the ORM, the loaders, the benchmark's
bulk loads and hand-written SQL alike. bot/held.py holds what is worked out from them until the
version moves. A row moved to another board moves both boards' versions.

The functions are created OR REPLACE: dropping every table (`bench.generate --force`) leaves them.
SQLite's triggers belong to their table: a migration that rebuilds kpis or actions (Alembic's batch
mode on SQLite copies the table) must create them again. tests/bot/test_db.py checks they are there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED = {"kpis": "kpis_version", "actions": "actions_version"}  # table: the boards column it moves


def _bump(column: str, board: str) -> str:
    return f"UPDATE boards SET {column} = {column} + 1 WHERE id = {board}"


def _triggers(dialect: str, table: str, column: str) -> list[str]:
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_inserted AFTER INSERT ON {table} "
            f"BEGIN {_bump(column, 'NEW.board_id')}; END",
            f"CREATE TRIGGER {table}_updated AFTER UPDATE ON {table} BEGIN "
            f"{_bump(column, 'OLD.board_id')}; "
            f"{_bump(column, 'NEW.board_id')} AND NEW.board_id IS NOT OLD.board_id; END",
            f"CREATE TRIGGER {table}_deleted AFTER DELETE ON {table} "
            f"BEGIN {_bump(column, 'OLD.board_id')}; END",
        ]
    # PostgreSQL: once a statement, whatever its rows (a COPY of 500,000 actions moved each
    # board's version 500,000 times, a row version of the board each: 30 s and 80 MB of boards)
    function = (
        f"CREATE OR REPLACE FUNCTION {table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + " ".join(
            f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{event}' THEN {_bump(column, f'ANY(ARRAY({rows}))')};"
            for i, (event, (_, _, rows)) in enumerate(_PG_EVENTS.items())
        )
        + " END IF; RETURN NULL; END $$"
    )
    return [function] + [
        f"CREATE TRIGGER {table}_{change} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_changed()"
        for event, (change, referencing, _) in _PG_EVENTS.items()
    ]


# event: the trigger's name after the table's, its transition tables, the boards whose rows changed
_PG_EVENTS = {
    "INSERT": ("inserted", "NEW TABLE AS new_rows", "SELECT DISTINCT board_id FROM new_rows"),
    "UPDATE": (
        "updated",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "SELECT board_id FROM old_rows UNION SELECT board_id FROM new_rows",
    ),
    "DELETE": ("deleted", "OLD TABLE AS old_rows", "SELECT DISTINCT board_id FROM old_rows"),
}


def _drops(dialect: str, table: str) -> list[str]:
    drops = [f"DROP TRIGGER {table}_{change}" for change in ("inserted", "updated", "deleted")]
    if dialect == "sqlite":
        return drops
    return [f"{drop} ON {table}" for drop in drops] + [f"DROP FUNCTION {table}_changed()"]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, column in COUNTED.items():
        op.add_column("boards", sa.Column(column, sa.Integer(), server_default="0", nullable=False))
        for statement in _triggers(dialect, table, column):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, column in COUNTED.items():
        for statement in _drops(dialect, table):
            op.execute(statement)
        op.drop_column("boards", column)
