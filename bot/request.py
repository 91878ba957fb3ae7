"""Our own request type: what a command needs to know about who asked, where and when."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

SHARE_RE = re.compile(r"(?:^|\s)share\s*$", re.IGNORECASE)
MAX_TEXT = 500  # longer input is cut here: no command needs more, and junk stays cheap


@dataclass(frozen=True)
class CommandRequest:
    command: str  # "nextmeeting", "agenda", …
    team_id: str
    user_id: str
    channel_id: str | None
    is_direct_message: bool
    text: str  # what followed the command, without a trailing "share"
    now: datetime  # UTC
    share: bool = False  # post to the channel instead of only to the asker
    page: int = 1
    board_hint: str | None = None  # a board key the surface already knows (the console's --board)
    person_hint: str | None = None  # a person key the surface vouches for (the console's --as)

    @classmethod
    def parse(cls, command: str, text: str | None, **fields) -> CommandRequest:
        """Build a request from raw text: trims it, cuts junk short and takes off `share`."""
        raw = " ".join((text or "").split())[:MAX_TEXT]
        share = bool(SHARE_RE.search(raw))
        if share:
            raw = SHARE_RE.sub("", raw).strip()
        return cls(command=command, text=raw, share=share, **fields)

    def on_page(self, page: int) -> CommandRequest:
        return replace(self, page=max(page, 1))

    @property
    def words(self) -> list[str]:
        return self.text.split()
