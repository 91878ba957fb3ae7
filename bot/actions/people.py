"""Who an /actions request names: the asker's Slack account, a mention, or a lead's name as typed."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.boards import normalise

HONORIFICS = {"councillor", "cllr", "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame"}
MAX_CANDIDATES = 50  # people whose names share a word: enough to ask which


def person_with_slack_id(session: Session, board: m.Board, user_id: str) -> m.Person | None:
    stmt = select(m.Person).where(
        m.Person.workspace_id == board.workspace_id, m.Person.slack_user_id == user_id
    )
    return session.scalars(stmt.limit(1)).first()


def leads_named(session: Session, board: m.Board, phrase: str) -> list[m.Person]:
    """People who lead actions on the board (or sit on it) whose name or key fits the phrase.

    Exact matches win ("josh-rendall", "Councillor Josh Rendall", "josh rendall"); otherwise every
    word must start a word of the name or key ("josh", "j rendall").
    """
    key = phrase.strip().lstrip("@").lower()
    wanted = normalise(key)
    if len(wanted.replace(" ", "")) < 2:
        return []
    in_workspace = m.Person.workspace_id == board.workspace_id
    by_key = session.scalars(select(m.Person).where(in_workspace, m.Person.key == key).limit(1)).all()
    if by_key:
        return list(by_key)
    # SQL narrows to people on this board whose name holds the longest word; Python then matches
    # (IN, not a correlated EXISTS: one scan of the board, not one of every namesake's actions)
    words = [w for w in wanted.split() if w not in HONORIFICS] or wanted.split()  # "Cllr Josh"
    like = f"%{max(words, key=len)}%"  # normalised: letters and digits only, no wildcards
    leads = select(m.Action.lead_id).where(m.Action.board_id == board.id, m.Action.lead_id.is_not(None))
    members = select(m.Membership.person_id).where(m.Membership.board_id == board.id)
    stmt = (
        select(m.Person)
        .where(
            in_workspace,
            or_(func.lower(m.Person.name).like(like), m.Person.key.like(like)),
            or_(m.Person.id.in_(leads), m.Person.id.in_(members)),
        )
        .order_by(m.Person.name)
        .limit(MAX_CANDIDATES)
    )
    people = session.scalars(stmt).all()
    exact = [p for p in people if wanted in _full_names(p)]
    if exact:
        return exact
    return [p for p in people if all(any(t.startswith(w) for t in _name_words(p)) for w in words)]


def _full_names(person: m.Person) -> set[str]:
    name = normalise(person.name)
    bare = " ".join(w for w in name.split() if w not in HONORIFICS)
    return {name, bare, normalise(person.key)}


def _name_words(person: m.Person) -> set[str]:
    return (set(normalise(person.name).split()) - HONORIFICS) | set(normalise(person.key).split())
