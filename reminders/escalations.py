"""Escalations in one message: each recipient's overdue actions, grouped by lead, in few blocks.

A ledger row is kept per action and rung (so each is sent once), but a secretary told about 25
actions gets one heading per board and rung, one section per lead, and, past Slack's 50 blocks,
"and N more" with a line each.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bot.actions.format import shorten
from bot.blockkit import slack_len
from bot.render import render_blocks
from reminders.items import Reminder

LINE_LIMIT = 2900  # a section's text is at most 3000 characters


def ref_key(ref: str) -> tuple[str, int, str]:
    """Reading order of a reference: CS-2 before CS-10."""
    prefix, _, digits = ref.rpartition("-")
    return (prefix, int(digits), ref) if digits.isdigit() else (ref, 0, ref)


def lateness_order(reminder: Reminder) -> tuple:
    """Most overdue first, then the earlier due date, then the reference in reading order."""
    context = reminder.context
    return (-context.get("overdue_days", 0), context["action"].deadline, ref_key(context["action"].ref))


def _line(reminder: Reminder) -> str:
    context = reminder.context
    action = context["action"]
    return (
        f"• *{action.ref}* {context['overdue_days']} days overdue ({context['due_text']}): "
        f"{shorten(action.description, 110)}"
    )


def escalation_blocks(reminders: list[Reminder], budget: int) -> tuple[list[dict[str, Any]], list[Reminder]]:
    """The escalations' blocks within `budget` blocks, and the reminders that did not fit."""
    groups: dict[tuple, list[Reminder]] = defaultdict(list)
    for reminder in sorted(reminders, key=lateness_order):
        context = reminder.context
        groups[(context["board"].id, context["to"] != "chair", reminder.for_person or "")].append(reminder)
    blocks: list[dict[str, Any]] = []
    left: list[Reminder] = []
    for number, ((_, _, for_person), members) in enumerate(sorted(groups.items()), start=1):
        if left or budget - len(blocks) < 3:  # a heading, one lead, the context line
            left += members
            continue
        room = budget - len(blocks) - 2
        by_lead: dict[str, list[Reminder]] = defaultdict(list)
        for reminder in members:
            by_lead[reminder.context["lead"]].append(reminder)
        leads: list[dict[str, Any]] = []
        for name, lead_members in by_lead.items():  # leads in order of their most overdue action
            if len(leads) == room:
                left += lead_members
                continue
            lines: list[str] = []
            size = slack_len(name) + 10
            for reminder in lead_members:
                line = _line(reminder)
                if size + slack_len(line) + 1 > LINE_LIMIT:
                    left.append(reminder)
                    continue
                lines.append(line)
                size += slack_len(line) + 1
            leads.append({"name": name, "lines": lines})
        first = members[0].context
        group = {
            "board": first["board"],
            "to": first["to"],
            "for_person": for_person or None,
            "count": len(members),
            "leads": leads,
        }
        blocks += render_blocks("reminder_action_escalations.json.j2", groups=[group], block_id=f"e{number}")
    return blocks, left
