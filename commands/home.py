"""BoardBot's Home tab for one person: what is theirs to do, their boards at a glance, their settings.

`home_view(session, person, now)` builds the `views.publish` view (bot/templates/home.json.j2); the
Slack listener (bot/slack/home.py) only publishes it. Each list shows its first few and points to
the command with the rest, so a heavy user (5 boards, 50 actions) stays inside Slack's 100 blocks.
Restricted (Part 2) items are never shown: the Home tab is one view whatever the reader does next.

Each meeting carries the person's reply and the Attending / Send apologies buttons (bot/attendance.py).
At the top, a search box (commands/home_search.py opens its results); with the settings, the
person's saved searches, each with a Stop watching button (commands/watch.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from bot import attendance as att
from bot import models as m
from bot.actions.format import OPEN_STATUSES, derived_due, is_restricted, lead_name
from bot.boards import boards_of
from bot.kpis.figures import Headline, headlines
from bot.kpis.reading import board_kpis, recent_values
from bot.meetings import CHAIR_ROLES, board_today, last_meeting, next_meeting
from bot.models.boards import in_force_today
from bot.render import Mrkdwn, render_blocks
from bot.workdays import paper_deadline
from commands.settings import DAY_NAMES, Status, status_of, today_for
from commands.watch import watches_of
from reminders.meetings import calendar_links
from reminders.papers import Paper, when_due
from reminders.timing import Rules

MEETINGS_SHOWN = 5
PAPERS_SHOWN = 5
ACTIONS_SHOWN = 8  # each with its buttons: two blocks
DUE_SOON_DAYS = 14
LEADS_SHOWN = 5
ESCALATED_SHOWN = 5
KPIS_SHOWN = 3  # a board's KPIs with new figures since its last meeting
DELIVERIES_SHOWN = 3
WATCHES_SHOWN = 5  # saved searches, each a block with its Stop watching button


@dataclass
class MeetingLine:
    meeting: m.Meeting
    board: m.Board
    calendar: dict[str, str]
    reply: str = "not said yet"  # the person's own reply for it (bot/attendance.py), for the buttons


@dataclass
class ActionLine:
    action: m.Action
    band: str  # "overdue", "soon", "open"
    derived: str | None  # how a derived due date was derived


@dataclass
class BoardWatch:
    """What a secretary or chair of one board watches."""

    board: m.Board
    role: str  # "secretary", "chair"
    papers_outstanding: int
    papers_overdue: int
    next_meeting: m.Meeting | None
    overdue_by_lead: list[tuple[str, int]]
    more_leads: int
    escalated: list[m.Action]
    escalated_total: int
    escalate_after: int


@dataclass
class KpiNews:
    board: m.Board
    last: m.Meeting | None
    total: int
    new: list[Headline]
    new_total: int


@dataclass
class Home:
    person: m.Person | None
    boards: list[m.Board] = field(default_factory=list)
    meetings: list[MeetingLine] = field(default_factory=list)
    papers: list[tuple[Paper, str]] = field(default_factory=list)
    papers_total: int = 0
    actions: list[ActionLine] = field(default_factory=list)
    action_counts: Counter[str] = field(default_factory=Counter)
    restricted_actions: int = 0
    watches: list[BoardWatch] = field(default_factory=list)
    kpis: list[KpiNews] = field(default_factory=list)
    settings: Status | None = None
    deliveries: list[tuple[str, Mrkdwn]] = field(default_factory=list)
    today: date | None = None
    saved_searches: list[m.SearchWatch] = field(default_factory=list)  # `/boardbot watch`, oldest first
    saved_total: int = 0


def home_view(session: Session, person: m.Person | None, now: datetime) -> dict[str, Any]:
    """The Home tab view for `person` (None: someone not in the board records)."""
    return render_blocks("home.json.j2", home=gather(session, person, now), day_names=DAY_NAMES)  # type: ignore[return-value]


def gather(session: Session, person: m.Person | None, now: datetime) -> Home:
    if person is None:
        return Home(None)
    today = today_for(session, person, now)
    boards = boards_of(session, person, now)
    home = Home(person, boards, today=today, settings=status_of(session, person, today))
    home.meetings = my_meetings(session, person, boards, now)
    home.papers, home.papers_total = my_papers(session, person, now)
    home.actions, home.action_counts, home.restricted_actions = my_actions(session, person, now)
    home.watches = [w for b in boards if (w := watching(session, person, b, now)) is not None]
    home.kpis = [k for b in boards if (k := kpi_news(session, b, now)) is not None]
    home.deliveries = last_deliveries(session, person)
    saved = watches_of(session, person)
    home.saved_searches, home.saved_total = saved[:WATCHES_SHOWN], len(saved)
    return home


def my_meetings(
    session: Session, person: m.Person, boards: list[m.Board], now: datetime
) -> list[MeetingLine]:
    found = []
    for board in boards:
        meeting = next_meeting(session, board, board_today(board, now))
        if meeting is not None:
            line = MeetingLine(meeting, board, calendar_links(meeting, board))
            line.reply = reply_text(att.reply_of(session, meeting, person))
            found.append(line)
    return sorted(found, key=lambda line: (line.meeting.meets_on, line.board.name))[:MEETINGS_SHOWN]


def reply_text(row: m.Attendance | None) -> str:
    """The person's own reply for a meeting, as the Home tab says it beside the buttons."""
    if row is None or row.status == m.AttendanceStatus.WITHDRAWN:
        return "not said yet"
    if row.status == m.AttendanceStatus.APOLOGIES:
        sub = row.substitute_as_named
        return f"apologies sent ({'substitute: ' + sub if sub else 'no substitute named'})"
    return "attending" + (f" ({row.mode.replace('-', ' ')})" if row.mode else "")


