"""What a command works out from a board's rows, held in memory while the board says they are
unchanged.

The database sets a board's `kpis_version` to a number it never used before whenever one of its
KPIs is inserted, updated or deleted (triggers, migration 0007), whoever writes them. A command
reads the board, with its version, before anything else; what it then works out is held under the
version it read, so it is never older than that version says. Only read-only sessions
(`bot.db.reading`) use or fill what is held: a transaction may have changed the rows itself, and
may yet roll back. Held per engine, so two databases never share what is held.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

HELD_MAX = 4096  # entries (one a board) before they are all forgotten
_EVERY: list[Held] = []


class Held:
    """Values worked out from a board's rows, each held under the board's version of those rows."""

    def __init__(self) -> None:
        self._held: dict[tuple, tuple[int, Any]] = {}
        _EVERY.append(self)

    def get(self, session: Session, key: tuple, version: int | None) -> Any | None:
        """The value held for `key` at this version, or None."""
        if not session.info.get("read_only"):
            return None
        held = self._held.get((session.get_bind(), *key))
        return held[1] if held is not None and held[0] == version else None

    def keep(self, session: Session, key: tuple, version: int | None, value: Any) -> None:
        """Hold `value`, worked out from rows read after the board was read at `version`."""
        if not session.info.get("read_only") or version is None:
            return
        if len(self._held) >= HELD_MAX:
            self._held.clear()
        self._held[(session.get_bind(), *key)] = (version, value)

    def forget(self) -> None:
        self._held.clear()


def forget_everything() -> None:
    """Forget every held value (tests: each starts with nothing held)."""
    for held in _EVERY:
        held.forget()
