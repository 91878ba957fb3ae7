"""Recording a new action from Slack: `/boardbot action add` and the "Record as action" shortcut.

`open_form` checks that the asker may record actions on some board (the board secretary, a chair or
co-chair, or a workspace admin) and returns the form, prefilled with a message's text, or the reply
that says why not. `submit` checks the form again (the permission too: it may have changed since),
and either raises `Invalid` with one message per field (nothing is written) or records the action
with the board's next reference, status open and a first history row via "form".
Nothing here knows Slack's payloads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import actions as a
from bot import meetings, updates
from bot import models as m
from bot.render import plain, render_blocks, reply
from bot.reply import Reply
from bot.request import CommandRequest

MAX_DESCRIPTION = 3000
MAX_SHORT = 200


class Invalid(Exception):
    """The form has problems: block id → what to fix. Nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Submission:
    team_id: str
    user_id: str
    view_id: str
    values: dict[str, dict[str, Any]]  # block id → the element's state
    now: datetime  # UTC
    channel_id: str | None = None  # where to tell the sender, and the message it came from
    message_ts: str | None = None
    link: str | None = None  # the message's permalink, for the history row
    person_key: str | None = None  # a person the console vouches for (never from Slack)

    @property
    def key(self) -> str:
        return f"form:{self.team_id}:{self.view_id}"

    def text(self, block: str) -> str:
        return " ".join(((self.values.get(block) or {}).get("value") or "").split())

    def selected(self, block: str, name: str) -> str:
        state = self.values.get(block) or {}
        if name == "selected_option":
            return str((state.get("selected_option") or {}).get("value") or "")
        return str(state.get(name) or "")


def _help(problem: str, **context: Any) -> Reply:
    return reply("record_action_help.json.j2", problem=problem, **({"board": None, "people": []} | context))


def open_form(
    session: Session,
    team_id: str,
    user_id: str,
    slack: updates.Directory | None = None,
    *,
    text: str = "",
    channel_id: str | None = None,
    message_ts: str | None = None,
    person_key: str | None = None,
) -> dict | Reply:
    """The Record an action form, or the reply that says why this person may not record actions."""
    workspace_id = updates.workspace_id(session, team_id)
    if workspace_id is None or not session.scalar(
        select(m.Board.id).where(m.Board.workspace_id == workspace_id)
    ):
        return _help("no_boards")
    actor = updates.identify(
        session, workspace_id, user_id, slack or updates.NoDirectory(), person_key=person_key
    )
    boards = updates.editable_boards(session, actor, workspace_id)
    here = updates.channel_board(session, workspace_id, channel_id) if channel_id else None
    if not boards:
        near = _nearby_boards(session, workspace_id, actor, here)
        board = near[0] if len(near) == 1 else None
        secretaries = list({b.secretary.id: b.secretary for b in near if b.secretary}.values())
        if actor.person is None:
            return _help("not_a_person", board=board, people=secretaries[:4])
        people = updates.editors(session, board)[:4] if board else secretaries[:4]
        return _help("refused", board=board, people=people)
    initial = here if here in boards else (boards[0] if len(boards) == 1 else None)
    metadata = json.dumps({"c": channel_id, "t": message_ts})
    return render_blocks(  # type: ignore[return-value]  # a view is one JSON object
        "record_action_modal.json.j2",
        boards=boards,
        initial=initial,
        text=a.clip(plain(text or "").strip(), MAX_DESCRIPTION) if text else "",
        metadata=metadata,
    )


def _nearby_boards(
    session: Session, workspace_id: int, actor: updates.Actor, here: m.Board | None
) -> list[m.Board]:
    """The boards to name someone who may not record actions: this channel's, theirs, else the first."""
    if here is not None:
        return [here]
    if actor.person is not None:
        theirs = select(m.Membership.board_id).where(m.Membership.person_id == actor.person.id)
        led = select(m.Action.board_id).where(m.Action.lead_id == actor.person.id)
        mine = list(
            session.scalars(
                select(m.Board)
                .where(m.Board.workspace_id == workspace_id, m.Board.id.in_(theirs) | m.Board.id.in_(led))
                .order_by(m.Board.name)
                .limit(5)
            )
        )
        if mine:
            return mine
    return updates.workspace_boards(session, workspace_id, 5)


