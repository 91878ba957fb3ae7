"""The secretary's forms after a meeting: record a decision (`/boardbot decision add`) and set the
minutes' status (`/boardbot minutes [board] [meeting] circulated|approved`).

Only the board's secretary and its chairs and co-chairs in office may (not workspace admins: the
minutes are the board's record). Each command answers with the form as `extra["view"]`, prefilled
from its words, or with the reply saying why not; `submit_decision` and `submit_minutes` check the
form again and raise `record.Invalid` (nothing written) or record it, noting Slack as the fields'
source so a reload of the board's file keeps it (bot/boarddata/merge.py). Nothing here knows Slack.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import meetings, updates
from bot import models as m
from bot.boarddata.provenance import note_slack
from bot.boards import resolve_board
from bot.render import render_blocks, reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.agenda import DateNotUnderstood, meeting_on_day_of_year, parse_day
from commands.record import Invalid, Submission

MAX_TEXT = 3000
STATUSES = tuple(s.value for s in m.MinutesStatus)
SELECTORS = ("last", "previous", "next")


def permission(session: Session, actor: updates.Actor, board: m.Board) -> str | None:
    """Why the actor may record the board's decisions and minutes ("secretary", "chair", "co-chair")."""
    why = updates.board_permission(session, actor, board)
    return None if why == "admin" else why


def _boards(session: Session, actor: updates.Actor, workspace_id: int) -> list[m.Board]:
    found = updates.editable_boards(session, actor, workspace_id)
    return [board for board in found if permission(session, actor, board)]


def _help(problem: str, **context: Any) -> Reply:
    defaults: dict[str, Any] = {"board": None, "people": [], "form": "decision", "asked": ""}
    return reply("minutes_help.json.j2", problem=problem, **(defaults | context))


def _refusal(session: Session, actor: updates.Actor, board: m.Board | None, form: str) -> Reply:
    people = updates.editors(session, board)[:4] if board else []
    problem = "not_a_person" if actor.person is None else "refused"
    return _help(problem, board=board, people=people, form=form)


def _opened(view: dict, form: str) -> Reply:
    opening = _help("opening", form=form)
    opening.extra["view"] = view
    return opening


def _start(
    session: Session, request: CommandRequest, slack: updates.Directory | None, words: list[str], form: str
) -> tuple[updates.Actor, list[m.Board], m.Board | None, list[str]] | Reply:
    """Who asks, the boards they may record on, the board their words or channel name, the rest."""
    workspace_id = updates.workspace_id(session, request.team_id)
    if workspace_id is None:
        return _help("no_boards", form=form)
    actor = updates.identify(
        session, workspace_id, request.user_id, slack or updates.NoDirectory(), person_key=request.person_hint
    )
    choice = resolve_board(session, request, words, not_a_board=_is_own_word, loose=True)
    boards = _boards(session, actor, workspace_id)
    if not boards or (choice.board is not None and choice.board not in boards):
        return _refusal(session, actor, choice.board, form)
    board = choice.board or (boards[0] if len(boards) == 1 else None)
    return actor, boards, board, choice.rest


def _is_own_word(word: str) -> bool:
    lowered = word.lower()
    return lowered in STATUSES or lowered in SELECTORS or lowered in ("add", "new") or word[:1].isdigit()


def decision_command(
    request: CommandRequest, session: Session, slack: updates.Directory | None = None
) -> Reply:
    """`/boardbot decision add [board] [meeting]`: the Record a decision form."""
    started = _start(session, request, slack, request.words[2:], "decision")
    if isinstance(started, Reply):
        return started
    _, boards, board, rest = started
    view = render_blocks(
        "decision_modal.json.j2",
        boards=boards,
        initial=board,
        meeting=" ".join(rest) or "last",
        metadata=json.dumps({"c": request.channel_id}),
    )
    return _opened(view, "decision")  # type: ignore[arg-type]  # a view is one JSON object


