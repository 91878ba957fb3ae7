"""Changing actions and papers on a person's word, and recording new actions.

Slack-free: the Slack layer passes a `Directory` that can look a Slack user up (e-mail, admin).
`who` says who is asking and whether they may; `history` claims each request once, applies its
changes with one history row each, and undoes them. Both are named here: `updates.claim`, ….
"""

from bot.updates.history import (
    UNDO_WINDOW,
    Applied,
    Undone,
    apply_changes,
    claim,
    mark_paper_submitted,
    next_ref,
    record_action,
    seen,
    thread_action_ids,
    thread_has_requests,
    undo_last,
)
from bot.updates.who import (
    Actor,
    Directory,
    NoDirectory,
    SlackProfile,
    board_permission,
    channel_board,
    editable_boards,
    editors,
    identify,
    paper_permission,
    permission,
    workspace_boards,
    workspace_id,
)

__all__ = [
    "UNDO_WINDOW",
    "Actor",
    "Applied",
    "Directory",
    "NoDirectory",
    "SlackProfile",
    "Undone",
    "apply_changes",
    "board_permission",
    "channel_board",
    "claim",
    "editable_boards",
    "editors",
    "identify",
    "mark_paper_submitted",
    "next_ref",
    "paper_permission",
    "permission",
    "record_action",
    "seen",
    "thread_action_ids",
    "thread_has_requests",
    "undo_last",
    "workspace_boards",
    "workspace_id",
]
