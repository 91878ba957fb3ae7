"""Actions: leads are reminded before, on and after the due date; the secretary and chair are told later.

Defaults (BoardReminderSettings): 7 days before, on the day, then weekly while overdue; after 14
days overdue the board secretary is told, after 28 the chair. An action is due on its due date, or
else by the date its timescale implies ("June 2023": 30 June 2023, derived, and said to be); one
whose timescale names no period ("Ongoing") cannot be overdue. The secretary's monthly digest lists
the open actions without a due date set, the most overdue first.

The due dates that can have a stage in today's window form a few ranges (one per week overdue), so
one indexed range query finds them: the work grows with the reminders due, not with the table.
Escalations are rungs reached, not days hit: an action already 51 days late when it is loaded
reaches the secretary and the chair on the next run, once (the ledger's keys say which were sent).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from bot import models as m
from bot.actions.format import OPEN_STATUSES, RAG_LABELS, STATUS_LABELS, derived_due, lead_label, shorten
from bot.render import short_date
from reminders.items import People, Recipient, Reminder, Sieve, Stage, current_stage, snooze_key
from reminders.timing import BoardDay, Rules

MAX_RANGES = 300  # beyond this many weeks of backlog, one wide range is cheaper to plan
VAGUE_LISTED = 10  # the monthly digest lists this many undated actions a board, then a count


def due_date_ranges(days: list[BoardDay], oldest_open_due: date | None) -> list[tuple[date, date]]:
    """The ranges of due dates whose reminders may fall in some board's window today, merged."""
    first = min(d.first_nominal for d in days)
    last = max(d.today for d in days)
    spans = [(first, last)]  # due today (or over the weekend)
    for rules in {d.rules for d in days}:
        if rules.action_days_before:
            shift = timedelta(days=rules.action_days_before)
            spans.append((first + shift, last + shift))
        for after in (rules.escalate_secretary_after_days, rules.escalate_chair_after_days):
            if after:
                spans.append((first - timedelta(days=after), last - timedelta(days=after)))
        if oldest_open_due is not None:
            every = timedelta(days=rules.action_overdue_every_days)
            low, high = first - every, last - every
            while high >= oldest_open_due:
                spans.append((low, high))
                low, high = low - every, high - every
    spans.sort()
    merged = [spans[0]]
    for low, high in spans[1:]:
        if low <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    if len(merged) > MAX_RANGES:
        return [(merged[0][0], merged[-1][1])]
    return merged


def oldest_open_due(session: Session) -> date | None:
    return session.scalar(
        select(m.Action.deadline)
        .where(m.Action.deadline.is_not(None), m.Action.status.in_(OPEN_STATUSES))
        .order_by(m.Action.deadline)
        .limit(1)
    )


Candidate = tuple[int, int, int | None, date]  # id, board id, lead id, due date: enough to decide


def dated_open_actions(session: Session, days: list[BoardDay]) -> list[Candidate]:
    """Open actions of the boards whose due date may give a reminder today: the columns to decide on."""
    ranges = due_date_ranges(days, oldest_open_due(session))
    boards = {d.board.id for d in days}
    # one simple range query per week, glued with UNION ALL: with an OR of ranges SQLite's planner
    # prefers reading a whole covering index of the table once the statistics say it is large
    columns = (m.Action.id, m.Action.board_id, m.Action.lead_id, m.Action.deadline)
    open_here = (m.Action.status.in_(OPEN_STATUSES), m.Action.board_id.in_(boards))
    selects = [
        select(*columns).where(m.Action.deadline.between(low, high), *open_here) for low, high in ranges
    ]
    late = escalation_reached_by(days)
    if late is not None:  # every action past the first escalation: its rungs are reached, not hit
        selects.append(select(*columns).where(m.Action.deadline <= late, *open_here))
    stmt = selects[0] if len(selects) == 1 else union_all(*selects)
    found: dict[int, Candidate] = {}
    for id, board, lead, due in session.execute(stmt):
        if board in boards and due is not None:
            found[id] = (id, board, lead, due)
    return list(found.values())


def escalation_reached_by(days: list[BoardDay]) -> date | None:
    """The latest due date whose first escalation some board has reached today, if any escalates."""
    reached = []
    for d in days:
        afters = [d.rules.escalate_chair_after_days]
        if d.board.secretary_id:
            afters.append(d.rules.escalate_secretary_after_days)
        reached += [d.today - timedelta(days=after) for after in afters if after]
    return max(reached, default=None)


def actions_by_id(session: Session, ids: set[int]) -> dict[int, m.Action]:
    found: dict[int, m.Action] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        found.update(
            (action.id, action) for action in session.scalars(select(m.Action).where(m.Action.id.in_(chunk)))
        )
    return found


def lead_stage(due: date, day: BoardDay, rules: Rules) -> Stage | None:
    """The latest rung of the lead's ladder in the day's window: before, due, or a week overdue."""
    today, first = day.today, day.first_nominal
    weeks = (today - due).days // rules.action_overdue_every_days
    if weeks >= 1:
        nominal = due + timedelta(days=weeks * rules.action_overdue_every_days)
        if nominal >= first:
            return Stage(nominal, f"overdue:{nominal.isoformat()}")
    if first <= due <= today:
        return Stage(due, "due")
    if rules.action_days_before:
        nominal = due - timedelta(days=rules.action_days_before)
        if first <= nominal <= today:
            return Stage(nominal, "before")
    return None


