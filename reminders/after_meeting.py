"""After a meeting: its decisions told to the board channel once, new actions to their leads, and the
secretary reminded to circulate the draft minutes and to put them on the next agenda.

- When a meeting's decisions, minutes or actions are recorded (in Slack or by a load), the board
  channel gets one notice on the working day after the last of them: the decisions in brief (those
  on restricted items only counted), the minutes' status and link. Each open action of the meeting
  with a lead gets its lead one DM with the update buttons. Both only for a meeting held within
  RECENT_DAYS of that recording: loading a board's history (the demo's 2019-2023 minutes) into a
  real workspace tells nobody about meetings long past.
- The secretary is reminded on the board's Nth working day after a confirmed meeting (boards'
  `minutes_due_working_days`, default 10) when its minutes are not recorded as circulated, and on
  the next meeting's paper deadline when those minutes are neither approved nor on its agenda.
Also `brief_lines`, the chair's brief's lines on the decisions and minutes to be approved.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.render import short_date, slack_escape
from bot.workdays import is_working_day, paper_deadline
from reminders import ledger
from reminders.items import People, Reminder, Stage, channel_recipient, person_recipient
from reminders.ledger import LEASE
from reminders.timing import BoardDay

RECENT_DAYS = 30  # a meeting's record is news only this long after it met
MINUTES_ITEM_WORDS = ("minutes",)  # an agenda item that takes the previous minutes for approval
LISTED = 10  # decisions listed in the channel notice; the rest are counted
OPEN_STATUSES = (m.ActionStatus.OPEN.value, m.ActionStatus.IN_PROGRESS.value, m.ActionStatus.BLOCKED.value)


def working_days_after(day: date, count: int, region: str) -> date:
    """The working day `count` working days after `day` (the day itself not counted)."""
    current = day
    while count > 0:
        current += timedelta(days=1)
        count -= is_working_day(current, region)
    return current


def _local_day(at: datetime, day: BoardDay) -> date:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(day.zone).date()


def _actions_recorded(session: Session, ids: list[int]) -> dict[int, datetime]:
    """The first time each action was recorded, in Slack or by a load."""
    found: dict[int, datetime] = {}
    history = select(m.ActionUpdate.action_id, m.ActionUpdate.at).where(
        m.ActionUpdate.action_id.in_(ids), m.ActionUpdate.seq == 1
    )
    loaded = select(m.FieldProvenance.record_id, m.FieldProvenance.at).where(
        m.FieldProvenance.kind == "actions",
        m.FieldProvenance.field == "ref",
        m.FieldProvenance.record_id.in_(ids),
    )
    for stmt in (history, loaded):
        for action_id, at in session.execute(stmt):
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            found[action_id] = min(found.get(action_id, at), at)
    return found


def _recorded(session: Session, days: dict[int, BoardDay]) -> dict[int, datetime]:
    """Meetings whose decisions, minutes or actions were recorded lately (in Slack or by a load):
    the last time. An action's recording is its first history row, or the load that set its `ref`."""
    since = datetime.combine(min(d.first_nominal for d in days.values()) - timedelta(days=2), time(), UTC)
    A, P, U = m.Action, m.FieldProvenance, m.ActionUpdate
    theirs = select(m.Meeting.id).where(m.Meeting.board_id.in_(list(days)))  # the run's boards only
    queries = (
        select(m.Decision.meeting_id, m.Decision.recorded_at).where(
            m.Decision.recorded_at >= since, m.Decision.meeting_id.in_(theirs)
        ),
        select(m.Minutes.meeting_id, m.Minutes.updated_at).where(
            m.Minutes.updated_at >= since, m.Minutes.meeting_id.in_(theirs)
        ),
        select(A.meeting_id, U.at)
        .join(A, A.id == U.action_id)
        .where(U.seq == 1, U.at >= since, A.board_id.in_(list(days))),
        select(A.meeting_id, P.at)
        .join(A, A.id == P.record_id)
        .where(P.kind == "actions", P.field == "ref", P.at >= since, A.board_id.in_(list(days))),
    )
    found: dict[int, datetime] = {}
    for stmt in queries:
        for meeting_id, at in session.execute(stmt):
            if meeting_id is not None:
                at = at if at.tzinfo else at.replace(tzinfo=UTC)
                found[meeting_id] = max(found.get(meeting_id, at), at)
    return found


