"""The Snooze buttons on a reminder: that reminder waits a day or a week; the due date never moves."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import models as m
from bot import updates
from bot.render import reply
from bot.reply import Reply
from reminders.ledger import snooze_for


def press_snooze(
    team_id: str,
    user_id: str,
    subject: tuple[str, int],
    days: int,
    now: datetime,
    session: Session,
    slack: updates.Directory | None = None,
) -> Reply:
    """Snooze the asker's reminders about an action ("action", id) or a paper ("paper", agenda item id)."""
    kind, subject_id = subject
    found = session.get(m.Action if kind == "action" else m.AgendaItem, subject_id)
    board = (found.board if kind == "action" else found.meeting.board) if found is not None else None
    workspace_id = updates.workspace_id(session, team_id)
    if board is None or board.workspace_id != workspace_id:
        return reply("snooze.json.j2", subject=None, board=None, until=None)
    label = found.ref if kind == "action" else f"the paper for item {found.number}, {found.title}"
    due = found.due_on if kind == "action" else found.paper_due_on
    actor = updates.identify(session, workspace_id, user_id, slack or updates.NoDirectory())
    if actor.person is None:
        return reply("snooze.json.j2", subject=label, board=board, until=None, due=due)
    today = now.astimezone(ZoneInfo(board.timezone)).date()
    snoozed = snooze_for(
        session,
        actor.person.id,
        kind,
        subject_id,
        days=days,
        today=today,
        region=board.holiday_region,
        now=now,
    )
    return reply("snooze.json.j2", subject=label, board=board, until=snoozed.until, due=due)