def lead_stages(due: date, today: date, rules: Rules) -> list[Stage]:
    """Every rung up to today (a snooze's end needs them all to know the ladder has started)."""
    found = [Stage(due, "due")]
    if rules.action_days_before:
        found.append(Stage(due - timedelta(days=rules.action_days_before), "before"))
    weeks = (today - due).days // rules.action_overdue_every_days
    if weeks >= 1:
        nominal = due + timedelta(days=weeks * rules.action_overdue_every_days)
        found.append(Stage(nominal, f"overdue:{nominal.isoformat()}"))
    return found


def when_due(due: date, today: date) -> str:
    days = (due - today).days
    if days == 0:
        return "due today"
    if days > 0:
        return "due tomorrow" if days == 1 else f"due in {days} days"
    return "overdue by 1 day" if days == -1 else f"overdue by {-days} days"


def due_on(action: m.Action) -> date:
    """The date an action on a ladder is due, set or derived: only dated actions are candidates."""
    deadline = action.deadline
    assert deadline is not None
    return deadline


def due_text(action: m.Action, *, inline: bool = False) -> str:
    """'Fri 8 Sep 2023', or 'by end of June 2023 (from the timescale as written)' when derived."""
    return derived_due(action, inline=inline) or short_date(due_on(action))


def action_context(action: m.Action, day: BoardDay, people: People, escalate_to: str | None) -> dict:
    due = due_on(action)
    context = {
        "board": day.board,
        "action": action,
        "description": shorten(action.description, 400),
        "state": when_due(due, day.today),
        "overdue": day.today > due,
        "due_text": due_text(action),
        "derived": action.deadline_derived,
        "lead": people.name(action.lead_id, shorten(action.lead_text, 120) if action.lead_text else None),
        "status": STATUS_LABELS.get(m.ActionStatus(action.status), action.status),
        "rag": RAG_LABELS.get(m.Rag(action.rag)) if action.rag else None,
    }
    if escalate_to:
        context |= {"to": escalate_to, "overdue_days": (day.today - due).days}
    return context


def action_summary(
    action: m.Action, day: BoardDay, people: People, on_behalf: str | None, escalate_to: str | None
) -> str:
    behalf = f", for {on_behalf}" if on_behalf else ""
    due = due_on(action)
    if escalate_to:
        overdue = (day.today - due).days
        lead = people.name(action.lead_id, action.lead_text)
        return (
            f"Escalation to the {escalate_to}: action {action.ref} ({day.board.name}) is {overdue} days "
            f"overdue ({due_text(action, inline=True)}); lead {lead}{behalf}"
        )
    return (
        f"Action {action.ref} ({day.board.name}): {when_due(due, day.today)} ({due_text(action, inline=True)}): "
        f"{shorten(action.description, 80)}{behalf}"
    )


def action_build(
    action: m.Action, day: BoardDay, people: People, on_behalf: str | None, escalate_to: str | None
) -> dict:
    return action_context(action, day, people, escalate_to)