def after_meeting_reminders(
    session: Session, days: dict[int, BoardDay], people: People, now: datetime, lease: timedelta = LEASE
) -> list[Reminder]:
    """Everything after a meeting that is due today and was never sent (each once, however late: the
    ledger is asked for these keys whenever their rows were written)."""
    found = [*_meeting_records(session, days), *_minutes_reminders(session, days, people)]
    done = ledger.settled_among(session, [r.key for r in found], now, lease) if found else set()
    return [r for r in found if r.key not in done]


def _meeting_records(session: Session, days: dict[int, BoardDay]) -> list[Reminder]:
    """The channel notice and new-action DMs of each meeting recorded lately, on the day after."""
    recorded = _recorded(session, days)
    if not recorded:
        return []
    due: dict[int, tuple[m.Meeting, BoardDay, Stage]] = {}
    for meeting in session.scalars(select(m.Meeting).where(m.Meeting.id.in_(recorded))):
        day = days.get(meeting.board_id)
        if day is None:
            continue
        last = _local_day(recorded[meeting.id], day)
        stage = Stage(last + timedelta(days=1), "after")
        recent = meeting.meets_on <= last <= meeting.meets_on + timedelta(days=RECENT_DAYS)
        if recent and day.eligible(stage.nominal):
            due[meeting.id] = (meeting, day, stage)
    if not due:
        return []
    decisions: dict[int, list[m.Decision]] = defaultdict(list)
    for decision in session.scalars(
        select(m.Decision)
        .where(m.Decision.meeting_id.in_(due))
        .options(joinedload(m.Decision.agenda_item))
        .join(m.AgendaItem, m.Decision.agenda_item_id == m.AgendaItem.id)
        .order_by(m.AgendaItem.position, m.AgendaItem.number, m.Decision.seq)
    ):
        decisions[decision.meeting_id].append(decision)
    minutes = {
        row.meeting_id: row
        for row in session.scalars(
            select(m.Minutes)
            .where(m.Minutes.meeting_id.in_(due))
            .options(joinedload(m.Minutes.approval_meeting))
        )
    }
    actions: dict[int, list[m.Action]] = defaultdict(list)
    candidates = list(
        session.scalars(
            select(m.Action)
            .where(
                m.Action.meeting_id.in_(due),
                m.Action.lead_id.is_not(None),
                m.Action.status.in_(OPEN_STATUSES),
            )
            .options(joinedload(m.Action.lead), joinedload(m.Action.agenda_item))
            .order_by(m.Action.id)
        )
    )
    first = _actions_recorded(session, [a.id for a in candidates])
    for action in candidates:  # new: recorded once its meeting had met, not before
        assert action.meeting_id is not None  # asked for by meeting
        meeting, day, _ = due[action.meeting_id]
        if action.id in first and _local_day(first[action.id], day) >= meeting.meets_on:
            actions[action.meeting_id].append(action)
    reminders = []
    for meeting_id, (meeting, day, stage) in due.items():
        reminders.extend(
            _meeting_notice(
                meeting, day, stage, decisions[meeting_id], minutes.get(meeting_id), actions[meeting_id]
            )
        )
        reminders.extend(_new_action(action, meeting, day, stage) for action in actions[meeting_id])
    return reminders


