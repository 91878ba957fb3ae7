"""Paper deadlines: report authors are reminded before, on and after the day; secretaries get a digest.

An item expects a paper while it is awaited: marked so, or with a report author and no paper status
recorded (AgendaItem.expects_paper). Each linked author is reminded (item 7 of 5 October 2023 names
two); an author not in the data is chased through the secretary's digest.

A paper's deadline is the agenda item's own `paper_due_on`, or the board's rule (N working days before
the meeting, never after the agenda must be published: bot.workdays.paper_deadline). Authors are
reminded N working days before it (5 and 1 by default), on the day, and each working day while it is
overdue, until the paper is no longer awaited or the meeting has come.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.render import short_date
from bot.workdays import paper_deadline, working_days_before, working_days_between
from reminders.items import (
    People,
    Recipient,
    Reminder,
    Sieve,
    Stage,
    current_stage,
    person_recipient,
    snooze_key,
)
from reminders.timing import BoardDay

EXPLICIT_LOOKBACK_DAYS = 180  # explicit deadlines further back than this, for far meetings, are ignored


@dataclass
class Paper:
    item: m.AgendaItem
    meeting: m.Meeting
    due_on: date
    explicit: bool  # the item states its own deadline

    @property
    def author(self) -> str:
        return self.item.report_author or self.item.presenter or "no author recorded"


def horizon_days(day: BoardDay) -> int:
    """Calendar days ahead whose meetings may have a paper reminder due today (generous)."""
    earliest = max(day.rules.paper_days_before, default=0)
    working = day.board.paper_deadline_rule + 6 + earliest  # 6: the publication rule
    return working * 7 // 5 + 14  # weekends, and a fortnight for bank holidays


def awaited_papers(
    session: Session, days: list[BoardDay], meetings: dict[int, list[m.Meeting]]
) -> list[Paper]:
    """Awaited papers of the meetings in the window, and of later meetings with an early stated deadline."""
    by_id = {mt.id: mt for board_meetings in meetings.values() for mt in board_meetings}
    rows: dict[int, tuple[m.AgendaItem, m.Meeting]] = {}
    if by_id:
        items = session.scalars(
            select(m.AgendaItem).where(
                m.AgendaItem.meeting_id.in_(list(by_id)),
                m.AgendaItem.expects_paper,
            )
        )
        rows.update((item.id, (item, by_id[item.meeting_id])) for item in items)
    boards = {d.board.id: d for d in days}
    low = min(d.first_nominal for d in days) - timedelta(days=EXPLICIT_LOOKBACK_DAYS)
    high = max(d.today for d in days) + timedelta(days=max(horizon_days(d) for d in days))
    stated = session.execute(
        select(m.AgendaItem, m.Meeting)
        .join(m.Meeting, m.AgendaItem.meeting_id == m.Meeting.id)
        .where(
            m.AgendaItem.paper_due_on.between(low, high),
            m.AgendaItem.expects_paper,
            m.Meeting.status != m.MeetingStatus.CANCELLED,
            m.Meeting.meets_on > min(d.today for d in days),
        )
    )
    for item, meeting in stated:
        if meeting.board_id in boards:
            rows.setdefault(item.id, (item, meeting))
    papers = []
    for item, meeting in rows.values():
        board = boards[meeting.board_id].board
        if item.paper_due_on is not None:
            due, explicit = item.paper_due_on, True
        else:
            due = paper_deadline(meeting.meets_on, board.paper_deadline_rule, board.holiday_region)
            explicit = False
        papers.append(Paper(item, meeting, due, explicit))
    papers.sort(key=lambda p: (p.meeting.meets_on, p.item.position, p.item.number))
    return papers


def stages(paper: Paper, day: BoardDay) -> list[Stage]:
    region = day.region
    found = [
        Stage(working_days_before(paper.due_on, k, region), f"before:{k}")
        for k in day.rules.paper_days_before
        if k > 0
    ]
    found.append(Stage(paper.due_on, "due"))
    if day.rules.paper_overdue_daily and day.today > paper.due_on:
        found.append(Stage(day.today, f"overdue:{day.today.isoformat()}"))
    return found


def when_due(paper: Paper, today: date, region: str) -> str:
    """'due in 5 working days', 'due tomorrow', 'due today', 'overdue by 2 working days'."""
    left = working_days_between(today, paper.due_on, region)
    if paper.due_on == today or (left == 0 and paper.due_on > today):
        return "due today"
    if paper.due_on > today:
        return "due in 1 working day" if left == 1 else f"due in {left} working days"
    late = max(-left, 1)
    return "overdue by 1 working day" if late == 1 else f"overdue by {late} working days"


def paper_context(paper: Paper, day: BoardDay) -> dict:
    return {
        "board": day.board,
        "meeting": paper.meeting,
        "item": paper.item,
        "due_on": paper.due_on,
        "explicit": paper.explicit,
        "state": when_due(paper, day.today, day.region),
        "overdue": day.today > paper.due_on,
        "author": paper.author,
    }


def paper_summary(paper: Paper, day: BoardDay, on_behalf: str | None) -> str:
    return (
        f"Paper “{paper.item.title}” (item {paper.item.number}) for the {day.board.name} meeting of "
        f"{short_date(paper.meeting.meets_on)}: {when_due(paper, day.today, day.region)} "
        f"({short_date(paper.due_on)})" + (f", for {on_behalf}" if on_behalf else "")
    )


def due_paper_reminders(
    papers: list[Paper],
    days: dict[int, BoardDay],
    people: People,
    snoozes: dict[tuple[int | None, str, int], date],
    covered: set[int],
    sieve: Sieve,
) -> list[Reminder]:
    """One reminder per awaited paper whose current stage is due, to its author or the secretary.

    `covered` holds the ids of items listed in today's secretary digest: an author outside Slack is
    chased from the digest rather than by a reminder of their own.
    """
    reminders = []
    for paper in papers:
        day = days[paper.meeting.board_id]
        if not day.rules.papers or day.today >= paper.meeting.meets_on:
            continue
        authors: list[int | None] = list(paper.item.author_ids) or [None]
        for author_id in authors:
            recipient, on_behalf = people.route(author_id, day.board, as_written=paper.author)
            if on_behalf is not None and paper.item.id in covered:
                continue
            subject = ("paper", paper.item.id)
            until = snoozes.get(snooze_key(recipient.person_id, subject))
            stage = current_stage(stages(paper, day), day, until)
            if stage is None:
                continue
            occasion = f"paper:{paper.item.id}:due:{paper.due_on.isoformat()}:{stage.label}"
            if on_behalf is not None and len(authors) > 1:  # two authors outside Slack: one each
                occasion += f":for:{author_id}"
            if not sieve.wanted("paper", recipient, occasion):
                continue
            reminders.append(_paper_reminder(paper, day, recipient, on_behalf, occasion, stage))
    return reminders


def _paper_reminder(
    paper: Paper, day: BoardDay, recipient: Recipient, on_behalf: str | None, occasion: str, stage: Stage
) -> Reminder:
    return Reminder(
        kind="paper",
        recipient=recipient,
        occasion=occasion,
        day=day,
        stage=stage,
        describe=lambda paper=paper, day=day, on_behalf=on_behalf: paper_summary(paper, day, on_behalf),
        build=paper_context,
        args=(paper, day),
        subject=("paper", paper.item.id),
        for_person=on_behalf,
        order=20,
    )


def papers_digests(
    papers: list[Paper],
    days: dict[int, BoardDay],
    meetings: dict[int, list[m.Meeting]],
    people: People,
) -> tuple[list[Reminder], set[int]]:
    """Each secretary's daily list of the papers outstanding for their board's next meeting.

    From the first reminder day of its earliest paper until the day before the meeting. Returns
    the digests and the ids of the items they list.
    """
    by_meeting: dict[int, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_meeting[paper.meeting.id].append(paper)
    digests: list[Reminder] = []
    covered: set[int] = set()
    for board_id, day in days.items():
        if not (day.rules.secretary_digest and day.board.secretary_id):
            continue
        upcoming = [mt for mt in meetings.get(board_id, []) if mt.meets_on > day.today]
        if not upcoming:
            continue
        meeting = upcoming[0]
        outstanding = by_meeting.get(meeting.id, [])
        if not outstanding:
            continue
        first = min(s.nominal for p in outstanding for s in stages(p, day))
        if day.today < first:
            continue
        secretary = people.secretary(day.board)
        if secretary is None:
            continue
        covered.update(p.item.id for p in outstanding)
        lines = []
        # the late ones first, then by deadline, then in agenda order
        for paper in sorted(outstanding, key=lambda p: (p.due_on >= day.today, p.due_on, p.item.position)):
            authors = [people.by_id[i] for i in paper.item.author_ids if i in people.by_id]
            off_slack = [a for a in authors if not a.slack_user_id]
            lines.append(
                {
                    "paper": paper,
                    "state": when_due(paper, day.today, day.region),
                    "overdue": day.today > paper.due_on,
                    "author": " and ".join(a.name for a in authors) if authors else paper.author,
                    "on_slack": bool(authors) and not off_slack,
                    "off_slack": [f"{a.name} ({a.email})" if a.email else a.name for a in off_slack]
                    if len(authors) > 1
                    else [],
                    "email": off_slack[0].email if len(authors) == 1 and off_slack else None,
                }
            )
        late = sum(1 for line in lines if line["overdue"])
        summary = (
            f"Papers outstanding for the {day.board.name} meeting of {short_date(meeting.meets_on)}: "
            f"{len(lines)} ({late} overdue)"
        )
        context = {"board": day.board, "meeting": meeting, "lines": lines, "late": late}
        digests.append(
            Reminder(
                kind="papers_digest",
                recipient=person_recipient(secretary),
                occasion=f"board:{board_id}:meeting:{meeting.id}:{meeting.meets_on.isoformat()}:{day.today}",
                day=day,
                stage=Stage(day.today, "daily"),
                describe=lambda summary=summary: summary,
                build=lambda context=context: context,
                order=90,
            )
        )
    return digests, covered
