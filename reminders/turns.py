"""Which clock reminds which workspace: one clock at a time per workspace, by an advisory lock.

A run is split by workspace, not led by one clock: Slack's limits are per workspace, so a workspace
reminded by one clock at a time has its pace and any Retry-After in one process, and deciding needs
no rendered messages stored for others to send. Each clock goes through the workspaces, takes each
one no other clock holds (PostgreSQL's `pg_try_advisory_lock`, which never waits), decides and sends
what it took, and lets go at the end of its run. A clock that dies lets go with its connection; its
claims in the ledger wait out their lease, and a later run takes them over. SQLite has one clock,
which takes every workspace.
"""

from __future__ import annotations

import hashlib
from types import TracebackType

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import models as m

NAMESPACE = "boardbot:reminders:"


def workspaces(session: Session, team_id: str | None = None) -> list[str]:
    """The workspaces a run reminds (or just `team_id`'s), those with most boards first: theirs
    take longest to send within Slack's per-workspace limits, so they start first."""
    stmt = (
        select(m.Workspace.team_id)
        .join(m.Board, m.Board.workspace_id == m.Workspace.id)
        .group_by(m.Workspace.team_id)
        .order_by(func.count(m.Board.id).desc(), m.Workspace.team_id)
    )
    if team_id is not None:
        stmt = stmt.where(m.Workspace.team_id == team_id)
    return list(session.scalars(stmt))


def lock_key(team: str) -> int:
    """A workspace's advisory lock key: a signed 64-bit number from its team id."""
    digest = hashlib.blake2b((NAMESPACE + team).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Turns:
    """The workspaces this clock holds for its run; a context manager that lets them all go."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        self.connection: Connection | None = None
        self.held: list[str] = []

    def __enter__(self) -> Turns:
        with self.sessions() as session:
            bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        if engine.dialect.name == "postgresql":  # clocks may share the database: lock
            self.connection = engine.connect()
        return self

    def take(self, team: str) -> bool:
        """Hold `team` for this run, unless another clock holds it now."""
        if self.connection is None:
            self.held.append(team)
            return True
        taken = bool(self.connection.scalar(select(func.pg_try_advisory_lock(lock_key(team)))))
        self.connection.commit()  # a session-level lock outlives the transaction; no snapshot is kept
        if taken:
            self.held.append(team)
        return taken

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.connection is not None:
            try:
                self.connection.scalar(select(func.pg_advisory_unlock_all()))
                self.connection.commit()
            except BaseException:
                self.connection.invalidate()  # never back to the pool with the locks held
                raise
            finally:
                self.connection.close()
        self.held = []