def _meeting_notice(
    meeting: m.Meeting,
    day: BoardDay,
    stage: Stage,
    decisions: list[m.Decision],
    minutes: m.Minutes | None,
    actions: list[m.Action],
) -> list[Reminder]:
    """The board channel's one notice of a meeting's record; restricted items' decisions only counted."""
    if not decisions and minutes is None:
        return []
    public = [d for d in decisions if not d.agenda_item.restricted]
    board = day.board
    summary = f"{board.name} meeting of {short_date(meeting.meets_on)}: {len(decisions)} decision(s) recorded"
    if minutes is not None:
        summary += f"; minutes {minutes.status}"
    context = {
        "board": board,
        "meeting": meeting,
        "decisions": public[:LISTED],
        "more": max(len(public) - LISTED, 0),
        "hidden": len(decisions) - len(public),
        "minutes": minutes,
        "actions": len(actions),
    }
    return [
        Reminder(
            kind="after_meeting",
            recipient=channel_recipient(board),
            occasion=f"after_meeting:{meeting.id}",
            day=day,
            stage=stage,
            describe=lambda: summary,
            build=lambda: context,
            order=60,
        )
    ]


def _new_action(action: m.Action, meeting: m.Meeting, day: BoardDay, stage: Stage) -> Reminder:
    assert action.lead is not None  # only actions with a lead are asked for
    summary = f"New action {action.ref} ({day.board.name}, meeting of {short_date(meeting.meets_on)}): {action.description[:80]}"
    context = {"board": day.board, "meeting": meeting, "action": action}
    return Reminder(
        kind="new_action",
        recipient=person_recipient(action.lead),
        occasion=f"new_action:{action.id}",
        day=day,
        stage=stage,
        describe=lambda: summary,
        build=lambda: context,
        subject=("action", action.id),
        order=45,
    )


def _minutes_reminders(session: Session, days: dict[int, BoardDay], people: People) -> list[Reminder]:
    """The secretary's reminders: circulate the draft minutes; put them on the next agenda."""
    low = min(d.first_nominal for d in days.values()) - timedelta(days=100)  # 60 working days and more
    high = max(d.today for d in days.values()) + timedelta(days=120)  # the next meeting's deadline
    by_board: dict[int, list[m.Meeting]] = defaultdict(list)
    for meeting in session.scalars(
        select(m.Meeting)
        .where(
            m.Meeting.board_id.in_(days),
            m.Meeting.meets_on >= low,
            m.Meeting.meets_on <= high,
            m.Meeting.status != m.MeetingStatus.CANCELLED,
        )
        .order_by(m.Meeting.meets_on)
    ):
        by_board[meeting.board_id].append(meeting)
    ids = [mt.id for found in by_board.values() for mt in found]
    minutes = {
        row.meeting_id: row for row in session.scalars(select(m.Minutes).where(m.Minutes.meeting_id.in_(ids)))
    }
    reminders = []
    for board_id, found in by_board.items():
        day = days[board_id]
        for meeting in found:
            if meeting.meets_on >= day.today or meeting.status != m.MeetingStatus.CONFIRMED:
                continue
            record = minutes.get(meeting.id)
            due = working_days_after(meeting.meets_on, day.board.minutes_due_rule, day.region)
            if (record is None or record.status == m.MinutesStatus.DRAFT) and day.eligible(due):
                reminders.append(
                    _secretary(day, people, "minutes_due", meeting, None, Stage(due, "due"), record)
                )
        reminders.extend(_agenda_reminder(session, day, people, found, minutes))
    return reminders


def _agenda_reminder(
    session: Session, day: BoardDay, people: People, found: list[m.Meeting], minutes: dict[int, m.Minutes]
) -> list[Reminder]:
    """On the next meeting's paper deadline: the last minutes not approved nor on its agenda."""
    coming = next((mt for mt in found if mt.meets_on > day.today), None)
    held = [mt for mt in found if mt.meets_on <= day.today and mt.status == m.MeetingStatus.CONFIRMED]
    if coming is None or not held:
        return []
    deadline = paper_deadline(coming.meets_on, day.board.paper_deadline_rule, day.region)
    record = minutes.get(held[-1].id)
    if not day.eligible(deadline) or (
        record is not None and (record.approved or record.approval_meeting_id == coming.id)
    ):
        return []
    titles = session.scalars(select(m.AgendaItem.title).where(m.AgendaItem.meeting_id == coming.id))
    if any(word in title.lower() for title in titles for word in MINUTES_ITEM_WORDS):
        return []
    return [_secretary(day, people, "minutes_agenda", held[-1], coming, Stage(deadline, "agenda"), record)]


