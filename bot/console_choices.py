"""The console's --as and --board: a person by key, a board by key or a part of its name; a value
that names nobody (or no single board) is refused with the valid ones."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m

LISTED = 40  # keys listed at most when --as names nobody


def choose_person(session: Session, team_id: str, key: str) -> m.Person:
    """The person whose key this is; ValueError lists the keys like it (or all of them)."""
    people = list(
        session.scalars(
            select(m.Person).join(m.Workspace).where(m.Workspace.team_id == team_id).order_by(m.Person.key)
        )
    )
    found = next((p for p in people if p.key == key), None)
    if found is not None:
        return found
    near = [p.key for p in people if key.lower() in f"{p.key} {p.name}".lower()] or [p.key for p in people]
    listed = ", ".join(near[:LISTED]) + (f" and {len(near) - LISTED} more" if len(near) > LISTED else "")
    raise ValueError(f"no person '{key}' in workspace '{team_id}'; --as takes a person's key: {listed}")


def choose_board(session: Session, team_id: str, words: str) -> m.Board:
    """The board with this key, or the one board whose names contain all the words."""
    boards = list(
        session.scalars(
            select(m.Board).join(m.Workspace).where(m.Workspace.team_id == team_id).order_by(m.Board.key)
        )
    )
    wanted = words.lower().split()
    found = [b for b in boards if b.key == words] or [
        b for b in boards if all(w in f"{b.key} {b.name} {b.short_name or ''}".lower() for w in wanted)
    ]
    if len(found) == 1:
        return found[0]
    listed = "; ".join(f"{b.key} ({b.name})" for b in (found or boards))
    problem = "names more than one board" if found else "names no board"
    raise ValueError(f"--board '{words}' {problem} in workspace '{team_id}'; the boards: {listed}")
