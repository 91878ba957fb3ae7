"""What a spreadsheet tracker is read against: the board's people, meetings and actions as recorded,
and how a lead written in a cell is matched to a person (by e-mail, whole name or a leading name)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.importers.command import ImportFailed

HONORIFICS = {"cllr", "councillor", "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame"}
EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class BoardContext:
    """What the tracker is read against: the board's people, meetings and actions as recorded."""

    team_id: str
    key: str
    prefix: str
    people_by_name: dict[str, list[str]] = field(default_factory=dict)
    people_by_email: dict[str, str] = field(default_factory=dict)
    meeting_keys: set[str] = field(default_factory=set)
    meetings_by_date: dict[date, str] = field(default_factory=dict)
    agenda: dict[str, set[str]] = field(default_factory=dict)
    refs_by_description: dict[str, str] = field(default_factory=dict)
    refs: set[str] = field(default_factory=set)


def board_context(session: Session, key: str, team_id: str | None = None) -> BoardContext:
    query = select(m.Board).options(joinedload(m.Board.workspace)).where(m.Board.key == key)
    if team_id:
        query = query.join(m.Workspace).where(m.Workspace.team_id == team_id)
    boards = session.scalars(query).all()
    if len(boards) != 1:
        known = sorted(set(session.scalars(select(m.Board.key))))
        if not boards:
            raise ImportFailed(
                f"--board {key}: no such board in the database; load the board first (boardbot load) "
                f"or use one of: {', '.join(known) or 'none yet'}"
            )
        raise ImportFailed(f"--board {key}: a board of that key is in several workspaces; add --workspace")
    board = boards[0]
    actions = session.execute(
        select(m.Action.ref, m.Action.description).where(m.Action.board_id == board.id)
    ).all()
    prefixes = Counter(ref.split("-")[0] for ref, _ in actions)
    own = re.sub(r"[^A-Za-z]", "", key).upper() or "A"
    context = BoardContext(board.workspace.team_id, key, prefixes.most_common(1)[0][0] if prefixes else own)
    context.refs = {ref for ref, _ in actions}
    context.refs_by_description = {plain(text): ref for ref, text in actions}
    for person in session.scalars(select(m.Person).where(m.Person.workspace_id == board.workspace_id)):
        context.people_by_name.setdefault(person_name(person.name), []).append(person.key)
        if person.email:
            context.people_by_email[person.email.lower()] = person.key
    for meeting_key, meets_on in session.execute(
        select(m.Meeting.key, m.Meeting.meets_on).where(m.Meeting.board_id == board.id)
    ):
        context.meeting_keys.add(meeting_key)
        context.meetings_by_date.setdefault(meets_on, meeting_key)
    for meeting_key, number in session.execute(
        select(m.Meeting.key, m.AgendaItem.number)
        .join(m.AgendaItem, m.AgendaItem.meeting_id == m.Meeting.id)
        .where(m.Meeting.board_id == board.id)
    ):
        context.agenda.setdefault(meeting_key, set()).add(number)
    return context


def person_name(text: str) -> str:
    """ "Councillor Josh Rendall" and "Cllr. Josh Rendall (RBKC)" -> "josh rendall"."""
    words = re.findall(r"[a-z'-]+", re.sub(r"\(.*?\)", " ", text.lower()))
    return " ".join(w for w in words if w not in HONORIFICS)


def plain(text: str) -> str:
    return " ".join(text.split()).lower()


def match_lead(cell: str, context: BoardContext) -> tuple[str | None, str | None]:
    """(person key, lead as written): by e-mail, by whole name, or a name leading the text ("Kiran
    Hayer YOs"); a lead that is no one recorded, or two people of that name, stays text."""
    email = EMAIL_RE.search(cell)
    if email and email.group(0).lower() in context.people_by_email:
        found = context.people_by_email[email.group(0).lower()]
        return found, None if EMAIL_RE.fullmatch(cell.strip()) else cell
    name = person_name(cell)
    people = context.people_by_name.get(name, [])
    if len(people) == 1:
        return people[0], None
    leading = [
        keys[0]
        for known, keys in context.people_by_name.items()
        if len(keys) == 1 and known and name.startswith(known + " ")
    ]
    if len(leading) == 1:
        return leading[0], cell
    return None, cell
