"""The yearly review of standing declarations: each member is asked once a year, by DM, whether
their standing declarations on a board still hold (bot/declarations.py says when one is due)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import declarations as dec
from bot import models as m
from reminders.items import People, Reminder, Stage, current_stage
from reminders.timing import BoardDay


def review_reminders(session: Session, days: dict[int, BoardDay], people: People) -> list[Reminder]:
    """One DM per member and board whose standing declarations fall due for review today."""
    if not days:
        return []
    rows = session.scalars(
        select(m.StandingDeclaration)
        .where(m.StandingDeclaration.board_id.in_(list(days)))
        .options(joinedload(m.StandingDeclaration.person))
        .order_by(m.StandingDeclaration.person_id, m.StandingDeclaration.interest)
    )
    due: dict[tuple[int, int], list[m.StandingDeclaration]] = defaultdict(list)
    for standing in rows:
        review_on = dec.review_due(standing)
        if review_on is not None and current_stage(
            [Stage(review_on, "review")], days[standing.board_id], None
        ):
            due[(standing.board_id, standing.person_id)].append(standing)
    found = []
    for (board_id, _), theirs in due.items():
        day, person = days[board_id], theirs[0].person
        first = min(dec.review_due(s) or day.today for s in theirs)
        summary = (
            f"{day.board.name}: review {len(theirs)} standing declaration{'s' if len(theirs) != 1 else ''}"
        )
        context = {"board": day.board, "standing": theirs}
        found.append(
            Reminder(
                kind="declarations_review",
                recipient=people.recipient(person),
                occasion=f"standing:{board_id}:{first.isoformat()}",
                day=day,
                stage=Stage(first, "review"),
                describe=lambda summary=summary: summary,
                build=lambda context=context: context,
                order=70,
            )
        )
    return found
