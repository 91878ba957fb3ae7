"""Migration 0010: memberships gain dates and a board's paper rule is null unless stated."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from bot.db import alembic_config, upgrade
from tests.conftest import engine_for


@pytest.fixture
def empty_engine(fresh_url):
    yield from engine_for(fresh_url)


def _rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_a_database_with_boards_and_members_upgrades_and_downgrades(empty_engine):
    """The boards table is remade on SQLite while meetings and memberships refer to it."""
    upgrade(empty_engine, "0009")
    with empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO workspaces (id, team_id) VALUES (1, 'T1')"))
        for id_, days in ((1, 10), (2, 12)):
            connection.execute(
                text(
                    "INSERT INTO boards (id, workspace_id, key, name, timezone, holiday_region, "
                    f"paper_deadline_working_days) VALUES ({id_}, 1, 'b{id_}', 'Board', 'Europe/London', "
                    f"'england', {days})"
                )
            )
        connection.execute(text("INSERT INTO people (id, workspace_id, key, name) VALUES (1, 1, 'p', 'P')"))
        connection.execute(
            text("INSERT INTO memberships (id, board_id, person_id, role) VALUES (1, 1, 1, 'chair')")
        )
        connection.execute(
            text(
                "INSERT INTO meetings (id, board_id, key, meets_on, status) VALUES (1, 1, 'm', '2024-01-01', 'confirmed')"
            )
        )
    upgrade(empty_engine)
    assert _rows(empty_engine, "SELECT id, paper_deadline_working_days FROM boards ORDER BY id") == [
        (1, None),
        (2, 12),
    ]
    assert _rows(empty_engine, "SELECT id, role, starts_on, ends_on FROM memberships") == [
        (1, "chair", None, None)
    ]
    assert _rows(empty_engine, "SELECT count(*) FROM meetings") == [(1,)]
    with empty_engine.begin() as connection:  # a second spell of the same seat
        connection.execute(
            text(
                "INSERT INTO memberships (id, board_id, person_id, role, starts_on) "
                "VALUES (2, 1, 1, 'member', '2025-01-01')"
            )
        )
    command.downgrade(alembic_config(empty_engine), "0009")
    assert _rows(empty_engine, "SELECT id, paper_deadline_working_days FROM boards ORDER BY id") == [
        (1, 10),
        (2, 12),
    ]
    assert _rows(empty_engine, "SELECT id, role FROM memberships") == [
        (1, "chair")
    ]  # one seat a person at 0008
    upgrade(empty_engine)
