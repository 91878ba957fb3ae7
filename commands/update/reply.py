"""The replies to an action update, by message, button or form: what changed, or why nothing did."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import actions as a
from bot import models as m
from bot import updates
from bot.render import reply
from bot.reply import Reply
from commands.update_message import ParseProblem

UNDO_MINUTES = int(updates.UNDO_WINDOW.total_seconds() // 60)
COMPACT_AFTER = 5  # actions shown in full, with their buttons (3 blocks each); more get a line each


def help_reply(problem: str, **context: Any) -> Reply:
    """Why nothing changed (a `problem` of update_help.json.j2), and what would work."""
    defaults: dict[str, Any] = {
        "asked": "",
        "example": "A-12 done",
        "ref": "",
        "board": None,
        "people": [],
        "refs": [],
        "kind": "",
    }
    return reply("update_help.json.j2", problem=problem, **(defaults | context))


def not_understood(problem: ParseProblem) -> Reply:
    return help_reply(
        "parse",
        kind=str(problem.kind),
        asked=problem.asked[:300],
        example=problem.example,
        ref=problem.ref.text if problem.ref else "",
    )


def secretaries(boards: list[m.Board]) -> list[m.Person]:
    return [b.secretary for b in boards if b.secretary]


def refusal(session: Session, actor: updates.Actor, denied: list[m.Action]) -> Reply:
    """Nothing changed: who may change these actions, or, for someone not in the data, who can add them."""
    board = denied[0].board
    if actor.person is None:
        problem, people = "not_a_person", secretaries([board]) or updates.editors(session, board)[:4]
    else:
        problem, people = "refused", updates.editors(session, board)[:4]
    return help_reply(
        problem, refs=[act.ref for act in denied], board=board, people=people, lead=a.lead_name(denied[0])
    )


def applied_reply(
    results: list[updates.Applied],
    now: datetime,
    *,
    via: str,
    kept: list[tuple[str, str]] | None = None,
    moved: list[dict[str, Any]] | None = None,
    private: bool = True,
) -> Reply:
    """What changed, action by action, and each action's state now; beyond COMPACT_AFTER actions
    one line each, so an update of MAX_ACTIONS actions (or its undo) fits in one Slack message.
    `moved`: relative due dates that fell on a non-working day, and where they were moved.
    Not `private` (a channel's thread): the progress of a Part 2 action is not shown."""
    compact = len(results) > COMPACT_AFTER
    old_limit, new_limit = (40, 100) if compact else (80, 300)
    rows = []
    for result in results:
        action = result.action
        today = now.astimezone(ZoneInfo(action.board.timezone)).date()
        hidden = not private and a.is_restricted(action)
        rows.append(
            {
                "action": action,
                "changes": [
                    (
                        a.FIELD_LABELS.get(r.field, r.field),
                        a.shown_value(r.field, r.old, old_limit),
                        a.shown_value(r.field, r.new, new_limit),
                    )
                    if not (hidden and r.field == "progress")
                    else (a.FIELD_LABELS["progress"], a.PART_2_HIDDEN, "changed")
                    for r in result.rows
                ],
                "lead": a.lead_name(action),
                "overdue_days": a.overdue_days(action, today),
            }
        )
    return reply(
        "update_done.json.j2",
        rows=rows,
        changed=any(result.rows for result in results),
        via=via,
        kept=kept or [],
        moved=moved or [],
        compact=compact,
        undo_minutes=UNDO_MINUTES,
        status_labels=a.STATUS_LABELS,
        rag_labels=a.RAG_LABELS,
    )
