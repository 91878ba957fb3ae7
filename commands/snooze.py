"""The Snooze buttons on a reminder: that reminder waits a day or a week; the due date never moves."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot import updates
from bot.render import reply
from bot.reply import Reply
from reminders.ledger import snooze_for


def press_snooze(
    team_id: str,
    user_id: str,
    action_id: int,
    days: int,
    now: datetime,
    session: Session,
    slack: updates.Directory | None = None,
) -> Reply:
    """Snooze the asker's reminders about one action; only a person in the data can be reminded later."""
    action = session.get(m.Action, action_id)
    workspace_id = session.scalar(select(m.Workspace.id).where(m.Workspace.team_id == team_id))
    if action is None or action.board.workspace_id != workspace_id:
        return reply("snooze.json.j2", action=None, board=None, until=None)
    board = action.board
    actor = updates.identify(session, workspace_id, user_id, slack or updates.NoDirectory())
    if actor.person is None:
        return reply("snooze.json.j2", action=action, board=board, until=None)
    today = now.astimezone(ZoneInfo(board.timezone)).date()
    snoozed = snooze_for(
        session,
        actor.person.id,
        "action",
        action.id,
        days=days,
        today=today,
        region=board.holiday_region,
        now=now,
    )
    return reply("snooze.json.j2", action=action, board=board, until=snoozed.until)
