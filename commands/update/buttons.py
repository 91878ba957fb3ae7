"""Answering an action's buttons and forms, and a paper reminder's Submitted button.

The same rules and the same history as an update by message (commands.update); nothing here knows
Slack's payloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import actions as a
from bot import models as m
from bot import updates
from bot.render import render_blocks, reply
from bot.reply import Reply
from commands.update.reply import applied_reply, help_reply, not_understood, refusal
from commands.update_message import ParseProblem, Problem, example_date


@dataclass(frozen=True)
class ButtonRequest:
    """A press of an action's button (or a form about one action): the action, the values, who."""

    team_id: str
    user_id: str
    action_id: int  # the action's database id, from the button's value
    values: dict[str, Any]  # {"status": "done"}, {"due_on": date}, {"progress": "text"}
    key: str  # one per press (Slack's action_ts or view id): a press is applied once
    now: datetime  # UTC
    via: m.UpdateVia = m.UpdateVia.BUTTON
    channel_id: str | None = None
    message_ts: str | None = None  # the message the button was on
    person_key: str | None = None  # a person the console vouches for (never from Slack)


def past_due_date(session: Session, action_id: int, day: date, now: datetime) -> date | None:
    """The action's board's today when `day` is before it (a new due date can't be in the past)."""
    action = session.get(m.Action, action_id)
    if action is None:
        return None
    today = now.astimezone(ZoneInfo(action.board.timezone)).date()
    return today if day < today else None


def press(request: ButtonRequest, session: Session, slack: updates.Directory | None = None) -> Reply | None:
    """Apply a button or form: the same rules and the same history as a message."""
    slack = slack or updates.NoDirectory()
    workspace_id = updates.workspace_id(session, request.team_id)
    action = session.get(m.Action, request.action_id)
    if workspace_id is None or action is None or action.board.workspace_id != workspace_id:
        return help_reply("stale_button")
    if updates.seen(session, request.key):
        return None
    actor = updates.identify(session, workspace_id, request.user_id, slack, person_key=request.person_key)
    claimed = updates.claim(
        session,
        request.key,
        team_id=request.team_id,
        actor=actor,
        slack_user_id=request.user_id,
        via=request.via,
        now=request.now,
        channel=request.channel_id,
        ts=request.message_ts,
        thread_ts=request.message_ts,
    )
    assert claimed is not None
    due_on = request.values.get("due_on")
    if due_on is not None and (today := past_due_date(session, action.id, due_on, request.now)):
        problem = ParseProblem(
            Problem.PAST_DATE, f"{due_on.day} {due_on:%b %Y}", None, f"{action.ref} due {example_date(today)}"
        )
        return not_understood(problem)
    if updates.permission(session, actor, action) is None:
        claimed.outcome = m.UpdateOutcome.REFUSED.value
        return refusal(session, actor, [action])
    result = updates.apply_changes(session, claimed, actor, action.id, request.values, now=request.now)
    return applied_reply([result], request.now, via=str(request.via))


def form_view(session: Session, team_id: str, action_id: int, form: str, metadata: str) -> dict | None:
    """The modal for a new due date (`date`) or a progress note (`note`); None for a stale button."""
    action = session.get(m.Action, action_id)
    if action is None or action.board.workspace.team_id != team_id:
        return None
    template = {"date": "update_date_modal.json.j2", "note": "update_note_modal.json.j2"}[form]
    return render_blocks(  # type: ignore[return-value]  # a view is one JSON object
        template,
        action=action,
        description=a.shorten(action.description, 300),
        progress=a.shorten(action.progress, 600) if action.progress else "",
        metadata=metadata,
    )


def press_paper(
    team_id: str, user_id: str, item_id: int, session: Session, slack: updates.Directory | None = None
) -> Reply:
    """The Submitted button on a paper reminder: the author, the secretary, a chair or an admin."""
    item = session.get(m.AgendaItem, item_id)
    workspace_id = updates.workspace_id(session, team_id)
    if item is None or item.meeting.board.workspace_id != workspace_id:
        return help_reply("stale_button")
    board = item.meeting.board
    actor = updates.identify(session, board.workspace_id, user_id, slack or updates.NoDirectory())
    if updates.paper_permission(session, actor, item) is None:
        problem = "not_a_person" if actor.person is None else "paper_refused"
        return help_reply(
            problem, board=board, people=updates.editors(session, board)[:4], refs=[], item=item
        )
    item, before = updates.mark_paper_submitted(session, item.id, actor)
    return reply("update_paper.json.j2", item=item, board=board, before=before)