def due_action_reminders(
    session: Session,
    candidates: list[Candidate],
    days: dict[int, BoardDay],
    people: People,
    snoozes: dict[tuple[int | None, str, int], date],
    sieve: Sieve,
    ledger: Callable[[list[tuple[str, str, str]]], set[tuple[str, str, str]]] | None = None,
) -> list[Reminder]:
    """The lead's reminder for each action whose current stage is due, and the escalations.

    Most candidates have no stage in the window on one of their ladders, or one an earlier run
    settled: cheap date checks come first, then the ledger's keys; only the actions left are read
    whole and made into reminders. An escalation is due from its rung's day on until the ledger
    holds it: the keys of those reached are looked up there, however old.
    """
    snoozed = {(kind, subject) for _, kind, subject in snoozes}
    by_board: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        by_board.setdefault(candidate[1], []).append(candidate)
    wanted: list[tuple[str, int, BoardDay, Recipient, Stage, str, str | None, str | None]] = []
    reached: list[tuple[str, int, BoardDay, Recipient, Stage, str, str | None, str | None]] = []
    for board_id, board_candidates in by_board.items():
        day = days[board_id]
        rules, board, today = day.rules, day.board, day.today
        if not rules.actions:
            continue
        ladder = []
        if rules.escalate_secretary_after_days and board.secretary_id:
            ladder.append(
                ("secretary", timedelta(days=rules.escalate_secretary_after_days), [board.secretary_id])
            )
        if rules.escalate_chair_after_days:
            chairs = [chair.id for chair in people.chairs.get(board_id, [])]
            ladder.append(("chair", timedelta(days=rules.escalate_chair_after_days), chairs))
        for action_id, _board_id, lead_id, due in board_candidates:
            subject = ("action", action_id)
            held = subject in snoozed
            if held:  # the slow path, with the snooze's end as a rung of its own
                recipient = people.route(lead_id, board)[0]
                until = snoozes.get(snooze_key(recipient.person_id, subject))
                stage = current_stage(lead_stages(due, today, rules), day, until)
            else:
                stage = lead_stage(due, day, rules)
            if stage is not None:
                recipient = people.route(lead_id, board)[0]
                occasion = f"action:{action_id}:due:{due.isoformat()}:{stage.label}"
                if sieve.wanted("action", recipient, occasion):
                    wanted.append(("action", action_id, day, recipient, stage, occasion, None, None))
            for to, after, targets in ladder:
                nominal = due + after
                if nominal > today:
                    continue
                for person_id in targets:
                    recipient, on_behalf = people.route(person_id, board)
                    until = snoozes.get(snooze_key(recipient.person_id, subject)) if held else None
                    if until is not None and until > today:
                        continue
                    stage = Stage(nominal, f"escalated:{to}")
                    occasion = f"action:{action_id}:due:{due.isoformat()}:{stage.label}"
                    if on_behalf:  # several chairs outside Slack: one reminder each, to the secretary
                        occasion += f":for:{person_id}"
                    reached.append(
                        ("action_escalation", action_id, day, recipient, stage, occasion, to, on_behalf)
                    )
    if reached and ledger is not None:
        keys = [(kind, recipient.key, occasion) for kind, _, _, recipient, _, occasion, _, _ in reached]
        sieve.settled |= ledger(keys)
    wanted += [row for row in reached if sieve.wanted(row[0], row[3], row[5])]
    details = actions_by_id(session, {action_id for _, action_id, *_ in wanted})
    reminders = []
    for kind, action_id, day, recipient, stage, occasion, escalate_to, behalf in wanted:
        action = details[action_id]
        for_person = (
            people.route(action.lead_id, day.board, action.lead_text)[1] if kind == "action" else behalf
        )
        reminders.append(
            Reminder(
                kind,
                recipient,
                occasion,
                day,
                stage,
                action_summary,
                action_build,
                (action, day, people, for_person, escalate_to),
                ("action", action_id),
                for_person,
                10 if escalate_to else 30,
            )  # fmt: skip
        )
    return reminders


def vague_action_digests(
    session: Session, days: dict[int, BoardDay], people: People, sieve: Sieve
) -> list[Reminder]:
    """On the first working day of a month, each secretary's list of open actions without a due date
    set: those due by a date derived from their timescale first, the most overdue first, then the
    rest by reference in reading order (CS-2 before CS-10)."""
    due = {}
    for board_id, day in days.items():
        month = day.today.replace(day=1)
        if not (day.rules.secretary_digest and day.board.secretary_id and day.eligible(month)):
            continue
        recipient, _ = people.route(day.board.secretary_id, day.board)
        occasion = f"board:{board_id}:month:{month:%Y-%m}"
        if sieve.wanted("vague_actions", recipient, occasion):
            due[board_id] = (day, recipient, occasion, month)
    if not due:
        return []
    undated = (m.Action.status.in_(OPEN_STATUSES), m.Action.due_on.is_(None))
    tallies = {
        board_id: (total, derived)
        for board_id, total, derived in session.execute(
            select(m.Action.board_id, func.count(), func.count(m.Action.due_by))
            .where(m.Action.board_id.in_(list(due)), *undated)
            .group_by(m.Action.board_id)
        )
    }
    counts = {board_id: total for board_id, (total, _) in tallies.items()}
    rows = {
        board_id: list(
            session.scalars(
                select(m.Action)
                .where(m.Action.board_id == board_id, *undated)
                .order_by(m.Action.due_by.is_(None), m.Action.due_by, *m.ref_order(m.Action.ref))
                .limit(VAGUE_LISTED)
            )
        )
        for board_id in due
        if counts.get(board_id)
    }
    leads = {row.lead_id for board_rows in rows.values() for row in board_rows if row.lead_id}
    names = dict(session.execute(select(m.Person.id, m.Person.name).where(m.Person.id.in_(leads))).all())
    digests = []
    for board_id, board_rows in rows.items():
        day, recipient, occasion, month = due[board_id]
        total = counts[board_id]
        listed = [
            {
                "action": row,
                "description": shorten(row.description, 100),
                "lead": lead_label(names.get(row.lead_id) if row.lead_id else None, row.lead_text),
                "due_text": derived_due(row),
                "overdue_days": (day.today - row.due_by).days if row.due_by and row.due_by < day.today else 0,
            }
            for row in board_rows
        ]
        derived = tallies[board_id][1]
        summary = (
            f"{day.board.name}: {total} open action{'s' if total != 1 else ''} without a due date set"
            + (f" ({derived} due by a date derived from the timescale as written)" if derived else "")
        )
        context = {"board": day.board, "total": total, "derived": derived, "actions": listed, "month": month}
        digests.append(
            Reminder(
                kind="vague_actions",
                recipient=recipient,
                occasion=occasion,
                day=day,
                stage=Stage(month, "monthly"),
                describe=lambda summary=summary: summary,
                build=lambda context=context: context,
                order=95,
            )
        )
    return digests
