"""The Snooze buttons on a reminder: that reminder waits a day or a week; the due date never moves."""

from __future__ import annotations

from datetime import date, datetime
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
    board, label, due = _subject(session, kind, subject_id)
    workspace_id = updates.workspace_id(session, team_id)
    if board is None or workspace_id is None or board.workspace_id != workspace_id:
        return reply("snooze.json.j2", subject=None, board=None, until=None)
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


def _subject(session: Session, kind: str, subject_id: int) -> tuple[m.Board | None, str, date | None]:
    """The board of the action or paper, how the reply names it, and its due date."""
    if kind == "action":
        action = session.get(m.Action, subject_id)
        return (action.board, action.ref, action.due_on) if action else (None, "", None)
    item = session.get(m.AgendaItem, subject_id)
    if item is None:
        return None, "", None
    return item.meeting.board, f"the paper for item {item.number}, {item.title}", item.paper_due_on