def _deadline(item: m.AgendaItem, board: m.Board) -> tuple[date, bool]:
    if item.paper_due_on is not None:
        return item.paper_due_on, True
    return paper_deadline(item.meeting.meets_on, board.paper_deadline_rule, board.holiday_region), False


def my_papers(session: Session, person: m.Person, now: datetime) -> tuple[list[tuple[Paper, str]], int]:
    """Papers the person is the author of, still awaited, for meetings to come: soonest first."""
    items = session.scalars(
        select(m.AgendaItem)
        .join(m.Meeting, m.Meeting.id == m.AgendaItem.meeting_id)
        .options(joinedload(m.AgendaItem.meeting).joinedload(m.Meeting.board))
        .where(
            or_(m.AgendaItem.report_author_id == person.id, m.AgendaItem.report_co_author_id == person.id),
            m.AgendaItem.expects_paper,
            m.AgendaItem.restricted.is_not(True),
            m.Meeting.meets_on >= (now - timedelta(days=1)).date(),
            m.Meeting.status != m.MeetingStatus.CANCELLED,
        )
    ).all()
    papers = []
    for item in items:
        board = item.meeting.board
        today = board_today(board, now)
        if item.meeting.meets_on < today:
            continue
        due, explicit = _deadline(item, board)
        paper = Paper(item, item.meeting, due, explicit)
        papers.append((paper, when_due(paper, today, board.holiday_region)))
    papers.sort(key=lambda p: (p[0].due_on, p[0].meeting.meets_on, p[0].item.position))
    return papers[:PAPERS_SHOWN], len(papers)


def my_actions(
    session: Session, person: m.Person, now: datetime
) -> tuple[list[ActionLine], Counter[str], int]:
    """The person's open actions: overdue first (most overdue first), then due soon, then the rest."""
    actions = session.scalars(
        select(m.Action)
        .options(joinedload(m.Action.board), joinedload(m.Action.agenda_item))
        .where(m.Action.lead_id == person.id, m.Action.status.in_(OPEN_STATUSES))
    ).all()
    lines, restricted = [], 0
    for action in actions:
        if is_restricted(action):
            restricted += 1
            continue
        today = board_today(action.board, now)
        due = action.deadline
        band = (
            "open"
            if due is None
            else "overdue"
            if due < today
            else "soon"
            if due <= today + timedelta(days=DUE_SOON_DAYS)
            else "open"
        )
        lines.append(ActionLine(action, band, derived_due(action, inline=True)))
    order = {"overdue": 0, "soon": 1, "open": 2}
    lines.sort(
        key=lambda a: (order[a.band], a.action.deadline or date.max, a.action.board.name, a.action.ref)
    )
    return lines[:ACTIONS_SHOWN], Counter(a.band for a in lines), restricted