def _secretary(
    day: BoardDay,
    people: People,
    kind: str,
    meeting: m.Meeting,
    coming: m.Meeting | None,
    stage: Stage,
    record: m.Minutes | None,
) -> Reminder:
    board = day.board
    recipient, on_behalf = people.route(board.secretary_id, board, "the board secretary")
    if kind == "minutes_due":
        summary = f"{board.name}: draft minutes of {short_date(meeting.meets_on)} due to be circulated"
        occasion = f"minutes_due:{meeting.id}:{meeting.meets_on.isoformat()}"
    else:
        assert coming is not None
        summary = f"{board.name}: put the minutes of {short_date(meeting.meets_on)} on the agenda of {short_date(coming.meets_on)}"
        occasion = f"minutes_agenda:{meeting.id}:{coming.id}:{coming.meets_on.isoformat()}"
    context = {
        "board": board,
        "meeting": meeting,
        "coming": coming,
        "minutes": record,
        "working_days": board.minutes_due_rule,
        "stated": board.minutes_due_working_days is not None,
    }
    return Reminder(
        kind=kind,
        recipient=recipient,
        occasion=occasion,
        day=day,
        stage=stage,
        describe=lambda: summary,
        build=lambda: context,
        for_person=on_behalf if on_behalf != "the board secretary" else None,
        order=55,
    )


def brief_lines(session: Session, meeting: m.Meeting) -> list[str]:
    """For the chair's brief: the minutes to be approved at `meeting` and their provisional decisions.

    Those whose approval is set for this meeting, and the previous meeting's unless approved (or set
    for another meeting). mrkdwn lines, escaped.
    """
    previous = session.scalar(
        select(m.Meeting)
        .where(
            m.Meeting.board_id == meeting.board_id,
            m.Meeting.meets_on < meeting.meets_on,
            m.Meeting.status != m.MeetingStatus.CANCELLED,
        )
        .order_by(m.Meeting.meets_on.desc())
        .limit(1)
    )
    held = list(
        session.scalars(
            select(m.Meeting)
            .join(m.Minutes, m.Minutes.meeting_id == m.Meeting.id)
            .where(m.Minutes.approval_meeting_id == meeting.id, m.Minutes.status != m.MinutesStatus.APPROVED)
            .order_by(m.Meeting.meets_on)
        )
    )
    if previous is not None and previous not in held:
        record = session.scalar(select(m.Minutes).where(m.Minutes.meeting_id == previous.id))
        if record is None or (not record.approved and record.approval_meeting_id is None):
            held.append(previous)
    lines = []
    for past in held:
        record = session.scalar(select(m.Minutes).where(m.Minutes.meeting_id == past.id))
        decisions = list(
            session.scalars(
                select(m.Decision)
                .join(m.AgendaItem, m.Decision.agenda_item_id == m.AgendaItem.id)
                .where(m.Decision.meeting_id == past.id)
                .options(joinedload(m.Decision.agenda_item))
                .order_by(m.AgendaItem.position, m.AgendaItem.number, m.Decision.seq)
            )
        )
        status = record.status if record is not None else "status not recorded"
        count = f"{len(decisions)} provisional decision{'s' if len(decisions) != 1 else ''}"
        lines.append(f"*Minutes of {short_date(past.meets_on)}* ({status}) to approve: {count}")
        for decision in decisions[:LISTED]:
            text = decision.text if len(decision.text) <= 150 else decision.text[:149] + "…"
            restricted = " _(restricted)_" if decision.agenda_item.restricted else ""
            lines.append(f"• {slack_escape(decision.agenda_item.number)}. {slack_escape(text)}{restricted}")
        if len(decisions) > LISTED:
            lines.append(
                f"… and {len(decisions) - LISTED} more: `/boardbot decisions {slack_escape(past.board.key)}`"
            )
    return lines
