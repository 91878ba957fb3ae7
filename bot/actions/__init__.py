"""Actions as members see them: which are open, overdue or done, who leads them, what changed last.

`queries` reads the lists, tallies and histories; `refs` finds actions by reference; `people`
finds who a request names; `format` says it all in words. The names other modules use are here.
"""

from bot.actions.format import (
    FIELD_LABELS,
    OPEN_STATUSES,
    RAG_LABELS,
    STATUS_LABELS,
    VIA_LABELS,
    Change,
    clip,
    describe_update,
    lead_label,
    lead_name,
    overdue_days,
    shorten,
    shown_value,
)
from bot.actions.people import leads_named, person_with_slack_id
from bot.actions.queries import (
    ActionRow,
    Counts,
    Scope,
    Undated,
    action_rows,
    counts,
    history,
    history_length,
    latest_updates,
    scope_total,
    undated,
)
from bot.actions.refs import (
    Ref,
    board_prefixes,
    boards_with_ref,
    example_ref,
    find_actions,
    highest_ref,
    last_refs,
    near_refs,
    parse_ref,
)

__all__ = [
    "FIELD_LABELS",
    "OPEN_STATUSES",
    "RAG_LABELS",
    "STATUS_LABELS",
    "VIA_LABELS",
    "ActionRow",
    "Change",
    "Counts",
    "Ref",
    "Scope",
    "Undated",
    "action_rows",
    "board_prefixes",
    "boards_with_ref",
    "clip",
    "counts",
    "describe_update",
    "example_ref",
    "find_actions",
    "highest_ref",
    "history",
    "history_length",
    "last_refs",
    "latest_updates",
    "lead_label",
    "lead_name",
    "leads_named",
    "near_refs",
    "overdue_days",
    "parse_ref",
    "person_with_slack_id",
    "scope_total",
    "shorten",
    "shown_value",
    "undated",
]