def _role(session: Session, person: m.Person, board: m.Board, today: date) -> str | None:
    if board.secretary_id == person.id:
        return "secretary"
    rows = session.execute(
        select(m.Membership.starts_on, m.Membership.ends_on).where(
            m.Membership.board_id == board.id,
            m.Membership.person_id == person.id,
            m.Membership.role.in_(CHAIR_ROLES),
        )
    )
    return "chair" if any(in_force_today(s, e, today) for s, e in rows) else None


def watching(session: Session, person: m.Person, board: m.Board, now: datetime) -> BoardWatch | None:
    """For the board's secretary and chairs: papers outstanding, overdue actions by lead, escalations."""
    today = board_today(board, now)
    role = _role(session, person, board, today)
    if role is None:
        return None
    meeting = next_meeting(session, board, today)
    outstanding = overdue_papers = 0
    if meeting is not None:
        for item in session.scalars(
            select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id, m.AgendaItem.expects_paper)
        ):
            if not item.restricted:
                outstanding += 1
                overdue_papers += _deadline(item, board)[0] < today
    overdue = session.scalars(
        select(m.Action)
        .options(joinedload(m.Action.lead), joinedload(m.Action.agenda_item))
        .where(
            m.Action.board_id == board.id,
            m.Action.status.in_(OPEN_STATUSES),
            m.Action.deadline < today,
        )
        .order_by(m.Action.deadline)
    ).all()
    overdue = [a for a in overdue if not is_restricted(a)]
    by_lead = Counter(lead_name(a).replace("not recorded", "no lead recorded") for a in overdue).most_common()
    rules = Rules.of(session.get(m.BoardReminderSettings, board.id))
    after = rules.escalate_secretary_after_days or rules.escalate_chair_after_days
    escalated = [a for a in overdue if after and a.deadline and (today - a.deadline).days >= after]
    return BoardWatch(
        board,
        role,
        outstanding,
        overdue_papers,
        meeting,
        by_lead[:LEADS_SHOWN],
        max(len(by_lead) - LEADS_SHOWN, 0),
        escalated[:ESCALATED_SHOWN],
        len(escalated),
        after,
    )


def kpi_news(session: Session, board: m.Board, now: datetime) -> KpiNews | None:
    """The board's KPIs with a figure for a period ending after its last meeting (derived from the
    periods: the data does not record when a figure arrived)."""
    kpis = board_kpis(session, board).kpis
    if not kpis:
        return None
    last = last_meeting(session, board, board_today(board, now))
    values = recent_values(session, [k.id for k in kpis])
    newer = [
        k
        for k in kpis
        if any(
            v.period_end is not None and (last is None or v.period_end > last.meets_on) for v in values[k.id]
        )
    ]
    newer.sort(key=lambda k: not k.headline)  # the board's own headlines first
    shown = [h for h in headlines(session, newer[:KPIS_SHOWN], values=values) if h.areas]
    return KpiNews(board, last, len(kpis), shown, len(newer))


def last_deliveries(session: Session, person: m.Person) -> list[tuple[str, Mrkdwn]]:
    """When the person's last reminders were delivered (the ledger), newest first."""
    rows = session.execute(
        select(m.ReminderDelivery.kind, m.ReminderDelivery.sent_at)
        .where(
            m.ReminderDelivery.recipient == f"person:{person.id}",
            m.ReminderDelivery.status == m.DeliveryStatus.SENT,
        )
        .order_by(m.ReminderDelivery.sent_at.desc())
        .limit(DELIVERIES_SHOWN)
    )
    return [
        (kind.replace("_", " "), instant(at if at.tzinfo else at.replace(tzinfo=UTC)))
        for kind, at in rows
        if at is not None
    ]


def instant(at: datetime) -> Mrkdwn:
    """A moment as a Slack date token: each reader sees it in their own zone."""
    fallback = f"{at:%a} {at.day} {at:%b %Y} {at:%H:%M} UTC"
    return Mrkdwn(f"<!date^{int(at.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>")
