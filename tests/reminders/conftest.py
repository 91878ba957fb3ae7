"""Fixtures for the reminder tests: a board on a fresh database (SQLite and PostgreSQL), a fake Slack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reminders.world import SlackWithHistory, World, make_world


@pytest.fixture
def slack() -> Iterator[SlackWithHistory]:
    """The fake Slack Web API, answering conversations.open and conversations.history too."""
    fake = SlackWithHistory()
    yield fake
    fake.close()


@pytest.fixture
def world(fresh_db) -> World:
    """One board (HWB, England, Europe/London) with its secretary, chair, authors and a lead."""
    return make_world(fresh_db)
