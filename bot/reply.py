"""What a command answers: Block Kit blocks, a plain-text fallback, and who sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    blocks: list[dict[str, Any]]
    text: str  # fallback for notifications and clients without blocks
    public: bool = False  # in_channel rather than ephemeral
    extra: dict[str, Any] = field(default_factory=dict)

    def as_slack(self) -> dict[str, Any]:
        """The reply as arguments for Bolt's ack() or respond()."""
        return {
            "text": self.text,
            "blocks": self.blocks,
            "response_type": "in_channel" if self.public else "ephemeral",
        }