def command(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot action add`: a reply carrying the form as `extra["view"]` (or saying why not)."""
    found = open_form(
        session,
        request.team_id,
        request.user_id,
        slack,
        channel_id=request.channel_id,
        person_key=request.person_hint,
    )
    if isinstance(found, Reply):
        return found
    opening = reply("record_action_help.json.j2", problem="opening", board=None, people=[])
    opening.extra["view"] = found
    return opening


@dataclass
class _Checked:
    board: m.Board
    actor: updates.Actor
    values: dict[str, Any] = field(default_factory=dict)


def _board(session: Session, form: Submission, workspace_id: int) -> m.Board:
    chosen = form.selected("board", "selected_option")
    board = session.get(m.Board, int(chosen)) if chosen.isdigit() else None
    if board is None or board.workspace_id != workspace_id:
        raise Invalid({"board": "Choose the board the action belongs to."})
    return board


def _meeting(session: Session, board: m.Board, said: str, today: date) -> m.Meeting | None:
    if not said:
        return None
    word = said.lower()
    if word in ("next", "next meeting"):
        found = meetings.next_meeting(session, board, today)
    elif word in ("last", "last meeting", "previous"):
        found = meetings.last_meeting(session, board, today)
    else:
        try:
            day = dateparser.parse(
                said, dayfirst=True, default=datetime(today.year, today.month, today.day)
            ).date()
        except (ValueError, OverflowError):
            raise Invalid(  # noqa: B904  # the date's own error says nothing to the user
                {"meeting": "Write the meeting's date, e.g. 5 Oct 2023, or `next`; or leave it empty."}
            )
        found = meetings.meeting_on(session, board, day)
    if found is None:
        near = [mt.meets_on for mt in meetings.meetings_near(session, board, today, 3)]
        listed = ", ".join(f"{d.day} {d:%b %Y}" for d in near)
        hint = f" Its meetings near today: {listed}." if listed else ""
        raise Invalid({"meeting": f"{board.name} has no meeting on “{said}”.{hint} Or leave it empty."})
    return found


def _lead(session: Session, form: Submission, board: m.Board, slack: updates.Directory) -> dict[str, Any]:
    user = form.selected("lead_user", "selected_user")
    written = form.text("lead_text")
    if user:
        person = updates.identify(session, board.workspace_id, user, slack).person
        if person is None:
            raise Invalid(
                {
                    "lead_user": "That person isn't in the board's data yet: write their name under “Or a lead not in Slack”."
                }
            )
        return {"lead_id": person.id, "lead_text": written[:MAX_SHORT] or None}
    if not written:
        raise Invalid({"lead_user": "Choose who leads the action, or write a lead below."})
    named = a.leads_named(session, board, written)
    return {"lead_id": named[0].id if len(named) == 1 else None, "lead_text": written[:MAX_SHORT]}


def _check(session: Session, form: Submission, slack: updates.Directory) -> _Checked:
    workspace_id = updates.workspace_id(session, form.team_id)
    if workspace_id is None:
        raise Invalid({"board": "There are no boards in this workspace."})
    board = _board(session, form, workspace_id)
    actor = updates.identify(session, workspace_id, form.user_id, slack, person_key=form.person_key)
    if updates.board_permission(session, actor, board) is None:
        ask = ", ".join(p.name for p in updates.editors(session, board)[:3])
        raise Invalid(
            {
                "board": f"Only the secretary, a chair or an admin may record actions of {board.name}."
                + (f" You could ask {ask}." if ask else "")
            }
        )
    errors: dict[str, str] = {}
    checked = _Checked(board, actor)
    today = form.now.astimezone(ZoneInfo(board.timezone)).date()
    description = ((form.values.get("description") or {}).get("value") or "").strip()
    if not description:
        errors["description"] = "Say what is to be done."
    checked.values["description"] = description[:MAX_DESCRIPTION]
    try:
        meeting = _meeting(session, board, form.text("meeting"), today)
        checked.values["meeting_id"] = meeting.id if meeting else None
    except Invalid as problem:
        errors |= problem.errors
    try:
        checked.values |= _lead(session, form, board, slack)
    except Invalid as problem:
        errors |= problem.errors
    due = form.selected("due_on", "selected_date")
    if due:
        try:
            day = date.fromisoformat(due)
        except ValueError:
            day = None
            errors["due_on"] = "Choose a date."
        if day is not None and day < today:
            errors["due_on"] = f"That date has passed: choose {today.day} {today:%b %Y} or later."
        checked.values["due_on"] = day
    checked.values["timescale"] = form.text("timescale")[:MAX_SHORT] or None
    if errors:
        raise Invalid(errors)
    return checked


def submit(session: Session, form: Submission, slack: updates.Directory | None = None) -> Reply | None:
    """Record the action; None when this form was recorded before (a double delivery).

    Raises `Invalid` (before anything is written) when the form needs changes.
    """
    slack = slack or updates.NoDirectory()
    if updates.seen(session, form.key):
        return None
    checked = _check(session, form, slack)
    claimed = updates.claim(
        session,
        form.key,
        team_id=form.team_id,
        actor=checked.actor,
        slack_user_id=form.user_id,
        via=m.UpdateVia.FORM,
        now=form.now,
        channel=form.channel_id,
        ts=form.message_ts,
        thread_ts=form.message_ts,
    )
    assert claimed is not None
    action = m.Action(
        board_id=checked.board.id,
        ref=updates.next_ref(session, checked.board),
        status=m.ActionStatus.OPEN.value,
        **checked.values,
    )
    updates.record_action(session, claimed, checked.actor, action, now=form.now, link=form.link)
    session.refresh(action)
    return reply(
        "record_action_done.json.j2",
        action=action,
        board=checked.board,
        lead=a.lead_name(action),
        description=a.shorten(action.description, 600),
    )
