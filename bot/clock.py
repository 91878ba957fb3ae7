"""The one place that knows what time it is: real time, or BOARDBOT_NOW when pinned."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import Settings


def now(settings: Settings) -> datetime:
    """The current instant, in UTC; a pinned naive BOARDBOT_NOW is taken as UTC."""
    if settings.now is None:
        return datetime.now(UTC)
    pinned = settings.now
    if pinned.tzinfo is None:
        pinned = pinned.replace(tzinfo=UTC)
    return pinned.astimezone(UTC)