def minutes_command(
    request: CommandRequest, session: Session, slack: updates.Directory | None = None
) -> Reply:
    """`/boardbot minutes [board] [meeting] [draft|circulated|approved]`: the Minutes form."""
    started = _start(session, request, slack, request.words[1:], "minutes")
    if isinstance(started, Reply):
        return started
    _, boards, board, rest = started
    status = next((w.lower() for w in rest if w.lower() in STATUSES), "circulated")
    said = " ".join(w for w in rest if w.lower() not in STATUSES)
    view = render_blocks(
        "minutes_modal.json.j2",
        boards=boards,
        initial=board,
        meeting=said or "last",
        status=status,
        statuses=STATUSES,
        metadata=json.dumps({"c": request.channel_id}),
    )
    return _opened(view, "minutes")  # type: ignore[arg-type]  # a view is one JSON object


# --- Submissions -----------------------------------------------------------------------------------


def _checked_board(
    session: Session, form: Submission, slack: updates.Directory
) -> tuple[m.Board, updates.Actor]:
    workspace_id = updates.workspace_id(session, form.team_id)
    chosen = form.selected("board", "selected_option")
    board = session.get(m.Board, int(chosen)) if chosen.isdigit() else None
    if workspace_id is None or board is None or board.workspace_id != workspace_id:
        raise Invalid({"board": "Choose the board."})
    actor = updates.identify(session, workspace_id, form.user_id, slack, person_key=form.person_key)
    if permission(session, actor, board) is None:
        ask = ", ".join(p.name for p in updates.editors(session, board)[:3])
        raise Invalid(
            {
                "board": f"Only the secretary or a chair of {board.name} may record its decisions and minutes."
                + (f" You could ask {ask}." if ask else "")
            }
        )
    return board, actor


def find_meeting(
    session: Session, board: m.Board, said: str, today: date, block: str = "meeting"
) -> m.Meeting:
    """The meeting a form names: `last`, `next`, or its date (day first); Invalid says which exist."""
    word = said.strip().lower()
    found = None
    if word in ("", "last", "previous"):
        found = meetings.last_meeting(session, board, today)
    elif word == "next":
        found = meetings.next_meeting(session, board, today)
    else:
        try:
            day, yearless = parse_day(said, today)
        except DateNotUnderstood:
            raise Invalid(
                {block: "Write the meeting's date, e.g. 8 Jun 2023, or `last` or `next`."}
            ) from None
        if day is not None:
            found = meetings.meeting_on(session, board, day)
        else:
            assert yearless is not None  # parse_day gives a day or a month and day
            found = meeting_on_day_of_year(session, board, *yearless, today)
    if found is None:
        near = ", ".join(
            mt.meets_on.strftime("%-d %b %Y") for mt in meetings.meetings_near(session, board, today, 3)
        )
        raise Invalid(
            {
                block: f"{board.name} has no meeting on “{said}”."
                + (f" Its meetings near today: {near}." if near else "")
            }
        )
    return found


def _today(board: m.Board, form: Submission) -> date:
    return form.now.astimezone(ZoneInfo(board.timezone)).date()


def _claimed(session: Session, form: Submission, actor: updates.Actor) -> bool:
    """Claim the form's key: False when this form was recorded before (a double delivery)."""
    claimed = updates.claim(
        session,
        form.key,
        team_id=form.team_id,
        actor=actor,
        slack_user_id=form.user_id,
        via=m.UpdateVia.FORM,
        now=form.now,
        outcome=m.UpdateOutcome.APPLIED,
    )
    return claimed is not None


def _by(actor: updates.Actor) -> str:
    return f"{actor.person.name if actor.person else actor.by_text} (form)"


