"""The chair's brief: on the working day before a meeting, one DM to each chair with what to know.

It goes to the chairs and co-chairs in force; to the vice-chairs only when the board records no chair
(a vice-chair chairs in the chair's place). The brief is built from PARTS, functions of the session
and the meeting returning escaped mrkdwn lines (a heading line, then bullets; nothing when there is
nothing to say), so each area adds its own part. It is a DM to a member of the board, so restricted
(Part 2) items are named in it, marked as such; it is never posted in a channel.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from bot import declarations as dec
from bot import models as m
from bot.actions.format import OPEN_STATUSES
from bot.meetings import last_meeting, paper_deadline
from bot.models.boards import in_force_today
from bot.render import Mrkdwn, short_date, slack_escape
from bot.workdays import working_days_before
from reminders import after_meeting, quorum
from reminders.items import People, Reminder, Stage, current_stage
from reminders.timing import BoardDay

Part = Callable[[Session, m.Meeting], list[str]]
SECTION_CHARS = 2900  # a section's text may hold 3000 characters
RAG_RANK = {m.Rag.GREEN.value: 0, m.Rag.AMBER.value: 1, m.Rag.RED.value: 2}


def _title(item: m.AgendaItem, limit: int = 80) -> str:
    title = item.title if len(item.title) <= limit else item.title[: limit - 1] + "…"
    restricted = " _(restricted, Part 2)_" if item.restricted else ""
    return f"item {slack_escape(item.number)}, {slack_escape(title)}{restricted}"


def papers_lines(session: Session, meeting: m.Meeting) -> list[str]:
    """Papers still awaited, late when their deadline (stated, or the board's rule) has passed."""
    items = session.scalars(
        select(m.AgendaItem)
        .where(m.AgendaItem.meeting_id == meeting.id, m.AgendaItem.expects_paper)
        .options(joinedload(m.AgendaItem.report_author_person))
        .order_by(m.AgendaItem.position, m.AgendaItem.number)
    ).all()
    if not items:
        return ["*Papers:* none outstanding."]
    rule_due = paper_deadline(meeting).due_on
    eve = working_days_before(meeting.meets_on, 1, meeting.board.holiday_region)
    lines = [f"*Papers not in ({len(items)}):*"]
    for item in items:
        due = item.paper_due_on or rule_due
        derived = "" if item.paper_due_on else " by the board's rule"
        author = item.report_author_person.name if item.report_author_person else item.report_author
        lines.append(
            f"• {_title(item)}: from {slack_escape(author or 'no author recorded')}, "
            f"due {short_date(due)}{derived}{', late' if due < eve else ''}"
        )
    return lines


def declarations_lines(session: Session, meeting: m.Meeting) -> list[str]:
    """The declarations made for the meeting, and how many standing ones its members hold."""
    found = dec.of_meeting(session, meeting.id)
    lines = [
        f"*Declarations of interest ({len(found)}):*" if found else "*Declarations of interest:* none made."
    ]
    lines += [dec.line(d) + (" _(restricted item)_" if d.agenda_item.restricted else "") for d in found]
    standing = len(dec.standing_of(session, meeting.board))
    if standing:
        lines.append(
            f"_{standing} standing declaration{'s' if standing != 1 else ''}: `/boardbot declarations {slack_escape(meeting.board.key)}`_"
        )
    return lines


def overdue_lines(session: Session, meeting: m.Meeting) -> list[str]:
    """Open actions overdue by the meeting's day (due date set, or derived from the timescale), by lead."""
    actions = session.scalars(
        select(m.Action)
        .where(
            m.Action.board_id == meeting.board_id,
            m.Action.status.in_([s.value for s in OPEN_STATUSES]),
            m.Action.deadline < meeting.meets_on,
        )
        .options(joinedload(m.Action.lead))
        .order_by(*m.ref_order(m.Action.ref))
    ).all()
    if not actions:
        return ["*Actions overdue by the meeting:* none."]
    by_lead: dict[str, list[m.Action]] = defaultdict(list)
    for action in actions:
        by_lead[action.lead.name if action.lead else action.lead_text or "no lead recorded"].append(action)
    lines = [f"*Actions overdue by the meeting ({len(actions)}), by lead:*"]
    for lead, theirs in sorted(by_lead.items(), key=lambda pair: (-len(pair[1]), pair[0])):
        refs = ", ".join(
            f"{slack_escape(a.ref)} (due {short_date(a.deadline)}{', derived from the timescale' if a.deadline_derived else ''})"
            for a in theirs
            if a.deadline is not None
        )
        lines.append(f"• {slack_escape(lead)}: {refs}")
    return lines


def kpi_lines(session: Session, meeting: m.Meeting) -> list[str]:
    """KPIs whose RAG rating worsened between the last value before the last meeting and the latest."""
    previous = last_meeting(session, meeting.board, meeting.meets_on)
    if previous is None:
        return ["*KPIs:* no earlier meeting is recorded to compare with."]
    since = previous.meets_on
    v = m.KpiValue
    later = v.period_end > since
    ranked = (  # the last value on or before `since` and the last after it, per KPI and area
        select(
            v.kpi_id,
            v.area,
            v.period,
            v.rag,
            later.label("later"),
            func.row_number()
            .over(partition_by=(v.kpi_id, v.area, later), order_by=(v.period_end.desc(), v.id.desc()))
            .label("n"),
        )
        .join(m.Kpi, m.Kpi.id == v.kpi_id)
        .where(
            m.Kpi.board_id == meeting.board_id, v.period_end.is_not(None), v.period_end <= meeting.meets_on
        )
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.kpi_id, ranked.c.area, ranked.c.period, ranked.c.rag, ranked.c.later, m.Kpi.name)
        .join(m.Kpi, m.Kpi.id == ranked.c.kpi_id)
        .where(ranked.c.n == 1)
        .order_by(ranked.c.kpi_id, ranked.c.area)
    )
    series: dict[tuple[int, str], dict[bool, tuple[str, str | None, str]]] = defaultdict(dict)
    for kpi_id, area, period, rag, is_later, name in rows:
        series[(kpi_id, area)][bool(is_later)] = (period, rag, name)
    worse, unknown, new = [], 0, 0
    for (_, area), pair in series.items():
        if len(pair) < 2:
            continue
        new += 1
        (then_period, then_rag, name), (now_period, now_rag, _) = pair[False], pair[True]
        if then_rag is None or now_rag is None:
            unknown += 1
        elif RAG_RANK[now_rag] > RAG_RANK[then_rag]:
            worse.append(
                f"• {slack_escape(name)} ({slack_escape(area)}): {then_rag} → *{now_rag}* "
                f"({slack_escape(then_period)} → {slack_escape(now_period)})"
            )
    head = f"*KPIs whose RAG worsened since the last meeting ({short_date(since)}):*"
    if not new:
        return [f"{head} none: no KPI has a value both before and since then."]
    lines = [head, *worse] if worse else [f"{head} none of {new} with a newer value."]
    if unknown:
        lines.append(f"_RAG not recorded for {unknown} of them: whether they worsened is not known._")
    return lines


