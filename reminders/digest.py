"""One message per recipient per run: every reminder due to a person arrives together.

Each reminder renders its own blocks (bot/templates/reminder_<kind>.json.j2, through the one Jinja
environment of bot.render); a message is a heading, the reminders in order of urgency and, past
Slack's 50 blocks, one line each for the rest. People who chose a daily digest get at most one
message a day: what falls due after it waits for the next day's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from bot.blockkit import clip, slack_len
from bot.render import fallback_text, render_blocks, slack_escape
from reminders.escalations import escalation_blocks
from reminders.items import SNOOZE_END, Recipient, Reminder

MAX_BLOCKS = 50  # Slack's limit for one message
MAX_TEXT = 2900  # a section's text is at most 3000 characters
NOTIFICATION_ITEMS = 3  # reminders named in the notification text


@dataclass
class Message:
    recipient: Recipient
    reminders: list[Reminder]


def group(reminders: list[Reminder]) -> list[Message]:
    """One message per recipient, reminders in order: escalations, papers, actions, notices, digests."""
    by_recipient: dict[str, list[Reminder]] = defaultdict(list)
    recipients: dict[str, Recipient] = {}
    seen: set[tuple[str, str, str]] = set()
    for reminder in reminders:
        key = (reminder.kind, reminder.recipient.key, reminder.occasion)
        if key in seen:  # one ledger row, one mention
            continue
        seen.add(key)
        by_recipient[reminder.recipient.key].append(reminder)
        recipients[reminder.recipient.key] = reminder.recipient
    messages = []
    for recipient_key in sorted(by_recipient):
        ordered = sorted(by_recipient[recipient_key], key=lambda r: (r.order, r.stage.nominal, r.occasion))
        messages.append(Message(recipients[recipient_key], ordered))
    return messages


def start_of_day_utc(reminder: Reminder) -> datetime:
    """Midnight at the start of the reminder's day in its board's zone, in UTC."""
    return datetime.combine(reminder.day.today, time(0, 0), reminder.day.zone).astimezone(UTC)


def compose(message: Message) -> tuple[list[dict[str, Any]], str]:
    """The message's blocks and its notification text."""
    reminders = message.reminders
    head = render_blocks(
        "reminder_header.json.j2",
        count=len(reminders),
        channel=message.recipient.is_channel,
        name=message.recipient.name,
        away_note=message.recipient.away_note,
    )
    tail = render_blocks("reminder_footer.json.j2", channel=message.recipient.is_channel)
    blocks = list(head)
    rest: list[Reminder] = []
    unshown: list[Reminder] = []
    escalations = [r for r in reminders if r.kind == "action_escalation"]
    if escalations:  # one part, grouped by lead, however many
        part, unshown = escalation_blocks(escalations, MAX_BLOCKS - len(blocks) - len(tail) - 1)
        blocks += part
    for number, reminder in enumerate(reminders, start=1):
        if reminder.kind == "action_escalation":
            continue
        if rest:
            rest.append(reminder)
            continue
        part = render_blocks(
            reminder.template,
            reminder=reminder,
            block_id=f"r{number}",
            today=reminder.day.today,
            snoozed=reminder.stage.rank == SNOOZE_END,
            **reminder.context,
        )
        if len(blocks) + len(part) + len(tail) + 1 > MAX_BLOCKS:
            rest.append(reminder)
            continue
        blocks += part
    rest = unshown + rest
    if rest:
        blocks += render_blocks(
            "reminder_more.json.j2", lines=_cut([r.summary for r in rest]), count=len(rest)
        )
    blocks += tail
    text = notification(reminders, blocks)
    if message.recipient.away_note:  # a delegate sees at once whose reminders these are
        text = clip(slack_escape(f"For {message.recipient.away_note}: ") + text, MAX_TEXT)
    return blocks, text


def notification(reminders: list[Reminder], blocks: list[dict[str, Any]]) -> str:
    """What a notification shows: the reminder itself, or how many and the first few."""
    if len(reminders) == 1:
        return clip(slack_escape(reminders[0].summary), MAX_TEXT)
    named = "; ".join(r.summary for r in reminders[:NOTIFICATION_ITEMS])
    more = len(reminders) - NOTIFICATION_ITEMS
    text = slack_escape(f"{len(reminders)} reminders: {named}" + (f"; and {more} more" if more > 0 else ""))
    return text if slack_len(text) <= MAX_TEXT else fallback_text(blocks)  # measured after escaping


def _cut(lines: list[str]) -> list[str]:
    """As many lines as fit one section, then a count of the others."""
    kept, size = [], 0
    for number, line in enumerate(lines):
        if size + len(line) + 3 > MAX_TEXT - 40:
            kept.append(f"… and {len(lines) - number} more")
            break
        kept.append(line)
        size += len(line) + 3
    return kept