def submit_decision(
    session: Session, form: Submission, slack: updates.Directory | None = None
) -> Reply | None:
    """Record the decision as its item's next resolution; None when this form was recorded before."""
    if updates.seen(session, form.key):
        return None
    board, actor = _checked_board(session, form, slack or updates.NoDirectory())
    errors: dict[str, str] = {}
    meeting = item = None
    try:
        meeting = find_meeting(session, board, form.text("meeting"), _today(board, form))
    except Invalid as problem:
        errors |= problem.errors
    number = form.text("item").lower().removeprefix("item").strip().rstrip(".")
    if meeting is not None:
        items = list(session.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)))
        item = next((i for i in items if i.number.lower().rstrip(".") == number), None)
        if item is None:
            listed = ", ".join(i.number for i in sorted(items, key=lambda i: (i.position, i.number)))
            errors["item"] = f"The meeting of {meeting.meets_on:%-d %b %Y} has no item “{number}”." + (
                f" Its items: {listed}." if listed else " It has no agenda items recorded."
            )
    text = ((form.values.get("text") or {}).get("value") or "").strip()
    if not text:
        errors["text"] = "Write the resolution as minuted, e.g. “That the report be noted.”"
    if errors:
        raise Invalid(errors)
    assert meeting is not None and item is not None
    if not _claimed(session, form, actor):
        return None
    seq = session.scalar(select(func.max(m.Decision.seq)).where(m.Decision.agenda_item_id == item.id)) or 0
    decision = m.Decision(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        seq=seq + 1,
        text=text[:MAX_TEXT],
        recorded_at=form.now,
        recorded_by_id=actor.person.id if actor.person else None,
    )
    session.add(decision)
    session.flush()
    note_slack(session, board.workspace_id, "decisions", decision.id, ["text"], by=_by(actor), at=form.now)
    session.refresh(decision)
    return reply(
        "minutes_done.json.j2",
        form="decision",
        board=board,
        meeting=meeting,
        item=item,
        decision=decision,
        minutes=None,
        count=0,
    )


def submit_minutes(
    session: Session, form: Submission, slack: updates.Directory | None = None
) -> Reply | None:
    """Set the minutes' status (and day, approving meeting, link); None when recorded before."""
    if updates.seen(session, form.key):
        return None
    board, actor = _checked_board(session, form, slack or updates.NoDirectory())
    today = _today(board, form)
    errors: dict[str, str] = {}
    meeting = approval = None
    try:
        meeting = find_meeting(session, board, form.text("meeting"), today)
    except Invalid as problem:
        errors |= problem.errors
    status = form.selected("status", "selected_option") or m.MinutesStatus.CIRCULATED.value
    if status not in STATUSES:
        errors["status"] = "Choose draft, circulated or approved."
    said = form.text("approval_meeting")
    if meeting is not None and (said or status == m.MinutesStatus.APPROVED):
        try:
            approval = find_meeting(session, board, said or "last", today, "approval_meeting")
        except Invalid as problem:
            errors |= problem.errors
        if approval is not None and approval.meets_on <= meeting.meets_on:
            errors["approval_meeting"] = (
                f"Minutes are approved at a later meeting than the one they record ({meeting.meets_on:%-d %b %Y})."
            )
        elif approval is not None and status == m.MinutesStatus.APPROVED and approval.meets_on > today:
            errors["approval_meeting"] = (
                f"The meeting of {approval.meets_on:%-d %b %Y} has not met yet: they are not approved."
            )
    circulated = form.selected("circulated_on", "selected_date")
    circulated_on = date.fromisoformat(circulated) if circulated else None
    if circulated_on is not None and circulated_on > today:
        errors["circulated_on"] = "That day has not come yet."
    if circulated_on is None and status == m.MinutesStatus.CIRCULATED:
        circulated_on = today  # the form's hint: left empty, circulated today
    url = form.text("url")
    if url and not url.startswith(("https://", "http://")):
        errors["url"] = "Give the link as https://…"
    if errors:
        raise Invalid(errors)
    assert meeting is not None
    if not _claimed(session, form, actor):
        return None
    minutes = session.scalar(select(m.Minutes).where(m.Minutes.meeting_id == meeting.id))
    if minutes is None:
        minutes = m.Minutes(meeting_id=meeting.id)
        session.add(minutes)
    values = {
        "status": status,
        "circulated_on": circulated_on or minutes.circulated_on,
        "approval_meeting_id": approval.id if approval else minutes.approval_meeting_id,
        "url": url or minutes.url,
    }
    changed = [name for name, value in values.items() if getattr(minutes, name) != value]
    for name, value in values.items():
        setattr(minutes, name, value)
    minutes.updated_at = form.now
    session.flush()
    fields = [name.removesuffix("_id") for name in changed]
    note_slack(session, board.workspace_id, "minutes", minutes.id, fields, by=_by(actor), at=form.now)
    session.refresh(minutes)
    count = session.scalar(select(func.count(m.Decision.id)).where(m.Decision.meeting_id == meeting.id)) or 0
    return reply(
        "minutes_done.json.j2",
        form="minutes",
        board=board,
        meeting=meeting,
        item=None,
        decision=None,
        minutes=minutes,
        count=count,
    )