PARTS: list[Part] = [
    quorum.brief_lines,
    papers_lines,
    declarations_lines,
    after_meeting.brief_lines,
    overdue_lines,
    kpi_lines,
]


def fit(lines: list[str], limit: int = SECTION_CHARS) -> str:
    """Lines joined within a section's limit, the rest counted as "and N more"."""
    kept: list[str] = []
    used = 0
    for number, line in enumerate(lines):
        tail = f"\n_and {len(lines) - number} more_"
        if used + len(line) + 1 + len(tail) > limit:
            return "\n".join(kept) + tail
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def chairs_of(session: Session, board_id: int, on: date, people: People) -> list[m.Person]:
    """The chairs and co-chairs in force (as the run loaded them), else the vice-chairs."""
    if people.chairs.get(board_id):
        return people.chairs[board_id]
    rows = session.execute(
        select(m.Membership.starts_on, m.Membership.ends_on, m.Person)
        .join(m.Person, m.Person.id == m.Membership.person_id)
        .where(m.Membership.board_id == board_id, m.Membership.role == m.MembershipRole.VICE_CHAIR.value)
        .order_by(m.Person.name)
    )
    return list({p.id: p for s, e, p in rows if in_force_today(s, e, on)}.values())


def chair_briefs(
    session: Session, meetings: dict[int, list[m.Meeting]], days: dict[int, BoardDay], people: People
) -> list[Reminder]:
    """One brief to each chair for each meeting on the next working day."""
    briefs = []
    for board_id, board_meetings in meetings.items():
        day = days[board_id]
        if not day.rules.meetings:
            continue
        for meeting in board_meetings:
            stage = Stage(working_days_before(meeting.meets_on, 1, day.region), "brief")
            if current_stage([stage], day, None) is None:
                continue
            chairs = chairs_of(session, board_id, day.today, people)
            if not chairs:
                continue
            summary = f"{day.board.name} meeting of {short_date(meeting.meets_on)}: the chair's brief"
            context = brief_context(session, meeting, day)
            for chair in chairs:
                briefs.append(
                    Reminder(
                        kind="chair_brief",
                        recipient=people.recipient(chair),
                        occasion=f"brief:{meeting.id}:{meeting.meets_on.isoformat()}",
                        day=day,
                        stage=stage,
                        describe=lambda summary=summary: summary,
                        build=lambda context=context: context,
                        order=40,
                    )
                )
    return briefs


def brief_context(session: Session, meeting: m.Meeting, day: BoardDay) -> dict:
    """The brief's template context, made while the run's session is open, once for all the chairs."""
    parts = [part(session, meeting) for part in PARTS]
    return {
        "board": day.board,
        "meeting": meeting,
        "sections": [Mrkdwn(fit(lines)) for lines in parts if lines],
    }
